import { type ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Access, Public } from '../../src/auth/access.decorator.js';
import { AuthGuard } from '../../src/auth/auth.guard.js';
import type { AuthenticatedRequest } from '../../src/auth/authenticated-request.js';
import type { Authenticator } from '../../src/auth/authenticator.service.js';
import type { Principal } from '../../src/auth/principal.js';

class Routes {
  @Access('admin') adminRoute(): void {}
  @Access('admin', 'device') sharedRoute(): void {}
  @Access('device') deviceRoute(): void {}
  @Public() publicRoute(): void {}
  undecoratedRoute(): void {}
}

const device: Principal = { kind: 'device', deviceId: 'd1', clinicId: 'clinic-1' };
const principalsByToken: Record<string, Principal> = { 'admin-token': { kind: 'admin' }, 'device-token': device };

function contextFor(route: keyof Routes, request: Partial<AuthenticatedRequest>, setHeader = jasmine.createSpy('setHeader')): ExecutionContext {
  const http = { getRequest: () => request, getResponse: () => ({ setHeader }) };
  return { getHandler: () => Routes.prototype[route], getClass: () => Routes, switchToHttp: () => http } as unknown as ExecutionContext;
}

function requestWith(token: string | undefined, params: Record<string, string> = {}): Partial<AuthenticatedRequest> {
  return { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, params };
}

describe('AuthGuard', () => {
  const authenticator = { authenticate: async (token: string) => principalsByToken[token] } as Authenticator;
  const guard = new AuthGuard(new Reflector(), authenticator);

  it('lets anyone call a public route, without looking at credentials', async () => {
    await expectAsync(guard.canActivate(contextFor('publicRoute', requestWith(undefined)))).toBeResolvedTo(true);
  });

  it('answers 401 with a WWW-Authenticate challenge without a header or with an unknown token', async () => {
    for (const token of [undefined, 'stolen-token']) {
      const setHeader = jasmine.createSpy('setHeader');
      await expectAsync(guard.canActivate(contextFor('sharedRoute', requestWith(token), setHeader))).toBeRejectedWithError(UnauthorizedException);
      expect(setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer');
    }
  });

  it('gives the route the authenticated principal', async () => {
    const request = requestWith('device-token', { clinicId: 'clinic-1' });
    await expectAsync(guard.canActivate(contextFor('sharedRoute', request))).toBeResolvedTo(true);
    expect(request.principal).toEqual(device);
  });

  it('answers 403 to a principal the route is not for', async () => {
    await expectAsync(guard.canActivate(contextFor('adminRoute', requestWith('device-token')))).toBeRejectedWithError(ForbiddenException);
    await expectAsync(guard.canActivate(contextFor('deviceRoute', requestWith('admin-token')))).toBeRejectedWithError(ForbiddenException);
  });

  it('keeps routes without an access rule for admins (fails closed)', async () => {
    await expectAsync(guard.canActivate(contextFor('undecoratedRoute', requestWith('admin-token')))).toBeResolvedTo(true);
    await expectAsync(guard.canActivate(contextFor('undecoratedRoute', requestWith('device-token')))).toBeRejectedWithError(ForbiddenException);
  });

  it('answers 403 to a device on a route of another clinic, and lets admins reach every clinic', async () => {
    const otherClinic = { clinicId: 'clinic-2' };
    await expectAsync(guard.canActivate(contextFor('sharedRoute', requestWith('device-token', otherClinic)))).toBeRejectedWithError(ForbiddenException);
    await expectAsync(guard.canActivate(contextFor('sharedRoute', requestWith('admin-token', otherClinic)))).toBeResolvedTo(true);
  });
});
