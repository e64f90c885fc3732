// The sync horizon's download as this device shows it: "3,200 of 10,000 patients". Central counts a patient
// received at two feed positions of each page it answers (where the page was asked from, and its last item);
// the device shows the count at the furthest such position its clinic log has decided. So a patient is never
// counted while their items are still read and waiting to be decided, and the last one is counted as soon as
// the last page is decided (not a long-poll later). Pure.
import type { HorizonProgress } from '../uplink/central-protocol.js';
import { assert } from '../invariants/assert.js';

/** What the status panel shows of the download. */
export type HorizonStatus = Omit<HorizonProgress, 'patientsReceivedWithPage'>;

/** Positions remembered: a few pages read ahead of the log, with room to spare. */
export const horizonCheckpointsMax = 64;

interface Checkpoint {
  /** Every item up to here decided -> `received` patients are on the devices. */
  readonly sequence: number;
  readonly received: number;
}

export class HorizonCount {
  private latest: Omit<HorizonStatus, 'patientsReceived'> | null = null;
  /** Ascending by sequence, one per sequence. */
  private checkpoints: Checkpoint[] = [];

  /** Central's progress for the page read after `afterSequence` whose last item is `pageEndSequence`. */
  reported(progress: HorizonProgress, afterSequence: number, pageEndSequence: number): void {
    assert(pageEndSequence >= afterSequence, 'a page ends at or after where it was asked from');
    // A new revision counts other patients: what was counted for the last one says nothing about it.
    if (this.latest !== null && this.latest.revision !== progress.revision) this.checkpoints = [];
    this.latest = { revision: progress.revision, patientsTotal: progress.patientsTotal, queueing: progress.queueing };
    this.remember({ sequence: afterSequence, received: progress.patientsReceived });
    this.remember({ sequence: pageEndSequence, received: progress.patientsReceivedWithPage });
  }

  /** The download as of `decidedThrough` (null before central reported one). */
  at(decidedThrough: number): HorizonStatus | null {
    if (this.latest === null) return null;
    let received = 0;
    for (const checkpoint of this.checkpoints) {
      if (checkpoint.sequence > decidedThrough) break;
      received = checkpoint.received;
    }
    return { ...this.latest, patientsReceived: received };
  }

  private remember(checkpoint: Checkpoint): void {
    const at = this.checkpoints.findIndex((kept) => kept.sequence >= checkpoint.sequence);
    if (at === -1) this.checkpoints.push(checkpoint);
    // The newer count for a position wins: central's fill may have finished in between.
    else if (this.checkpoints[at]!.sequence === checkpoint.sequence) this.checkpoints[at] = checkpoint;
    else this.checkpoints.splice(at, 0, checkpoint);
    if (this.checkpoints.length > horizonCheckpointsMax) this.checkpoints.shift();
  }
}
