// What the leader's uplink does next, decided from what it knows: whether this device leads, the commit index,
// what central acknowledged, and how the last attempt went. Pure (no I/O, no clock: `nowMs` is passed in, the
// randomness injected), so every rule is tested without a network:
//   - only a leader uploads, and a new term starts by asking central how far it holds the log;
//   - uploads go in order from central's acknowledged index + 1, one request at a time, never a gap;
//   - a failed request waits (backoff with jitter, at least what the server asked for) and resumes from the
//     acknowledgement: a request lost after central stored it is resent and only acknowledged again;
//   - central's acknowledgement is written into the clinic log every acknowledgementRecordEntries, so
//     followers bound their compaction by it and a new leader knows where the last one stopped.
import { assert } from '../invariants/assert.js';
import type { RandomSource } from '../raft/types.js';
import { defaultRetryBackoff, retryDelayMs, type RetryBackoff } from './retry-backoff.js';
import { clockSkewLimitMs } from './central-protocol.js';

/** The node as the uplink sees it after each change. */
export interface UplinkView {
  /** The term this device leads in, or null when it does not lead. */
  readonly leaderTerm: number | null;
  readonly commitIndex: number;
  /** The acknowledgement last written into the clinic log (0: none), as this device has applied it. */
  readonly recordedAcknowledgedIndex: number;
}

export interface UplinkSettings {
  readonly backoff: RetryBackoff;
  /**
   * Central's acknowledgement is written into the log once it is this many entries past the last one written.
   * Writing each would add an entry per upload, which itself needs uploading: a bound, not a loop.
   */
  readonly acknowledgementRecordEntries: number;
  /**
   * Linger: the first entry committed after the uplink caught up waits this long for others to join its
   * upload (a visit writes several entries within seconds), unless lingerEntriesMax are waiting by then.
   * Each upload costs its HTTP headers on the cellular link; commits never wait for it. 0: upload at once.
   */
  readonly lingerMs: number;
  readonly lingerEntriesMax: number;
}

export const defaultUplinkSettings: UplinkSettings = { backoff: defaultRetryBackoff, acknowledgementRecordEntries: 64, lingerMs: 5_000, lingerEntriesMax: 200 };

export type UplinkAction =
  /** Ask central how far it holds the clinic's log (GET .../log/ack). */
  | { readonly type: 'fetchAcknowledgement' }
  /** Upload committed entries from `fromIndex` (the driver reads them and cuts the batch at its limits). */
  | { readonly type: 'upload'; readonly fromIndex: number }
  /** Propose central's acknowledgement into the clinic log. */
  | { readonly type: 'recordAcknowledgement'; readonly acknowledgedIndex: number }
  /** Nothing until `untilMs` (a retry), or until the view changes (`untilMs` null). */
  | { readonly type: 'wait'; readonly untilMs: number | null };

/** How a request to central ended. */
export type CentralAnswer =
  /** Central holds every entry up to this index (and, after an upload, says how far our clock is from its own). */
  | { readonly type: 'acknowledged'; readonly acknowledgedIndex: number; readonly clockSkewMs?: number }
  /** An upload started past what central holds: it needs entries from `expectedIndex`. */
  | { readonly type: 'gap'; readonly expectedIndex: number }
  /** No answer, a timeout, 5xx, 429 or 503: try again later (not before `retryAfterMs` when given). */
  | { readonly type: 'unavailable'; readonly retryAfterMs?: number }
  /** 4xx other than the above (a bad credential, an entry central refuses, a divergence): only ops can mend it. */
  | { readonly type: 'refused'; readonly status: number; readonly message: string };

export class UplinkDecisions {
  private view: UplinkView = { leaderTerm: null, commitIndex: 0, recordedAcknowledgedIndex: 0 };
  /** Central's acknowledged index as learned in the current term; null until asked. Invariant: monotonic within a term. */
  private acknowledgedIndex: number | null = null;
  private requestInFlight = false;
  private failuresInARow = 0;
  private retryAtMs = 0;
  /** The acknowledgement proposed into the log and not yet seen applied. */
  private recordingIndex = 0;
  /** When the uplink last found entries waiting after it had caught up (null: caught up). */
  private waitingSinceMs: number | null = null;
  /** This device's clock minus central's, as central last measured it at an upload (null: not yet). */
  private lastClockSkewMs: number | null = null;
  /** The last refusal, for the status panel and ops; cleared by the next success. */
  private lastRefusal: { readonly status: number; readonly message: string } | null = null;

  constructor(
    private readonly random: RandomSource,
    private readonly settings: UplinkSettings = defaultUplinkSettings,
  ) {}

  /** The node changed: a new role or term, a higher commit index, an acknowledgement applied. */
  observe(view: UplinkView): void {
    if (view.leaderTerm !== this.view.leaderTerm) {
      // A new term (or losing the lead): what central holds is asked again, by whoever leads now.
      this.acknowledgedIndex = null;
      this.failuresInARow = 0;
      this.retryAtMs = 0;
      this.recordingIndex = 0;
    }
    this.view = view;
  }

  /** What to do now. Call again after every observe() and after every answer. */
  next(nowMs: number): UplinkAction {
    if (this.view.leaderTerm === null || this.requestInFlight) return { type: 'wait', untilMs: null };
    if (nowMs < this.retryAtMs) return { type: 'wait', untilMs: this.retryAtMs };
    if (this.acknowledgedIndex === null) return { type: 'fetchAcknowledgement' };
    if (this.acknowledgedIndex < this.view.commitIndex) {
      this.waitingSinceMs ??= nowMs;
      const lingerUntilMs = this.waitingSinceMs + this.settings.lingerMs;
      const few = this.view.commitIndex - this.acknowledgedIndex < this.settings.lingerEntriesMax;
      if (few && nowMs < lingerUntilMs) return { type: 'wait', untilMs: lingerUntilMs };
      return { type: 'upload', fromIndex: this.acknowledgedIndex + 1 };
    }
    this.waitingSinceMs = null;
    return this.recordingDue() ? { type: 'recordAcknowledgement', acknowledgedIndex: this.acknowledgedIndex } : { type: 'wait', untilMs: null };
  }

  /** The driver started the request next() asked for (fetch or upload). */
  requestStarted(): void {
    assert(!this.requestInFlight, 'one request to central at a time');
    this.requestInFlight = true;
  }

  /** The request ended. `term` is the leader term it was started in: an answer from an earlier term only frees the slot. */
  answered(answer: CentralAnswer, term: number, nowMs: number): void {
    assert(this.requestInFlight, 'an answer with no request in flight');
    this.requestInFlight = false;
    if (term !== this.view.leaderTerm) return;
    switch (answer.type) {
      case 'acknowledged':
        if (answer.clockSkewMs !== undefined) this.lastClockSkewMs = answer.clockSkewMs;
        this.learn(answer.acknowledgedIndex);
        this.succeeded();
        return;
      case 'gap':
        // Central holds less than we thought (it told us so): resume from what it needs.
        this.acknowledgedIndex = answer.expectedIndex - 1;
        this.succeeded();
        return;
      case 'unavailable':
        this.failed(nowMs, answer.retryAfterMs ?? 0);
        return;
      case 'refused':
        this.lastRefusal = { status: answer.status, message: answer.message };
        this.failed(nowMs, this.settings.backoff.delayMsMax);
        return;
    }
  }

  /** The acknowledgement next() asked to record was proposed. */
  acknowledgementProposed(acknowledgedIndex: number): void {
    this.recordingIndex = acknowledgedIndex;
  }

  /** For the status panel: entries committed and not yet held by central (null: not known here). */
  get notUploaded(): number | null {
    return this.acknowledgedIndex === null ? null : Math.max(0, this.view.commitIndex - this.acknowledgedIndex);
  }

  get refusal(): { readonly status: number; readonly message: string } | null {
    return this.lastRefusal;
  }

  /** This device's clock against central's at the last upload, for the clock warning (null: not measured yet). */
  get clock(): { readonly skewMs: number; readonly beyondLimit: boolean } | null {
    return this.lastClockSkewMs === null ? null : { skewMs: this.lastClockSkewMs, beyondLimit: Math.abs(this.lastClockSkewMs) > clockSkewLimitMs };
  }

  private recordingDue(): boolean {
    const acknowledged = this.acknowledgedIndex ?? 0;
    const recorded = Math.max(this.view.recordedAcknowledgedIndex, this.recordingIndex);
    return acknowledged - recorded >= this.settings.acknowledgementRecordEntries;
  }

  private learn(acknowledgedIndex: number): void {
    // Central's acknowledgement never moves back: a smaller one is a stale answer, not news.
    this.acknowledgedIndex = Math.max(this.acknowledgedIndex ?? 0, acknowledgedIndex);
  }

  private succeeded(): void {
    this.failuresInARow = 0;
    this.retryAtMs = 0;
    this.lastRefusal = null;
  }

  private failed(nowMs: number, floorMs: number): void {
    this.failuresInARow++;
    this.retryAtMs = nowMs + retryDelayMs(this.failuresInARow, this.settings.backoff, this.random, floorMs);
  }
}
