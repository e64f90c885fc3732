// Facts about central the clinic log records: how far central holds the log (written by the leader's uplink),
// and the devices central revoked (written by central's feed).
import type { ChartStore } from './chart-store.js';
import type { RecordCentralAcknowledgement, RevokeDevice } from './commands.js';
import { feedClientId } from './feed-envelopes.js';
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

/**
 * A revocation counts only from central's feed: a device of the clinic (perhaps the stolen one) cannot revoke
 * another. The first revocation of a device is kept; a later one (the same device revoked again) changes nothing.
 */
export function revokeDevice(store: ChartStore, context: ApplyContext, command: RevokeDevice): HandlerOutcome {
  if (context.clientId !== feedClientId) return rejected('not-from-central', 'command', 'only central revokes a device');
  if (!store.revokedDevices.has(command.deviceId)) {
    store.revokedDevices.set(command.deviceId, { deviceId: command.deviceId, reason: command.reason, revokedAt: context.recordedAt, revokedEventId: context.eventId });
  }
  return applied;
}
