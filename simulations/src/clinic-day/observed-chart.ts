// The chart state machine as a device runs it, with every apply reported as it happens: during the node's
// normal work, and also while it replays its log at start (before anyone could subscribe to the node).
import { ChartStateMachine, type ApplyResult } from '../../../leader-worker/src/chart/index.js';
import { chartStateMachines } from '../../../leader-worker/src/node/chart-replica.js';
import type { CommandIdentity, ReplicatedStateMachine, StateMachineFactory } from '../../../leader-worker/src/node/replicated-state-machine.js';
import { check } from '../engine/violation.js';

export type ApplyListener = (machine: ObservedChart, logIndex: number, result: ApplyResult) => void;

export class ObservedChart implements ReplicatedStateMachine<ApplyResult> {
  constructor(
    /** The real machine, for queries (what the device shows). */
    readonly chart: ChartStateMachine,
    private readonly listener: ApplyListener,
  ) {}

  apply(logIndex: number, command: unknown, leaderTimeMs?: number): ApplyResult {
    const result = this.chart.apply(logIndex, command, leaderTimeMs);
    this.listener(this, logIndex, result);
    return result;
  }

  hasApplied(identity: CommandIdentity): boolean {
    return this.chart.hasApplied(identity);
  }

  snapshot(): Uint8Array {
    return this.chart.snapshot();
  }

  stateHash(): string {
    return this.chart.stateHash();
  }
}

/** leader-worker's chart machines (same window, same restore), each wrapped to report its applies. */
export function observedChartMachines(clinicId: string, listener: ApplyListener): StateMachineFactory<ApplyResult> {
  const real = chartStateMachines(clinicId);
  const wrap = (machine: ReplicatedStateMachine<ApplyResult>): ObservedChart => {
    check(machine instanceof ChartStateMachine, 'simulator-state', () => 'the chart factory made something other than a ChartStateMachine');
    return new ObservedChart(machine, listener);
  };
  return { ...real, create: () => wrap(real.create()), restore: (snapshot) => wrap(real.restore(snapshot)) };
}
