// What a clinics-central run measured beyond each clinic's own figures (which are summed in beside these).
import { Figures } from '../engine/figures.js';

export class CentralFigures extends Figures {
  clinics = 0;
  /** 1 when every clinic's copy at central equalled its devices' state at the end (the seed converged). */
  centralConverged = 0;
  centralEntriesStored = 0;
  linkOutages = 0;
  /** The longest outage of the link of any clinic, in the run (summed over seeds: use the per-seed line). */
  longestOutageMs = 0;
  leaseGrants = 0;
  leaseContended = 0;
  fencedWrites = 0;
  sharedPatientVisits = 0;
  labResultsPosted = 0;
  labResultsOnEveryDevice = 0;
  /** From the end of a clinic's longest outage to central holding all the clinic had committed by then. */
  readonly resyncSeconds: number[] = [];
  /** From a lab result posted at central to its last device of the clinic applying it. */
  readonly labResultToDeviceSeconds: number[] = [];
}
