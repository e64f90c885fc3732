// Who made a request, once the auth guard has checked the bearer token.
export type Principal = { readonly kind: 'admin' } | DevicePrincipal;

export interface DevicePrincipal {
  readonly kind: 'device';
  readonly deviceId: string;
  readonly clinicId: string;
}

export type PrincipalKind = Principal['kind'];

/** Admins reach every clinic; a device only its own. Routes whose clinic is not in the path check with this. */
export function canAccessClinic(principal: Principal, clinicId: string): boolean {
  return principal.kind === 'admin' || principal.clinicId === clinicId;
}
