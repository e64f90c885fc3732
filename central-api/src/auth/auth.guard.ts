// The one guard of the API (global): 401 without a valid bearer token, 403 for a principal the route does
// not allow, and 403 for a device calling a route of another clinic (any route with a :clinicId parameter).
import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { accessMetadataKey, type AccessRule } from './access.decorator.js';
import type { AuthenticatedRequest } from './authenticated-request.js';
import { Authenticator } from './authenticator.service.js';
import { bearerToken } from './credentials.js';
import { canAccessClinic } from './principal.js';

/** Routes without an access rule are for admins only. */
const defaultAccessRule: AccessRule = ['admin'];

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(accessMetadataKey, [context.getHandler(), context.getClass()]) ?? defaultAccessRule;
    if (rule === 'public') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    const principal = token === undefined ? undefined : await this.authenticator.authenticate(token);
    if (principal === undefined) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer'); // RFC 6750
      throw new UnauthorizedException('A valid "Authorization: Bearer <token>" header is required');
    }
    if (!rule.includes(principal.kind)) throw new ForbiddenException(`This route is not for a ${principal.kind}`);
    const clinicId = request.params['clinicId'];
    // UUIDs are equal whatever their letters' case (PostgreSQL agrees); stored ones are lower case.
    if (typeof clinicId === 'string' && !canAccessClinic(principal, clinicId.toLowerCase())) {
      throw new ForbiddenException('A device may only reach its own clinic');
    }
    request.principal = principal;
    return true;
  }
}
