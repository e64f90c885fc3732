// Which apply results ops should see, as plain records: rejected commands and commands that opened a conflict.
// Applied commands and duplicates (retries) are the normal case and are not recorded one by one.
import { clientIdLengthMax, identityPattern, type ApplyResult } from '../../../leader-worker/src/chart/index.js';
import { commandIdentity } from '../../../leader-worker/src/node/replicated-state-machine.js';

export const applyOutcomeLimits = {
  /** Longest rejection message and field path kept (the state machine's own are far shorter). Same bound as the column. */
  messageCharactersMax: 500,
};

export interface ApplyOutcomeRecord {
  readonly logIndex: number;
  readonly outcome: 'rejected' | 'conflict';
  readonly clientId: string | null;
  readonly sequence: number | null;
  readonly errorCode: string | null;
  readonly errorField: string | null;
  readonly message: string | null;
  readonly conflictId: string | null;
}

export function applyOutcomeRecord(logIndex: number, command: unknown, result: ApplyResult): ApplyOutcomeRecord | null {
  if (result.type !== 'rejected' && result.type !== 'conflict') return null;
  const identity = commandIdentity(command);
  // A rejected command may name its client with anything; only a valid client id is worth keeping.
  const named = identity !== null && identity.clientId.length <= clientIdLengthMax && identityPattern.test(identity.clientId);
  const common = { logIndex, clientId: named ? identity.clientId : null, sequence: named ? identity.sequence : null };
  if (result.type === 'conflict') {
    return { ...common, outcome: 'conflict', errorCode: null, errorField: null, message: null, conflictId: result.conflictId };
  }
  return {
    ...common,
    outcome: 'rejected',
    errorCode: result.error.code,
    errorField: result.error.field === undefined ? null : storableText(result.error.field),
    message: storableText(result.error.message),
    conflictId: null,
  };
}

/** Messages and field paths can quote what a device sent: PostgreSQL text cannot hold U+0000, and length is bounded. */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd').slice(0, applyOutcomeLimits.messageCharactersMax);
}
