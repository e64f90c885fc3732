// An outside laboratory: it sees each lab order a clinic uploaded to central and, after its turnaround, posts a
// result through central's feed (what the real API's POST .../feed/lab-results does), for the clinic's
// devices to import. Results are numbered per run, so each one can be followed to every device.
import { decodeCommand } from '../../../leader-worker/src/chart/index.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { StoredEntry } from '../../../central-api/src/log-store/log-entry.js';
import type { EventQueue } from '../engine/event-queue.js';
import { check } from '../engine/violation.js';
import type { DurationRange } from '../raft/fault-profiles.js';
import type { SimulatedCentral } from './central/simulated-central.js';

/** A lab's time from receiving a sample to posting its result, compressed like the session. */
export const labTurnaround: DurationRange = { minMs: 20_000, maxMs: 180_000 };
/** The share of orders sent to the outside lab (the rest only the clinic's own lab answers). */
export const outsideLabShare = 0.6;

export interface PostedLabResult {
  readonly clinicId: string;
  readonly labResultId: string;
  readonly labOrderId: string;
  readonly postedAtMs: number;
}

export class SimulatedLab {
  readonly posted: PostedLabResult[] = [];

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly central: SimulatedCentral,
    private readonly trace: (text: string) => void,
  ) {}

  /** Central stored these entries of the clinic's log: orders among them go to the lab. */
  stored(clinicId: string, entries: readonly StoredEntry[]): void {
    for (const entry of entries) {
      if (entry.kind !== 'command') continue;
      const command = (decodeCommand(entry.data) as { command?: { type?: unknown; labOrderId?: unknown } }).command;
      if (command?.type !== 'orderLab' || typeof command.labOrderId !== 'string' || !this.random.chance(outsideLabShare)) continue;
      const labOrderId = command.labOrderId;
      const delayMs = labTurnaround.minMs + this.random.nextInt(labTurnaround.maxMs - labTurnaround.minMs + 1);
      this.queue.scheduleAfter(delayMs, () => this.post(clinicId, labOrderId));
    }
  }

  private post(clinicId: string, labOrderId: string): void {
    const number = this.posted.length + 1;
    const labResultId = `1ab0e500-0000-4000-8000-${number.toString(16).padStart(12, '0')}`;
    const outcome = this.central.postLabResult(clinicId, {
      labResultId, labOrderId, result: { kind: 'numeric', value: 6 + this.random.nextInt(90) / 10, unit: 'g/dL' }, interpretation: 'normal',
      laboratory: 'Kabale Regional Referral Laboratory',
    });
    check(outcome.kind === 'appended', 'lab-result-refused', () => `central refused lab result ${labResultId} for ${clinicId}: ${outcome.kind}`);
    this.posted.push({ clinicId, labResultId, labOrderId, postedAtMs: this.queue.nowMs });
    this.trace(`lab posts result ${labResultId} for order ${labOrderId} of ${clinicId} (feed item ${outcome.item.sequence})`);
  }
}
