// What a command handler gets besides the store and the command, and what it returns. A handler checks
// everything first and changes the store only once the command is sure to be accepted, so a rejection never
// leaves a half-applied change.
import type { Author, FieldVersion } from './commands.js';
import type { EventStamp } from './records.js';
import type { ChartError, ChartErrorCode } from './results.js';

export interface ApplyContext {
  /** The clinic whose log this is. */
  readonly clinicId: string;
  /** `${clinicId}/${logIndex}` */
  readonly eventId: string;
  readonly logIndex: number;
  readonly clientId: string;
  readonly sequence: number;
  readonly recordedAt: number;
  readonly author: Author;
  /** This write's version stamp, `${clientId}:${sequence}`: the version of every field it sets. */
  readonly stamp: FieldVersion;
  /** The clinic's time the entry was appended at (the leader's clock, Entry.leaderTimeMs); null when it has none. */
  readonly leaderTimeMs: number | null;
}

export type HandlerOutcome =
  | { readonly type: 'applied' }
  | { readonly type: 'conflict'; readonly conflictId: string }
  | { readonly type: 'rejected'; readonly error: ChartError };

export const applied: HandlerOutcome = { type: 'applied' };

export function rejected(code: ChartErrorCode, field: string, message: string): HandlerOutcome {
  return { type: 'rejected', error: { code, field, message } };
}

export function eventStamp(context: ApplyContext): EventStamp {
  return { eventId: context.eventId, recordedAt: context.recordedAt, author: context.author };
}
