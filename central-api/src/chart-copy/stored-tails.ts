// Per clinic, the entries this process stored most recently, kept after their upload committed so the chart
// copy's projection applies them without reading them back from PostgreSQL. Only committed entries enter, in
// index order, so a tail always equals the stored log over its range; a range it does not hold whole is read
// from the database instead. Bounded in entries across all clinics: the clinic appended to least recently goes.
import type { StoredEntry } from '../log-store/log-entry.js';

export class StoredTails {
  /** Map iteration order is insertion order: the first key was appended to least recently. */
  private readonly tails = new Map<string, StoredEntry[]>();
  private entries = 0;

  constructor(private readonly entriesMax: number) {}

  /** Entries committed after the clinic's tail; a batch that does not follow it starts a new tail. */
  append(clinicId: string, committed: readonly StoredEntry[]): void {
    if (committed.length === 0) return;
    const tail = this.tails.get(clinicId) ?? [];
    const follows = tail.length > 0 && tail[tail.length - 1]!.index + 1 === committed[0]!.index;
    this.remove(clinicId);
    const kept = follows ? tail.concat(committed) : [...committed];
    this.tails.set(clinicId, kept);
    this.entries += kept.length;
    for (const [oldest, dropped] of this.tails) {
      if (this.entries <= this.entriesMax) break;
      this.tails.delete(oldest);
      this.entries -= dropped.length;
    }
  }

  /** Entries `fromIndex..toIndex` (inclusive) when the tail holds all of them, else undefined. */
  range(clinicId: string, fromIndex: number, toIndex: number): readonly StoredEntry[] | undefined {
    const tail = this.tails.get(clinicId);
    if (tail === undefined || tail.length === 0) return undefined;
    const first = tail[0]!.index;
    if (fromIndex < first || toIndex > tail[tail.length - 1]!.index) return undefined;
    return tail.slice(fromIndex - first, toIndex - first + 1);
  }

  /** Forgets the clinic's entries up to `index`: the copy has applied them. */
  dropThrough(clinicId: string, index: number): void {
    const tail = this.tails.get(clinicId);
    if (tail === undefined) return;
    const first = tail[0]!.index;
    const dropped = Math.min(tail.length, Math.max(0, index - first + 1));
    if (dropped === tail.length) {
      this.remove(clinicId);
      return;
    }
    tail.splice(0, dropped);
    this.entries -= dropped;
  }

  get size(): number {
    return this.entries;
  }

  private remove(clinicId: string): void {
    const tail = this.tails.get(clinicId);
    if (tail === undefined) return;
    this.tails.delete(clinicId);
    this.entries -= tail.length;
  }
}
