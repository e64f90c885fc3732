// Says who may call a route. Routes without it are for admins only, so a forgotten decorator fails closed.
import { SetMetadata } from '@nestjs/common';
import type { PrincipalKind } from './principal.js';

export type AccessRule = 'public' | readonly PrincipalKind[];

export const accessMetadataKey = 'clinic-mesh:access';

/** The principals that may call the route. A device is further limited to routes of its own clinic. */
export const Access = (...kinds: [PrincipalKind, ...PrincipalKind[]]) => SetMetadata(accessMetadataKey, kinds);

/** No credentials needed (health, metrics). */
export const Public = () => SetMetadata(accessMetadataKey, 'public' satisfies AccessRule);
