// The chart state machines one process keeps in memory, per clinic, least recently used dropped first.
import type { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';

/** A clinic's copy in memory: the machine, and the log index up to which stored entries were fed to it. */
export interface CachedCopy {
  readonly machine: ChartStateMachine;
  // Invariant: machine.lastAppliedIndex() <= appliedIndex (noops and membership entries advance only this).
  appliedIndex: number;
}

export class ChartMachineCache {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly copies = new Map<string, CachedCopy>();

  constructor(private readonly clinicsMax: number) {}

  get(clinicId: string): CachedCopy | undefined {
    const copy = this.copies.get(clinicId);
    if (copy !== undefined) {
      this.copies.delete(clinicId);
      this.copies.set(clinicId, copy);
    }
    return copy;
  }

  set(clinicId: string, copy: CachedCopy): void {
    this.copies.delete(clinicId);
    this.copies.set(clinicId, copy);
    while (this.copies.size > this.clinicsMax) this.copies.delete(this.copies.keys().next().value!);
  }

  delete(clinicId: string): void {
    this.copies.delete(clinicId);
  }

  get size(): number {
    return this.copies.size;
  }
}
