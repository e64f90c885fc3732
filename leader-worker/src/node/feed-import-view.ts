// The clinic node as its feed import sees it (feed-import/feed-importer.ts's FeedImportNodeView): status and
// change events, how far the chart has decided central's feed, and the proposal of items as they are, straight
// into the leader's log (central keeps them: they need no outbox).
import type { ApplyResult, ChartStateMachine } from '../chart/index.js';
import type { FeedImportNodeView } from '../feed-import/feed-importer.js';
import type { CommandIdentity } from './replicated-state-machine.js';
import type { ClinicNode } from './clinic-node.js';

export function clinicNodeFeedImportView(node: ClinicNode<ApplyResult>, chart: () => ChartStateMachine): FeedImportNodeView {
  return {
    status: () => node.status(),
    feedDecidedThrough: () => chart().feedDecidedThrough(),
    onChange: (listener) => node.onStatus(() => listener()),
    // The import checked every payload is a valid envelope of the feed (pageProblem) before proposing it.
    proposeFeedItems: (payloads) => Promise.resolve(node.proposeFromElsewhere(payloads as (CommandIdentity & Record<string, unknown>)[])),
  };
}
