// The clinic node as its uplink sees it (uplink/uplink-driver.ts's UplinkNodeView): status and change events,
// committed entries read from the node's log, central's acknowledgement as the chart records it, and the
// proposal that records a newer one. The uplink stays beside the node: it gets this view, never the node.
import { centralAcknowledgementClientId, type ApplyResult, type ChartStateMachine } from '../chart/index.js';
import type { UplinkNodeView } from '../uplink/uplink-driver.js';
import type { ClinicNode } from './clinic-node.js';
import type { Scheduler } from './scheduler.js';

export function clinicNodeUplinkView(node: ClinicNode<ApplyResult>, chart: () => ChartStateMachine, scheduler: Scheduler): UplinkNodeView {
  return {
    status: () => node.status(),
    recordedAcknowledgedIndex: () => chart().centralAcknowledgedIndex(),
    onChange: (listener) => node.onStatus(() => listener()),
    committedEntries: (fromIndex, countMax) => node.committedEntries(fromIndex, countMax) ?? 'compacted',
    proposeAcknowledgement: async (acknowledgedIndex) => {
      const outcome = await node.propose({
        clientId: centralAcknowledgementClientId,
        // The index is the sequence: it only grows, and two leaders recording the same one apply it once.
        sequence: acknowledgedIndex,
        recordedAt: scheduler.nowMs(),
        author: { deviceId: node.status().id, userName: 'uplink', role: null },
        command: { type: 'recordCentralAcknowledgement', acknowledgedIndex },
      });
      return outcome.type !== 'failed';
    },
  };
}
