// A clinic device's CentralClient in the simulator: each call crosses the clinic's cellular link to the
// simulated central and its answer crosses back, on the run's clock. A link that is down fails the call fast
// (no route: the router says so); a link cut while the request or its answer is on the way loses it, and the
// device hears nothing until its request timeout (HttpCentralClient's), so central may have stored what the
// device believes lost: the uplink's replays are exercised, not assumed. Every method resolves, never rejects.
import type { AcquireAnswer, ReleaseAnswer } from '../../../leader-worker/src/chart-leases/lease-keeper-decisions.js';
import type { FeedAnswer } from '../../../leader-worker/src/feed-import/feed-import-decisions.js';
import type { CentralClient } from '../../../leader-worker/src/uplink/central-client.js';
import type { UploadLogBody } from '../../../leader-worker/src/uplink/central-protocol.js';
import type { CentralAnswer } from '../../../leader-worker/src/uplink/uplink-decisions.js';
import { defaultRequestTimeoutMs } from '../../../leader-worker/src/uplink/http-central-client.js';
import type { CentralTimer } from './central/central-timer.js';
import type { SimulatedCentral } from './central/simulated-central.js';
import type { CentralLinkState } from './cellular-link.js';

/** The HTTP client's margin over a long-poll's wait before it counts the link dead (http-central-client.ts). */
export const longPollMarginMs = 10_000;
/** With no route to central a request fails about this fast (the router answers; no timeout involved). */
export const noRouteFailureMs = 500;

export interface SimulatedCentralClientOptions {
  readonly central: SimulatedCentral;
  readonly clinicId: string;
  readonly credential: string;
  readonly link: CentralLinkState;
  /** The device side's clock for delays (the same clock central's timer runs on). */
  readonly timer: CentralTimer;
  /** Hands an answer to the device (a frozen tab gets it when it wakes). */
  readonly deliver: (answer: () => void) => void;
  readonly requestTimeoutMs?: number;
  /** Called for every request that reached central (for the figures): its kind. */
  readonly reachedCentral?: (kind: keyof CentralClient) => void;
}

export class SimulatedCentralClient implements CentralClient {
  constructor(private readonly options: SimulatedCentralClientOptions) {}

  acknowledgedIndex(): Promise<CentralAnswer> {
    return this.exchange('acknowledgedIndex', (respond) => respond(this.central.acknowledged(this.options.clinicId, this.options.credential)));
  }

  upload(body: UploadLogBody): Promise<CentralAnswer> {
    return this.exchange('upload', (respond) => respond(this.central.upload(this.options.clinicId, this.options.credential, body)));
  }

  readFeed(query: { readonly afterSequence: number; readonly limit: number; readonly waitMs: number }, abandon?: AbortSignal): Promise<FeedAnswer> {
    const timeoutMs = Math.max(this.requestTimeoutMs, query.waitMs + longPollMarginMs);
    return this.exchange('readFeed', (respond) => this.central.readFeed(this.options.clinicId, this.options.credential, query, respond), timeoutMs, abandon);
  }

  acquireLease(patientId: string): Promise<AcquireAnswer> {
    return this.exchange('acquireLease', (respond) => respond(this.central.acquireLease(this.options.clinicId, this.options.credential, patientId)));
  }

  releaseLease(leaseId: string): Promise<ReleaseAnswer> {
    return this.exchange('releaseLease', (respond) => respond(this.central.releaseLease(this.options.clinicId, this.options.credential, leaseId)));
  }

  private get central(): SimulatedCentral {
    return this.options.central;
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  }

  /** One request and its answer across the link; 'unavailable' when either is lost or there is no route. */
  private exchange<Answer>(
    kind: keyof CentralClient, handle: (respond: (answer: Answer) => void) => void, timeoutMs = this.requestTimeoutMs, abandon?: AbortSignal,
  ): Promise<Answer | { type: 'unavailable' }> {
    const { link, timer } = this.options;
    return new Promise((resolve) => {
      const settle = (answer: Answer | { type: 'unavailable' }): void => this.options.deliver(() => resolve(answer));
      if (!link.up) {
        timer.after(noRouteFailureMs, () => settle({ type: 'unavailable' }));
        return;
      }
      const sentGeneration = link.generation;
      let settled = false;
      const once = (answer: Answer | { type: 'unavailable' }): void => {
        if (settled) return;
        settled = true;
        cancelTimeout();
        settle(answer);
      };
      const cancelTimeout = timer.after(timeoutMs, () => once({ type: 'unavailable' }));
      // Abandoned by the caller (HttpCentralClient aborts the fetch): answered at once; central's late answer is dropped.
      abandon?.addEventListener('abort', () => once({ type: 'unavailable' }), { once: true });
      timer.after(link.latencyMs(), () => {
        if (settled || link.generation !== sentGeneration || !link.up) return;
        this.options.reachedCentral?.(kind);
        handle((answer) => {
          const answeredGeneration = link.generation;
          if (!link.up) return;
          timer.after(link.latencyMs(), () => {
            if (link.generation === answeredGeneration && link.up) once(answer);
          });
        });
      });
    });
  }
}
