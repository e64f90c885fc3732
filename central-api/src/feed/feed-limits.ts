// Bounds of the downstream feed, and the names it shares with PostgreSQL.
export const feedKinds = ['labResult', 'centralRegistration', 'chartChange'] as const;
/** labResult: a result from an outside lab (a recordLabResult command); centralRegistration: a patient
 * registered at central for the clinic (a registerPatient command); chartChange: what another clinic wrote to
 * the chart of a patient this clinic holds (that clinic's command, see chart-change-export.ts). */
export type FeedKind = (typeof feedKinds)[number];

export const feedLimits = {
  pageItemsDefault: 100,
  /** Items one page returns at most; a clinic coming back after days offline pages through the rest. */
  pageItemsMax: 500,
  /** The longest a long-poll waits for an item; under the usual 30 s idle timeouts of proxies and routers. */
  longPollWaitMsMax: 25_000,
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
