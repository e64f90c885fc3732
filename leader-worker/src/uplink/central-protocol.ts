// The central API as a clinic's leader speaks it when it uploads the committed log: the route's body, its
// answers and its limits. Central's request and response classes implement these types
// (central-api/src/sync/dto/), so a change on one side that the other does not make fails to compile.
import type { MembershipChange } from '../raft/types.js';

/** Bounds on one upload, checked by central before it stores anything; the uplink never sends past them. */
export const centralIngestLimits = {
  /** Entries in one upload. Leaders upload a few hundred at a time; more waits for the next request. */
  entriesPerBatchMax: 1000,
  /** Command bytes (decoded) in one upload: base64 and JSON around them still fit central's body limit. */
  batchDataBytesMax: 512 * 1024,
  /** Bytes of one command. A chart note of 20,000 characters is well under 100 KiB of MessagePack. */
  entryDataBytesMax: 256 * 1024,
  /** A device's node id in a membership change. Same bound as central's column. */
  nodeIdCharactersMax: 200,
} as const;

export const uploadedEntryKinds = ['noop', 'command', 'membership'] as const;
export type UploadedEntryKind = (typeof uploadedEntryKinds)[number];

/** One committed entry as uploaded: the Raft entry with its command bytes in base64. */
export interface UploadedEntry {
  readonly index: number;
  readonly term: number;
  readonly kind: UploadedEntryKind;
  /** The leader's clock when it appended the entry (Entry.leaderTimeMs), when it has one. */
  readonly leaderTimeMs?: number;
  /** kind 'command' only: the command bytes (MessagePack), base64. */
  readonly data?: string;
  /** kind 'membership' only. */
  readonly change?: { readonly type: MembershipChange['type']; readonly nodeId: string };
}

/** The body of POST /api/clinics/:clinicId/log: committed entries, contiguous from `fromIndex`. */
export interface UploadLogBody {
  /** The index of entries[0]; at most central's acknowledged index + 1. */
  readonly fromIndex: number;
  /** The leader's commit index now (for ops' lag); at least the last entry's index. */
  readonly leaderCommitIndex?: number;
  /** The leader's clock when it sent the batch (ms since the epoch): central compares it with its own. */
  readonly leaderClockMs?: number;
  readonly entries: readonly UploadedEntry[];
}

/** What GET /api/clinics/:clinicId/log/ack and a successful upload answer. */
export interface LogAcknowledgement {
  /** The highest index up to which central holds every entry of the clinic's log (0: none). */
  readonly acknowledgedIndex: number;
  /**
   * An upload's answer, when the leader sent its clock: the leader's clock minus central's, in ms, as central
   * measured it on arrival (the link's delay makes it a little negative; minutes are a wrong clock).
   */
  readonly clockSkewMs?: number;
}

/**
 * A clinic clock further than this from central's is shown on the devices and to ops. Tablets keep their
 * own dates; two minutes is past any link's delay and within what a clinician notices on a queue.
 */
export const clockSkewLimitMs = 2 * 60_000;

/** The skew as central computes it, and whether it is past the limit. Pure, shared by both sides. */
export function clockSkew(leaderClockMs: number, centralNowMs: number): { readonly skewMs: number; readonly beyondLimit: boolean } {
  const skewMs = leaderClockMs - centralNowMs;
  return { skewMs, beyondLimit: Math.abs(skewMs) > clockSkewLimitMs };
}

/** Bounds of the downstream feed as both sides keep them: central refuses past them, the clinic never asks past them. */
export const centralFeedLimits = {
  /**
   * Items one page returns at most; a clinic coming back after days offline pages through the rest. A sync
   * horizon's download is 100,000 items and more: each page costs a round trip (300 ms on 3G), and 2,000
   * items are about 100 KB gzip'd (under a second at 1 Mbit/s) and 1 MB as JSON in a tablet's memory.
   */
  pageItemsMax: 2_000,
  /** The longest a long-poll waits for an item; under the usual 30 s idle timeouts of proxies and routers. */
  longPollWaitMsMax: 25_000,
} as const;

export const feedItemKinds = ['labResult', 'centralRegistration', 'chartChange', 'deviceRevoked'] as const;
/**
 * labResult: a result from an outside lab (recordLabResult); centralRegistration: a patient registered at central
 * for the clinic (registerPatient); chartChange: what another clinic wrote to a chart this clinic holds;
 * deviceRevoked: a device of the clinic central revoked (revokeDevice).
 */
export type FeedItemKind = (typeof feedItemKinds)[number];

/** The query of GET /api/clinics/:clinicId/feed. */
export interface FeedPageQueryParameters {
  /** A cursor from an earlier answer; or, instead, `afterSequence`. Omitted both: from the start. */
  readonly after?: string;
  /**
   * The sequence after which to read: what a clinic's leader asks with, from the state machine's record of
   * the feed items already decided (a new leader has no cursor, but every device knows how far the log got).
   */
  readonly afterSequence?: number;
  readonly limit?: number;
  /** Long-poll: when nothing follows, wait up to this long for an item. */
  readonly waitMs?: number;
}

/** One item of a clinic's feed. */
export interface FeedItem {
  readonly cursor: string;
  /** The item's position in the clinic's feed, from 1: the payload's sequence too. */
  readonly sequence: number;
  readonly kind: FeedItemKind;
  /** A chart command envelope { clientId: 'central-feed', sequence, recordedAt, author, command }, proposed as it is. */
  readonly payload: unknown;
  readonly createdAt: string;
}

/**
 * How far the clinic's download of its sync horizon has come, at two feed positions: the one a page was asked
 * from (`afterSequence`) and the page's last item. A patient counts once the clinic log has decided their last
 * item, so the device shows the count of the furthest of these positions its log has decided: "3,200 of
 * 10,000 patients", never a patient still on the way, and the last patient as soon as the last page is in.
 */
export interface HorizonProgress {
  /** The horizon's revision this download is for (it grows with every change an admin makes). */
  readonly revision: number;
  /** The patients this revision brings that the clinic did not hold. */
  readonly patientsTotal: number;
  /** Of those, the ones whose every item is at or before the position asked from. */
  readonly patientsReceived: number;
  /** Of those, the ones whose every item is in this page or before it. */
  readonly patientsReceivedWithPage: number;
  /** False once central has queued every patient of the revision into the feed. */
  readonly queueing: boolean;
}

/** What GET /api/clinics/:clinicId/feed answers. */
export interface FeedPage {
  readonly items: readonly FeedItem[];
  readonly nextCursor: string;
  /**
   * The sequence of the feed's last item when the page was read (0: none yet): a read after any sequence up
   * to it is answered, so a leader downloading may ask for the next pages before this one arrives.
   */
  readonly lastSequence: number;
  /** Present once an admin has set a horizon that brings patients to this clinic. */
  readonly horizon?: HorizonProgress;
}

/** What POST /api/clinics/:clinicId/leases answers with 201 (a new grant) or 200 (the clinic's lease, extended). */
export interface LeaseGrant {
  readonly leaseId: string;
  /** The fencing epoch: grows with every grant of the patient's chart, whichever clinic it goes to. */
  readonly epoch: number;
  /** By central's clock (ISO 8601). */
  readonly expiresAt: string;
}

/** The 409 of an acquire: another clinic holds the chart. */
export interface LeaseHeldElsewhere {
  readonly heldBy: string;
  readonly expiresAt: string;
  readonly epoch: number;
}
