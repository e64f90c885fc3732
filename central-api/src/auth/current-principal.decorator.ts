// Gives a route handler the principal the auth guard checked: `@CurrentPrincipal() principal: Principal`.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './authenticated-request.js';
import type { Principal } from './principal.js';

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Only a public route has none, and a public route has no principal to ask for: a programming error.
  if (principal === undefined) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
