// The clinic node as its lease keeper sees it (chart-leases/lease-keeper.ts's LeaseKeeperNodeView): this
// clinic's recent visits from the station queues, a chart's lease as the log records it, and the proposal of a
// lease command under an identity no two leaders share.
import { stations, type ApplyResult, type ChartStateMachine } from '../chart/index.js';
import type { LeaseKeeperNodeView } from '../chart-leases/lease-keeper.js';
import { assert } from '../invariants/assert.js';
import type { ClinicNode } from './clinic-node.js';
import type { Scheduler } from './scheduler.js';

/** The client id of the lease commands the leader's keeper proposes. */
export const leaseKeeperClientId = 'chart-leases';
/**
 * Sequences are term * leaseCommandsPerTermMax + n: one leader per term, so two leaders never propose
 * different commands under one identity, and each term's sequences pass the last term's (a late copy of an old
 * term's command is then taken for a duplicate and dropped, which is safe: the keeper decides again from the log).
 */
export const leaseCommandsPerTermMax = 2 ** 20;

export function clinicNodeLeaseKeeperView(node: ClinicNode<ApplyResult>, chart: () => ChartStateMachine, scheduler: Scheduler): LeaseKeeperNodeView {
  let counterTerm = 0;
  let counter = 0;
  return {
    status: () => node.status(),
    onChange: (listener) => node.onStatus(() => listener()),
    recentVisits: (fromMs, untilMs) =>
      stations.flatMap((station) => chart().stationQueue(station, { startMs: fromMs, endMs: untilMs }).map((entry) => ({ patientId: entry.patientId, open: station !== 'done' }))),
    leaseOf: (patientId) => chart().openChart(patientId)?.lease ?? null,
    proposeLeaseCommand: async (command, term) => {
      if (term !== counterTerm) {
        counterTerm = term;
        counter = 0;
      }
      counter++;
      assert(counter < leaseCommandsPerTermMax, 'lease commands of one term fit in its sequence range');
      const outcome = await node.propose({
        clientId: leaseKeeperClientId,
        sequence: term * leaseCommandsPerTermMax + counter,
        recordedAt: scheduler.nowMs(),
        author: { deviceId: node.status().id, userName: 'lease keeper', role: null },
        command,
      });
      return outcome.type !== 'failed';
    },
  };
}
