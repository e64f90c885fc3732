// Shared by every part of the clinic node and by central: the Raft core, the chart domain, storage, the simulator.
// Invariant checks. A failed assertion is a bug in Clinic Mesh, never an expected outcome: it throws so the
// simulator and the tests stop at the first broken invariant instead of carrying corrupt state forward.

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}
