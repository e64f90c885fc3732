// Bounds of the downstream feed, and the names it shares with PostgreSQL. The kinds and the page and wait
// bounds are the clinic's protocol (uplink/central-protocol.ts): what a clinic's leader asks is never refused.
import { centralFeedLimits, feedItemKinds, type FeedItemKind } from '../../../leader-worker/src/uplink/central-protocol.js';

export const feedKinds = feedItemKinds;
/** What another clinic wrote to a chart this clinic holds is that clinic's command (see chart-change-export.ts). */
export type FeedKind = FeedItemKind;

export const feedLimits = {
  pageItemsDefault: 100,
  pageItemsMax: centralFeedLimits.pageItemsMax,
  longPollWaitMsMax: centralFeedLimits.longPollWaitMsMax,
  /** Long-polls one process keeps waiting at once; past it a poll is refused with 503 (try again shortly). */
  longPollWaitersMax: 10_000,
  /** The LISTEN connection is re-opened after a loss, waiting this long first, doubling up to the max. */
  listenReconnectDelayMsMin: 250,
  listenReconnectDelayMsMax: 30_000,
  /** Cursors we issue are about 70 characters; anything much longer is not one of ours. */
  cursorCharactersMax: 200,
};

/** The PostgreSQL NOTIFY channel; the payload is the clinic id whose feed grew. */
export const feedNotificationChannel = 'clinic_feed';
