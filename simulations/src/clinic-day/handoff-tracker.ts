// The handoff figure: a station acknowledged the write that sends a visit on, and the next station's device
// shows every write of the visit so far. A handoff is measured (counted in handoffWithin2sPct) unless its
// window, from the acknowledgement to 2 s after it, saw the router down or either device asleep, off,
// restarting, out of disk space or cut off by a partition: the physical preconditions of "within 2 s".
// Every handoff, measured or not, is in handoffWithin2sAllPct and handoffLatencyAllMs.
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import type { ClinicFigures } from './clinic-figures.js';

export interface Handoff {
  readonly label: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly acknowledgedAtMs: number;
  /** The window saw a fault on the way (or the sending write was never acknowledged): not measured. */
  disrupted: boolean;
}

export class HandoffTracker {
  private readonly open = new Set<Handoff>();

  constructor(
    private readonly queue: EventQueue,
    private readonly trace: Trace,
    private readonly figures: ClinicFigures,
    private readonly onTimeMs: number,
    private readonly isDisrupted: (deviceId: NodeId) => boolean,
  ) {}

  /** The sending station's last write was acknowledged now (`acknowledged` false: it was found already recorded). */
  opened(label: string, from: NodeId, to: NodeId, acknowledged: boolean): Handoff {
    const handoff: Handoff = {
      label, from, to, acknowledgedAtMs: this.queue.nowMs,
      disrupted: !acknowledged || this.isDisrupted(from) || this.isDisrupted(to),
    };
    this.open.add(handoff);
    return handoff;
  }

  /** A fault began on these devices (all of them: the router): open windows that include now lose their measurement. */
  disruption(deviceIds: readonly NodeId[] | 'all'): void {
    for (const handoff of this.open) {
      if (this.queue.nowMs >= handoff.acknowledgedAtMs + this.onTimeMs) continue;
      if (deviceIds === 'all' || deviceIds.includes(handoff.from) || deviceIds.includes(handoff.to)) handoff.disrupted = true;
    }
  }

  /** The receiving device now shows the visit and every write before it. */
  visible(handoff: Handoff): void {
    if (!this.open.delete(handoff)) return;
    const latencyMs = Math.max(0, this.queue.nowMs - handoff.acknowledgedAtMs);
    const onTime = latencyMs <= this.onTimeMs;
    this.figures.handoffs++;
    this.figures.handoffLatencyAllMs.push(latencyMs);
    if (onTime) this.figures.handoffsWithin2s++;
    if (!handoff.disrupted) {
      this.figures.handoffsMeasured++;
      this.figures.handoffLatencyMs.push(latencyMs);
      if (onTime) this.figures.handoffsMeasuredWithin2s++;
    }
    if (this.trace.enabled) {
      this.trace.write(this.queue.nowMs, `handoff ${handoff.label} ${handoff.from} -> ${handoff.to} visible after ${latencyMs}ms${handoff.disrupted ? ' (not measured: a fault in its window)' : ''}`);
    }
  }
}
