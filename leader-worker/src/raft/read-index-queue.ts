// ReadIndex (thesis §6.4): a read waits for the commit index at the time it arrived AND for a quorum of
// voters to confirm, by answering a heartbeat, that this node was still leader after it arrived.
import type { NodeId } from './types.js';

export interface PendingRead {
  readonly readContext: string;
  /** The commit index when the read arrived: the read may be served once applied reaches it. */
  readonly index: number;
  /** Who asked: this node, or the follower that forwarded the read. */
  readonly requester: NodeId;
  readonly acknowledgedBy: Set<NodeId>;
}

export class ReadIndexQueue {
  /** In arrival order; a quorum for one read confirms every read that arrived before it. */
  private readonly reads: PendingRead[] = [];
  private readonly byContext = new Map<string, PendingRead>();

  get size(): number {
    return this.reads.length;
  }

  has(readContext: string): boolean {
    return this.byContext.has(readContext);
  }

  add(read: PendingRead): void {
    this.reads.push(read);
    this.byContext.set(read.readContext, read);
  }

  /** Records a heartbeat answer; returns how many distinct nodes have confirmed the read, or 0 if unknown. */
  acknowledge(readContext: string, from: NodeId): number {
    const read = this.byContext.get(readContext);
    if (read === undefined) return 0;
    read.acknowledgedBy.add(from);
    return read.acknowledgedBy.size;
  }

  /** Removes and returns the reads up to and including `readContext`, now confirmed (none if it is unknown). */
  releaseThrough(readContext: string): PendingRead[] {
    // An unknown context finds position -1, and splice(0, 0) releases nothing.
    const position = this.reads.findIndex((read) => read.readContext === readContext);
    const released = this.reads.splice(0, position + 1);
    for (const read of released) this.byContext.delete(read.readContext);
    return released;
  }

  clear(): void {
    this.reads.length = 0;
    this.byContext.clear();
  }
}
