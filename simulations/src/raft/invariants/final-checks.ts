// The end-of-run verdict after the quiet window: every member device holds the same applied index and the
// same state, every acknowledged command is in the committed log exactly once, and the log's figures.
import type { Trace } from '../../engine/trace.js';
import { check, simulatorAssert } from '../../engine/violation.js';
import type { Cluster } from '../cluster.js';
import { commandKey } from '../command-codec.js';
import type { RaftFigures } from '../figures.js';
import type { AcknowledgementLedger } from './acknowledgement-ledger.js';
import type { LogHistory } from './log-history.js';

export function checkFinalState(cluster: Cluster, history: LogHistory, ledger: AcknowledgementLedger, figures: RaftFigures, trace: Trace, nowMs: number): void {
  const finalIndex = checkConvergence(cluster, trace, nowMs);
  checkAcknowledgedOnce(history, ledger, finalIndex);
  countCommittedCommands(history, figures, finalIndex);
}

/** All member devices agree; returns their applied index. */
function checkConvergence(cluster: Cluster, trace: Trace, nowMs: number): number {
  const leader = cluster.stableLeader();
  check(leader !== null, 'convergence', () => 'no stable leader at the end of the quiet window');
  const leaderStatus = leader.status();
  const members = [...leaderStatus.membership.voters, ...leaderStatus.membership.learners];
  for (const node of cluster.active()) {
    if (!members.includes(node.id) && trace.enabled) trace.write(nowMs, `final: ${node.id} never became a member; not compared`);
  }
  const leaderHash = leader.stateMachine().stateHash();
  for (const id of members) {
    const node = cluster.node(id);
    check(node !== undefined && node.isUp, 'convergence', () => `member ${id} is not up at the end of the run`);
    const status = node.status();
    check(node.appliedIndex === leaderStatus.commitIndex && status.commitIndex === leaderStatus.commitIndex, 'convergence',
      () => `${id} ended at commit ${status.commitIndex} / applied ${node.appliedIndex}, leader ${leader.id} at commit ${leaderStatus.commitIndex}`);
    const hash = node.stateMachine().stateHash();
    check(hash === leaderHash, 'convergence', () => `${id} ended with state ${hash}, leader ${leader.id} with ${leaderHash}`);
  }
  if (trace.enabled) trace.write(nowMs, `final: ${members.length} members at index ${leaderStatus.commitIndex}, state ${leaderHash}`);
  return leaderStatus.commitIndex;
}

/** Every acknowledged command is in the final committed log, applied at exactly one index (§6.3). */
function checkAcknowledgedOnce(history: LogHistory, ledger: AcknowledgementLedger, finalIndex: number): void {
  for (const acknowledgement of ledger.all()) {
    const where = `client ${acknowledgement.clientId} seq ${acknowledgement.seq} (acknowledged at ${acknowledgement.atMs}ms, index ${acknowledgement.index})`;
    check(acknowledgement.index <= finalIndex, 'acknowledged-lost', () => `${where} is beyond the final committed index ${finalIndex}`);
    const applied = history.appliedAt(acknowledgement.index);
    const committed = history.committedAt(acknowledgement.index);
    check(applied !== undefined && applied.outcome === 'applied' && applied.commandKey === commandKey(acknowledgement.clientId, acknowledgement.seq),
      'acknowledged-lost', () => `${where} is not what the log applied there (${applied?.fingerprint ?? 'nothing'})`);
    check(committed !== undefined && committed.fingerprint === applied.fingerprint && committed.term === applied.term,
      'acknowledged-lost', () => `${where} is not the committed entry there`);
  }
}

/** committedEntries: command entries in the final log; duplicates: those that repeated a (clientId, seq). */
function countCommittedCommands(history: LogHistory, figures: RaftFigures, finalIndex: number): void {
  for (let index = 1; index <= finalIndex; index++) {
    const applied = history.appliedAt(index);
    simulatorAssert(applied !== undefined, `index ${index} is committed in the final log but no node ever applied it`);
    if (applied.commandKey === null) continue;
    figures.committedEntries++;
    if (applied.outcome === 'duplicate') figures.duplicates++;
  }
}
