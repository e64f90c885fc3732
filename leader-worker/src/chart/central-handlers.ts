// Facts about central the clinic log records: how far central holds the log (written by the leader's uplink).
import type { ChartStore } from './chart-store.js';
import type { RecordCentralAcknowledgement } from './commands.js';
import { applied, rejected, type ApplyContext, type HandlerOutcome } from './handler-context.js';

/**
 * The client id of every recordCentralAcknowledgement, with the acknowledged index as its sequence: two leaders
 * recording the same acknowledgement propose the same identity, and it applies once.
 */
export const centralAcknowledgementClientId = 'central-acknowledgement';

/**
 * Central can only have acknowledged entries before this one: anything else is a broken uplink, refused. An
 * older acknowledgement than the one recorded (a new leader's late write) changes nothing: it never decreases.
 */
export function recordCentralAcknowledgement(store: ChartStore, context: ApplyContext, command: RecordCentralAcknowledgement): HandlerOutcome {
  if (command.acknowledgedIndex >= context.logIndex) {
    return rejected('invalid-value', 'command.acknowledgedIndex', `central cannot hold entry ${command.acknowledgedIndex} before entry ${context.logIndex} is written`);
  }
  store.centralAcknowledgedIndex = Math.max(store.centralAcknowledgedIndex, command.acknowledgedIndex);
  return applied;
}
