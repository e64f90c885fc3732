// The leader's link to central, as one thing a device starts beside its clinic node: the uplink (the log going
// up), the feed import (central's feed coming down into the log) and, for a lease clinic, the lease keeper
// (chart leases at check-in). Each acts only while this device leads, and each sees the node through its own
// narrow view; the node never waits for any of them.
import { ChartStateMachine, type ApplyResult } from '../chart/index.js';
import { LeaseKeeper, type LeaseKeeperStatus } from '../chart-leases/lease-keeper.js';
import { FeedImporter, type FeedImportStatus } from '../feed-import/feed-importer.js';
import type { RandomSource } from '../raft/types.js';
import type { CentralClient } from '../uplink/central-client.js';
import { Uplink, type UplinkStatus } from '../uplink/uplink-driver.js';
import type { ClinicNode } from './clinic-node.js';
import { clinicNodeFeedImportView } from './feed-import-view.js';
import { clinicNodeLeaseKeeperView } from './lease-keeper-view.js';
import type { Scheduler } from './scheduler.js';
import { clinicNodeUplinkView } from './uplink-view.js';

/** Both directions of the link to central, for the status panel and ops. */
export interface CentralLinkStatus {
  /** The clinic's log going up: how much central does not hold yet. */
  readonly upload: UplinkStatus;
  /** Central's feed coming down: how far the clinic log has taken it. */
  readonly feed: FeedImportStatus;
  /** Chart leases taken at check-in; null for a clinic in merge mode. */
  readonly leases: LeaseKeeperStatus | null;
}

export interface CentralLinkOptions {
  readonly clinicId: string;
  readonly node: ClinicNode<ApplyResult>;
  readonly central: CentralClient;
  readonly scheduler: Scheduler;
  /** A fresh generator for each part's jittered backoff. */
  readonly createRandom: () => RandomSource;
  /** 'merge': no chart leases (the clinic's chartPolicy at central). */
  readonly chartPolicy: 'lease' | 'merge';
  /**
   * The chart the node's state machine is, when the node holds it wrapped (the simulator wraps it to see every
   * apply); by default the node's state machine itself.
   */
  readonly chart?: () => ChartStateMachine;
}

export class CentralLink {
  private constructor(
    private readonly uplink: Uplink,
    private readonly feedImport: FeedImporter,
    private readonly leaseKeeper: LeaseKeeper | null,
  ) {}

  static start(options: CentralLinkOptions): CentralLink {
    const { clinicId, node, central, scheduler, createRandom } = options;
    const chart = options.chart ?? (() => chartOf(node));
    const uplink = new Uplink(clinicNodeUplinkView(node, chart, scheduler), central, scheduler, createRandom());
    const feedImport = new FeedImporter(clinicNodeFeedImportView(node, chart), central, scheduler, createRandom());
    const leaseKeeper = options.chartPolicy === 'merge' ? null : new LeaseKeeper(clinicId, clinicNodeLeaseKeeperView(node, chart, scheduler), central, scheduler, createRandom());
    uplink.start();
    feedImport.start();
    leaseKeeper?.start();
    return new CentralLink(uplink, feedImport, leaseKeeper);
  }

  status(): CentralLinkStatus {
    return { upload: this.uplink.status(), feed: this.feedImport.status(), leases: this.leaseKeeper?.status() ?? null };
  }

  /** Stops asking central; requests in flight end by themselves and their answers are ignored. */
  stop(): void {
    this.uplink.stop();
    this.feedImport.stop();
    this.leaseKeeper?.stop();
  }
}

/** The chart state machine a clinic node holds. */
export function chartOf(node: ClinicNode<ApplyResult>): ChartStateMachine {
  const state = node.state;
  if (!(state instanceof ChartStateMachine)) throw new Error('the clinic node does not hold a chart state machine');
  return state;
}
