// Fail fast: a run that stops moving forward in virtual time is stopped within one virtual second's worth
// of events (RunawayGuard), not after the whole event budget of the seed (seconds of real time).
import { Raft } from '../../leader-worker/src/raft/raft.js';
import type { Message } from '../../leader-worker/src/raft/types.js';
import { RunawayGuard } from '../src/engine/runaway-guard.js';
import { SimulationViolation } from '../src/engine/violation.js';
import { findClinicFaultProfile } from '../src/clinic-day/fault-profiles.js';
import { clinicDayLimits, defaultClinicDaySettings } from '../src/clinic-day/settings.js';
import { runClinicDay } from '../src/clinic-day/simulation.js';
import { findFaultProfile } from '../src/raft/fault-profiles.js';
import { simulatorLimits } from '../src/raft/settings.js';
import { runRaftSimulation } from '../src/raft/simulation.js';

/** A leader that answers every heartbeat answer with a read round to every follower: its messages multiply. */
class EchoesEveryAnswer extends Raft {
  private echoes = 0;

  override step(message: Message): void {
    super.step(message);
    if (message.type === 'heartbeatResponse' && this.status().role === 'leader') this.readIndex(`echo-${this.echoes++}`);
  }
}

function invariantOf(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    if (error instanceof SimulationViolation) return error.invariant;
    throw error;
  }
}

describe('RunawayGuard', () => {
  it('stops a run whose events pile up inside one virtual second', () => {
    const guard = new RunawayGuard({ eventsPerSeedMax: 1_000, eventsPerVirtualSecondMax: 10 });
    for (let event = 0; event < 10; event++) guard.count(5_000);
    expect(invariantOf(() => guard.count(5_999))).toBe('runaway');
  });

  it('lets the same number of events through when virtual time moves on', () => {
    const guard = new RunawayGuard({ eventsPerSeedMax: 1_000, eventsPerVirtualSecondMax: 10 });
    for (let event = 0; event < 100; event++) guard.count(event * 200);
    expect(guard.eventCount).toBe(100);
    expect(guard.eventsPerVirtualSecondPeak).toBe(5);
  });

  it('still bounds the events of a whole seed', () => {
    const guard = new RunawayGuard({ eventsPerSeedMax: 50, eventsPerVirtualSecondMax: 10 });
    for (let event = 0; event < 50; event++) guard.count(event * 1_000);
    expect(invariantOf(() => guard.count(50_000))).toBe('runaway');
  });
});

describe('a run that runs away', () => {
  it('fails within one virtual second of events, far below the seed budget (raft)', () => {
    const result = runRaftSimulation({
      seed: 1, nodeCount: 5, profile: findFaultProfile('none')!, trace: false, createRaft: (options, persisted) => new EchoesEveryAnswer(options, persisted),
    });
    expect(result.violation?.invariant).toBe('runaway');
    expect(result.figures.eventsProcessed).toBeLessThan(2 * simulatorLimits.eventsPerVirtualSecondMax);
    expect(result.figures.eventsProcessed).toBeLessThan(simulatorLimits.eventsPerSeedMax / 10);
  });

  it('is judged by the same guard in clinic-session', async () => {
    // A limit below what a booting clinic needs: the guard must stop the run in its first virtual second.
    const limits = { ...clinicDayLimits, eventsPerVirtualSecondMax: 20 };
    const result = await runClinicDay({ seed: 1, deviceCount: 5, profile: findClinicFaultProfile('none')!, trace: false, settings: { ...defaultClinicDaySettings, limits } });
    expect(result.violation?.invariant).toBe('runaway');
    expect(result.figures.virtualMs).toBeLessThan(1_000);
  });

  it('leaves the real core alone on the heaviest measured load (15 nodes, leader churn)', () => {
    const result = runRaftSimulation({ seed: 1, nodeCount: 15, profile: findFaultProfile('leader-churn')!, trace: false });
    expect(result.violation).toBeNull();
    expect(result.figures.eventsPerVirtualSecondPeak[0]!).toBeLessThan(simulatorLimits.eventsPerVirtualSecondMax / 2);
  });
});
