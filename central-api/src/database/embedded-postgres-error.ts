// The one error the embedded server raises: its message is a sentence saying what went wrong and what to do.
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}
