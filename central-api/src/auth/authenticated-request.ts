// The request as the auth guard leaves it for the route.
import type { Request } from 'express';
import type { Principal } from './principal.js';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}
