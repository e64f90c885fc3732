// The end-of-day verdict, after healing and a quiet spell: every device holds the same applied index and
// the same chart (by hash); every write acknowledged to a clinician is in the clinic's log, applied exactly
// once; every visit shows done, with all its writes, on every device; the charts' own indexes agree.
import type { Trace } from '../../engine/trace.js';
import { check, simulatorAssert } from '../../engine/violation.js';
import type { LogHistory } from '../../raft/invariants/log-history.js';
import type { SafetyChecker } from '../../raft/invariants/safety-checker.js';
import type { ClinicFigures } from '../clinic-figures.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { isVisible, type Visit } from '../visit-flow.js';
import type { WriteLedger } from './write-ledger.js';

export interface FinalState {
  readonly devices: readonly SimulatedDevice[];
  readonly leader: SimulatedDevice | null;
  readonly history: LogHistory;
  readonly safety: SafetyChecker;
  readonly ledger: WriteLedger;
  readonly visits: readonly Visit[];
  readonly figures: ClinicFigures;
  readonly trace: Trace;
  readonly nowMs: number;
}

export function checkClinicFinalState(state: FinalState): void {
  const finalIndex = checkConvergence(state);
  countLog(state, finalIndex);
  checkAcknowledgedOnce(state, finalIndex);
  checkVisitsRecorded(state);
  for (const device of state.devices) device.chart!.checkInvariants();
}

/** Every device is up, at the leader's commit index, with the leader's state hash and an empty outbox. */
function checkConvergence(state: FinalState): number {
  const leader = state.leader;
  check(leader !== null, 'convergence', () => 'no leader followed by every device at the end of the session');
  const leaderStatus = leader.node!.status();
  for (const device of state.devices) {
    check(device.isUsable, 'convergence', () => `${device.id} is ${device.condition} at the end of the session`);
    const status = device.node!.status();
    check(status.appliedIndex === leaderStatus.commitIndex && status.commitIndex === leaderStatus.commitIndex, 'convergence',
      () => `${device.id} ended at commit ${status.commitIndex} / applied ${status.appliedIndex}, leader ${leader.id} at commit ${leaderStatus.commitIndex}`);
    check(status.stateHash === leaderStatus.stateHash, 'convergence',
      () => `${device.id} ended with chart ${status.stateHash}, leader ${leader.id} with ${leaderStatus.stateHash}`);
    check(status.pendingWrites === 0, 'convergence', () => `${device.id} ended with ${status.pendingWrites} writes still pending in its outbox`);
  }
  if (state.trace.enabled) state.trace.write(state.nowMs, `final: ${state.devices.length} devices at index ${leaderStatus.commitIndex}, chart ${leaderStatus.stateHash}`);
  return leaderStatus.commitIndex;
}

/** committedEntries: command entries in the final log; duplicates: those that repeated an applied proposal. */
function countLog(state: FinalState, finalIndex: number): void {
  for (let index = 1; index <= finalIndex; index++) {
    const committed = state.history.committedAt(index);
    simulatorAssert(committed !== undefined, `index ${index} is in the final log but no device was seen committing it`);
    if (!committed.fingerprint.startsWith('command')) continue;
    state.figures.committedEntries++;
    if (state.history.appliedAt(index)?.outcome === 'duplicate') state.figures.duplicates++;
  }
}

/**
 * Every acknowledged write was applied for real at exactly one index of the final log (the safety checker
 * fails a second application at once). An 'applied' answer named that index. Lost writes are all counted
 * before the first one fails the run.
 */
function checkAcknowledgedOnce(state: FinalState, finalIndex: number): void {
  const lost: string[] = [];
  for (const acknowledgement of state.ledger.all()) {
    const where = `${acknowledgement.key} (acknowledged ${acknowledgement.outcome} on ${acknowledgement.deviceId} at ${acknowledgement.atMs}ms)`;
    const index = state.safety.appliedIndexOf(acknowledgement.key);
    const applied = index === undefined ? undefined : state.history.appliedAt(index);
    if (index === undefined || index > finalIndex || applied?.commandKey !== acknowledgement.key) {
      lost.push(`${where} is not in the final log`);
      continue;
    }
    if (acknowledgement.outcome === 'applied' && acknowledgement.firstApplication) {
      check(acknowledgement.logIndex === index, 'acknowledged-misreported', () => `${where} was answered with index ${acknowledgement.logIndex}, but it was applied at ${index}`);
    }
  }
  state.figures.lostWrites = lost.length;
  check(lost.length === 0, 'acknowledged-lost', () => `${lost.length} acknowledged writes lost; first: ${lost[0]}`);
}

/** Each visit is done, and every write made for it shows on every device (they are equal by now). */
function checkVisitsRecorded(state: FinalState): void {
  const chart = state.leader!.chart!;
  for (const visit of state.visits) {
    check(visit.completedAtMs !== null, 'visit-unfinished', () => `${visit.id} never finished`);
    const view = chart.openChart(visit.profile.patientId);
    const record = view?.visits.find((candidate) => candidate.visitId === visit.visitId);
    check(record?.station === 'done', 'visit-unfinished', () => `${visit.id} is at ${record?.station ?? 'no station'} in the final chart`);
    for (const write of visit.writes) {
      check(isVisible(write, chart), 'write-missing', () => `${visit.id}: ${write.command.type} is not in the final chart`);
    }
  }
}

/** For reports: which devices disagree. */
export function describeDevices(devices: readonly SimulatedDevice[]): string {
  return devices.map((device) => {
    const status = device.node?.status();
    return status === undefined ? `${device.id}: ${device.condition}` : `${device.id}: ${status.role} t${status.term} commit ${status.commitIndex} applied ${status.appliedIndex} pending ${status.pendingWrites}`;
  }).join('; ');
}
