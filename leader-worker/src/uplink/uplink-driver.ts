// The uplink's I/O edge: it carries out what UplinkDecisions asks (fetch central's acknowledgement, upload the
// next batch, write the acknowledgement into the clinic log) through the node's narrow view and a
// CentralClient, and wakes the decisions when the node changes or a retry falls due. Built beside the clinic
// node, never inside it: commits never wait for the uplink, and the uplink never holds a lock the node needs.
import type { Entry, RandomSource, Role } from '../raft/types.js';
import type { Scheduler } from '../node/scheduler.js';
import type { CentralClient } from './central-client.js';
import { centralIngestLimits } from './central-protocol.js';
import { nextUploadBatch } from './upload-batch.js';
import { defaultUplinkSettings, UplinkDecisions, type CentralAnswer, type UplinkSettings } from './uplink-decisions.js';

/** The node as the uplink sees it. */
export interface UplinkNodeView {
  status(): { readonly role: Role; readonly term: number; readonly commitIndex: number };
  /** Central's acknowledgement as last written into the clinic log and applied here (0: none). */
  recordedAcknowledgedIndex(): number;
  /** Called after every change of the node (role, term, commit, applied); returns how to stop listening. */
  onChange(listener: () => void): () => void;
  /**
   * Committed entries from `fromIndex`, at most `countMax` of them, in order; 'compacted' when `fromIndex`
   * is below what the log still holds (the node never compacts past central's acknowledgement).
   */
  committedEntries(fromIndex: number, countMax: number): readonly Entry[] | 'compacted';
  /** Proposes central's acknowledgement into the clinic log; resolves whether the node took it. */
  proposeAcknowledgement(acknowledgedIndex: number): Promise<boolean>;
}

/** What the status panel and ops read off the uplink. */
export interface UplinkStatus {
  /** Committed entries central does not hold yet (null: not known on this device, e.g. not the leader). */
  readonly notUploaded: number | null;
  /** Central's last refusal (a revoked credential, an entry it will not take), for a person to mend. */
  readonly refusal: { readonly status: number; readonly message: string } | null;
  /** An entry no upload can carry, or the log compacted past what central holds: the uplink cannot go on. */
  readonly stuck: string | null;
  /**
   * This device's clock against central's, measured at its last upload (null until one): `beyondLimit` is the
   * clock warning (clockSkewLimitMs). Only the leader uploads, so only the leader measures it.
   */
  readonly clock: { readonly skewMs: number; readonly beyondLimit: boolean } | null;
}

export class Uplink {
  private readonly decisions: UplinkDecisions;
  private stopListening: (() => void) | null = null;
  private cancelRetry: () => void = () => undefined;
  private stuck: string | null = null;
  private stopped = false;

  constructor(
    private readonly node: UplinkNodeView,
    private readonly central: CentralClient,
    private readonly scheduler: Scheduler,
    random: RandomSource,
    settings: UplinkSettings = defaultUplinkSettings,
  ) {
    this.decisions = new UplinkDecisions(random, settings);
  }

  start(): void {
    this.stopListening = this.node.onChange(() => this.wake());
    this.wake();
  }

  /** Stops asking; a request in flight is left to finish, and its answer is ignored. */
  stop(): void {
    this.stopped = true;
    this.stopListening?.();
    this.cancelRetry();
  }

  status(): UplinkStatus {
    return { notUploaded: this.decisions.notUploaded, refusal: this.decisions.refusal, stuck: this.stuck, clock: this.decisions.clock };
  }

  private wake(): void {
    if (this.stopped || this.stuck !== null) return;
    const { role, term, commitIndex } = this.node.status();
    this.decisions.observe({ leaderTerm: role === 'leader' ? term : null, commitIndex, recordedAcknowledgedIndex: this.node.recordedAcknowledgedIndex() });
    const action = this.decisions.next(this.scheduler.nowMs());
    switch (action.type) {
      case 'wait':
        this.cancelRetry();
        if (action.untilMs !== null) this.cancelRetry = this.scheduler.after(Math.max(0, action.untilMs - this.scheduler.nowMs()), () => this.wake());
        return;
      case 'fetchAcknowledgement':
        this.ask(term, () => this.central.acknowledgedIndex());
        return;
      case 'upload':
        this.upload(term, action.fromIndex, commitIndex);
        return;
      case 'recordAcknowledgement':
        this.decisions.acknowledgementProposed(action.acknowledgedIndex);
        // A refused proposal (no quorum now) is written with a later acknowledgement: nothing depends on this one.
        void this.node.proposeAcknowledgement(action.acknowledgedIndex).catch(() => false);
        return;
    }
  }

  private upload(term: number, fromIndex: number, commitIndex: number): void {
    const entries = this.node.committedEntries(fromIndex, centralIngestLimits.entriesPerBatchMax);
    if (entries === 'compacted') return this.getStuck(`the log was compacted past entry ${fromIndex}, which central does not hold`);
    // The device's own clock (its date may be wrong: central compares it with its own and says so).
    const batch = nextUploadBatch(entries, commitIndex, centralIngestLimits, this.scheduler.nowMs());
    if (batch.type === 'entryTooLarge') return this.getStuck(`entry ${batch.index} holds ${batch.bytes} bytes, more than central takes in one command`);
    if (batch.type === 'nothing') return;
    this.ask(term, () => this.central.upload(batch.body));
  }

  private ask(term: number, request: () => Promise<CentralAnswer>): void {
    this.decisions.requestStarted();
    void request().then((answer) => {
      this.decisions.answered(answer, term, this.scheduler.nowMs());
      this.wake();
    });
  }

  /** The uplink cannot go on by itself: it says why, for ops, and asks nothing more. */
  private getStuck(why: string): void {
    this.stuck = why;
    this.cancelRetry();
  }
}
