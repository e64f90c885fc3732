// The clinic node as its feed import sees it (feed-import/feed-importer.ts's FeedImportNodeView): status and
// change events, how far the chart has decided central's feed, and the proposal of an item as it is.
import type { ApplyResult, ChartStateMachine } from '../chart/index.js';
import type { FeedImportNodeView } from '../feed-import/feed-importer.js';
import type { CommandIdentity } from './replicated-state-machine.js';
import type { ClinicNode } from './clinic-node.js';

export function clinicNodeFeedImportView(node: ClinicNode<ApplyResult>, chart: () => ChartStateMachine): FeedImportNodeView {
  return {
    status: () => node.status(),
    feedDecidedThrough: () => chart().feedDecidedThrough(),
    onChange: (listener) => node.onStatus(() => listener()),
    proposeFeedItem: async (payload) => {
      // The import checked the payload is a valid envelope of the feed (pageProblem) before proposing it.
      const outcome = await node.propose(payload as CommandIdentity & Record<string, unknown>);
      if (outcome.type !== 'failed') return 'taken';
      // Its identity is valid, so 'invalidCommand' can only say a copy is already waiting here: it will be decided.
      return outcome.reason === 'invalidCommand' ? 'taken' : 'notTaken';
    },
  };
}
