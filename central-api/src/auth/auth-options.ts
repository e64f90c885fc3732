// What the auth module is given by the process that starts it.
export interface AuthOptions {
  /** From ADMIN_TOKEN; when undefined the token is generated once and its hash stored. */
  readonly adminToken: string | undefined;
}

export const authOptionsToken = Symbol('AuthOptions');
