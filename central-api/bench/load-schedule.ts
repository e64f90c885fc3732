// Sends requests at the times they are due and records what became of each. A clinic's stream is serial (a
// leader sends its next upload only after the last one answered, and reads the feed from the cursor the last
// page gave): a request whose turn comes late is sent when the previous one ends, still charged from when it
// was due. An open-loop stream (the lab's results) sends each one when due, whatever is still in flight.
import { performance } from 'node:perf_hooks';
import { type HttpAnswer, HttpFailure, type HttpLoadClient } from './http-load-client.js';
import type { RequestOutcome } from './latency-recorder.js';
import type { PlannedRequest } from './peak-clinic.js';

export interface StreamTiming {
  /** performance.now() time of the first request. */
  readonly firstDueMs: number;
  readonly intervalMs: number;
  /** No request due at or after this is sent. */
  readonly endMs: number;
}

/** A serial stream's request whose turn came after `LoadSchedule`'s give-up time: recorded, never sent. */
const notSentFailure = 'not sent: the requests before it ran too late';

export class LoadSchedule {
  private readonly openRequests = new Set<Promise<void>>();

  /**
   * `giveUpMs`: past it a serial stream stops sending what is still due (an API that fell far behind would
   * otherwise keep the run going one timed-out request after another); each such request counts as an error.
   */
  constructor(
    private readonly client: HttpLoadClient,
    private readonly record: (outcome: RequestOutcome) => void,
    private readonly giveUpMs: number,
  ) {}

  /**
   * One request per interval, each after the previous answered. `next` plans the request when its turn comes
   * (undefined: nothing to send this time); `after` runs once it is answered, off the timed path.
   */
  async runSerial(timing: StreamTiming, token: string, next: () => PlannedRequest<string> | undefined, after?: () => void): Promise<void> {
    let previousDoneMs = Number.NEGATIVE_INFINITY;
    for (let dueMs = timing.firstDueMs; dueMs < timing.endMs; dueMs += timing.intervalMs) {
      await sleepUntil(dueMs);
      const planned = next();
      if (planned === undefined) continue;
      const turnMs = Math.max(dueMs, previousDoneMs);
      const nowMs = performance.now();
      if (nowMs >= this.giveUpMs) {
        this.record({ kind: planned.kind, dueMs, turnMs, sentMs: undefined, doneMs: nowMs, failure: notSentFailure });
        continue;
      }
      await this.send(planned, token, dueMs, turnMs);
      previousDoneMs = performance.now();
      after?.();
    }
  }

  /** One request per interval, each sent when due; resolves when the last has answered. */
  async runOpenLoop(timing: StreamTiming, token: string, next: () => PlannedRequest<string>): Promise<void> {
    for (let dueMs = timing.firstDueMs; dueMs < timing.endMs; dueMs += timing.intervalMs) {
      await sleepUntil(dueMs);
      const request = this.send(next(), token, dueMs, dueMs);
      this.openRequests.add(request);
      void request.then(() => this.openRequests.delete(request));
    }
    await Promise.all(this.openRequests);
  }

  private async send(planned: PlannedRequest<string>, token: string, dueMs: number, turnMs: number): Promise<void> {
    const sentMs = performance.now();
    let verdict: Verdict;
    try {
      verdict = judge(planned, await this.client.send(planned.method, planned.path, token, planned.body));
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      verdict = { failure: error.reason, detail: error.message };
    }
    this.record({ kind: planned.kind, dueMs, turnMs, sentMs, doneMs: performance.now(), ...verdict });
  }
}

type Verdict = Pick<RequestOutcome, 'failure' | 'detail'>;

/** Any answer but a 2xx is an error, and so is a 2xx the clinic finds wrong (an upload acknowledged short). */
function judge(planned: PlannedRequest<string>, answer: HttpAnswer): Verdict {
  if (answer.status < 200 || answer.status > 299) return { failure: `status ${answer.status}`, detail: `${planned.method} ${planned.path}: ${answer.text}` };
  let problem: string | undefined;
  try {
    problem = planned.accept(answer.status, answer.text);
  } catch (error) {
    problem = `unreadable answer: ${String(error)}`;
  }
  return problem === undefined ? { failure: undefined } : { failure: 'wrong answer', detail: `${planned.method} ${planned.path}: ${problem}` };
}

/** Timers count whole milliseconds and may fire a fraction of one early: wait again until really due. */
async function sleepUntil(dueMs: number): Promise<void> {
  for (let waitMs = dueMs - performance.now(); waitMs > 0; waitMs = dueMs - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitMs)));
  }
}
