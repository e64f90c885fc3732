// The state hash: a running digest chained over every accepted entry's canonical encoding, so it costs
// O(entry) per apply and O(1) to read. Two machines have equal digests iff they accepted the same entries
// (command, author, clock, outcome) at the same log indexes, in the same order, for the same clinic — and,
// the state machine being deterministic, iff their charts, conflicts, leases and duplicate windows over
// accepted proposals are equal. Rejected entries and duplicates change no record, so they leave it alone.
//
// Four 32-bit FNV-1a-style lanes with distinct offsets and multipliers over the UTF-16 code units, each lane
// folding the others in after every entry: 128 bits, not cryptographic (a device is not an adversary here).

export type DigestLanes = readonly [number, number, number, number];

const offsets: DigestLanes = [0x811c9dc5, 0x2545f491, 0x9e3779b9, 0x6a09e667];
const multipliers: DigestLanes = [0x01000193, 0x01000197, 0x0100019b, 0x010001a7];

export class RunningDigest {
  private lanes: [number, number, number, number];

  constructor(lanes: DigestLanes = offsets) {
    this.lanes = [lanes[0], lanes[1], lanes[2], lanes[3]];
  }

  /** Folds one entry's canonical text into the chain. */
  fold(text: string): void {
    let [a, b, c, d] = this.lanes;
    for (let index = 0; index < text.length; index++) {
      const unit = text.charCodeAt(index);
      a = Math.imul(a ^ unit, multipliers[0]);
      b = Math.imul(b ^ unit, multipliers[1]);
      c = Math.imul(c ^ unit, multipliers[2]);
      d = Math.imul(d ^ unit, multipliers[3]);
    }
    // Chain the lanes into each other and mix (murmur3 fmix32), so equal lanes cannot stay equal by accident.
    this.lanes = [mix(a ^ (d >>> 7)), mix(b ^ a), mix(c ^ b), mix(d ^ c)];
  }

  lanesData(): DigestLanes {
    return [...this.lanes];
  }

  /** The digest with `counts` folded in, as 32 hex digits; the chain itself is not changed. */
  hex(counts: readonly number[]): string {
    const copy = new RunningDigest(this.lanes);
    copy.fold(counts.join(','));
    return copy.lanes.map((lane) => (lane >>> 0).toString(16).padStart(8, '0')).join('');
  }
}

function mix(value: number): number {
  let hash = value;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
