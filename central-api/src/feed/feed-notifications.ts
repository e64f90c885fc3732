// Wakes long-polls when a clinic's feed grows, in whichever API process the item was added: each process
// holds one dedicated PostgreSQL connection (outside the TypeORM pool) that LISTENs on the feed channel, and
// every append NOTIFYs it in its transaction. A lost connection is re-opened with backoff; on reconnecting
// every waiting poll re-reads, since notifications sent meanwhile were missed.
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { feedLimits, feedNotificationChannel } from './feed-limits.js';
import { FeedSubscription } from './feed-subscription.js';

@Injectable()
export class FeedNotifications implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('FeedNotifications');
  private readonly subscriptions = new Map<string, Set<FeedSubscription>>();
  private subscriptionCount = 0;
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = feedLimits.listenReconnectDelayMsMin;
  private closingFlag = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Listening before the app answers its first request; failing to is a failed start. */
  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  /** Before the HTTP server closes: waiting polls answer now, so closing does not wait out their time. */
  async onModuleDestroy(): Promise<void> {
    this.closingFlag = true;
    clearTimeout(this.reconnectTimer);
    this.notifyAll();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  get closing(): boolean {
    return this.closingFlag;
  }

  /** True while the LISTEN connection is up (for tests and diagnostics). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Undefined when this process already has the most waiting polls it allows. */
  subscribe(clinicId: string): FeedSubscription | undefined {
    if (this.subscriptionCount >= feedLimits.longPollWaitersMax) return undefined;
    const subscription = new FeedSubscription(clinicId, (closed) => this.remove(closed));
    let set = this.subscriptions.get(clinicId);
    if (set === undefined) this.subscriptions.set(clinicId, (set = new Set()));
    set.add(subscription);
    this.subscriptionCount += 1;
    if (this.closingFlag) subscription.notify();
    return subscription;
  }

  private remove(subscription: FeedSubscription): void {
    const set = this.subscriptions.get(subscription.clinicId);
    if (set === undefined || !set.delete(subscription)) return;
    this.subscriptionCount -= 1;
    if (set.size === 0) this.subscriptions.delete(subscription.clinicId);
  }

  private notifyClinic(clinicId: string): void {
    for (const subscription of this.subscriptions.get(clinicId) ?? []) subscription.notify();
  }

  private notifyAll(): void {
    for (const set of this.subscriptions.values()) for (const subscription of set) subscription.notify();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString() });
    client.on('notification', (message) => {
      if (message.channel === feedNotificationChannel && message.payload !== undefined) this.notifyClinic(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${feedNotificationChannel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closingFlag) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (this.client !== client) return; // not the live connection (still connecting, or already replaced)
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closingFlag) return;
    this.logger.warn(`The feed's LISTEN connection was lost (${error?.message ?? 'closed'}); reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.reconnectDelayMs = feedLimits.listenReconnectDelayMsMin;
          this.notifyAll(); // whatever was appended while we were not listening
        },
        (error: unknown) => {
          this.logger.warn(`Reconnecting the feed's LISTEN connection failed: ${String(error)}`);
          this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, feedLimits.listenReconnectDelayMsMax);
          if (!this.closingFlag) this.scheduleReconnect();
        },
      );
    }, this.reconnectDelayMs);
  }

  /** The database TypeORM uses: the central API always configures it by URL (database/typeorm-options.ts). */
  private connectionString(): string {
    const { url } = this.dataSource.options as { url?: string };
    if (url === undefined) throw new Error('The feed listener needs the DataSource to be configured with a url');
    return url;
  }
}
