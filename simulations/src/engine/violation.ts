// How a run fails. A broken invariant is a bug somewhere (the core, or the driver under test): the checker
// throws at once so the run stops at the first bad state instead of carrying it forward.
import { InvariantViolation } from '../../../leader-worker/src/invariants/assert.js';

/** An invariant the simulator checks, broken. `invariant` is a short stable name for reports and tests. */
export class SimulationViolation extends Error {
  override readonly name = 'SimulationViolation';

  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(message);
  }
}

/** A bug in the simulator itself (a scheduling or bookkeeping mistake), as opposed to in the code it judges. */
export class SimulatorBug extends Error {
  override readonly name = 'SimulatorBug';
}

export function check(condition: boolean, invariant: string, message: () => string): asserts condition {
  if (!condition) throw new SimulationViolation(invariant, message());
}

export function simulatorAssert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SimulatorBug(message);
}

/** A seed's first broken invariant, as reported. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  readonly atMs: number;
}

/** Turns whatever stopped a run into a Violation; the core's own assertions count as violations too. */
export function classifyFailure(error: unknown, atMs: number): Violation {
  if (error instanceof SimulationViolation) return { invariant: error.invariant, message: error.message, atMs };
  if (error instanceof InvariantViolation) return { invariant: 'core-assertion', message: error.message, atMs };
  if (error instanceof SimulatorBug) return { invariant: 'simulator-bug', message: stackOf(error), atMs };
  if (error instanceof Error) return { invariant: 'uncaught-error', message: stackOf(error), atMs };
  return { invariant: 'uncaught-error', message: String(error), atMs };
}

/** The message and the first frames: enough to find the throwing line in a report. */
function stackOf(error: Error): string {
  const frames = (error.stack ?? '').split('\n').slice(1, 6).map((line) => line.trim());
  return [`${error.name}: ${error.message}`, ...frames].join(' | ');
}
