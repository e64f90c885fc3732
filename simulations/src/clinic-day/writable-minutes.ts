// The writable-minutes figure. A (device, minute) pair is judged when a clinician on that device, while it
// was powered, awake and running, saved at least one write in that minute and saw its outcome. It is
// writable when every such outcome was 'applied' or 'pending' (durably in the outbox), and not when any
// was 'failed' (nothing stored: a full disk, storage unavailable). A save whose device died before answering
// is not judged. Minutes refused only for a full disk are counted apart, since refusing is the right answer
// there (see simulations/README.md).
// The clinic-minute figure is the definition: a minute of the clinic in which some device judged a
// save is writable when at least one powered device accepted a durable write in it.
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { ClinicFigures } from './clinic-figures.js';

export type WriteVerdict = 'accepted' | 'refusedDiskFull' | 'refused';

interface Minute {
  refusedDiskFull: boolean;
  refusedOther: boolean;
}

export class WritableMinutes {
  private readonly minutes = new Map<string, Minute>();

  constructor(private readonly windowMs: number) {}

  judged(deviceId: NodeId, proposedAtMs: number, verdict: WriteVerdict): void {
    const key = `${deviceId}@${Math.floor(proposedAtMs / this.windowMs)}`;
    let minute = this.minutes.get(key);
    if (minute === undefined) this.minutes.set(key, (minute = { refusedDiskFull: false, refusedOther: false }));
    if (verdict === 'refusedDiskFull') minute.refusedDiskFull = true;
    if (verdict === 'refused') minute.refusedOther = true;
  }

  tally(figures: ClinicFigures): void {
    /** Clinic minute -> whether some device accepted every save it judged in that minute. */
    const clinicMinutes = new Map<string, boolean>();
    for (const [key, minute] of this.minutes) {
      const accepted = !minute.refusedDiskFull && !minute.refusedOther;
      figures.deviceMinutesJudged++;
      if (accepted) figures.deviceMinutesWritable++;
      if (minute.refusedDiskFull && !minute.refusedOther) figures.deviceMinutesRefusedDiskFullOnly++;
      const clinicMinute = key.slice(key.lastIndexOf('@') + 1);
      clinicMinutes.set(clinicMinute, (clinicMinutes.get(clinicMinute) ?? false) || accepted);
    }
    for (const writable of clinicMinutes.values()) {
      figures.clinicMinutesJudged++;
      if (writable) figures.clinicMinutesWritable++;
    }
  }
}
