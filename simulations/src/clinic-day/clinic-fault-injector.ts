// Rolls the clinic fault profile's dice once per decision interval while the doors are open: tablets falling asleep,
// batteries dying (now, inside the device's next piece of work, or right after it told a clinician "saved"),
// app restarts, the router going down, partitions, interference on one link, a disk filling up. Every fault
// schedules its own end; healing when the doors close ends them all at once.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import type { FailoverTracker } from '../raft/failover-tracker.js';
import type { DurationRange } from '../raft/fault-profiles.js';
import type { ClinicFigures } from './clinic-figures.js';
import type { ClinicNetwork } from './clinic-network.js';
import { batteryPower, devicePowerWarnings, healedWifi, hiddenPower, lowBatteryPower, type ClinicFaultProfile, type ClinicPartitionKind } from './fault-profiles.js';
import type { HandoffTracker } from './handoff-tracker.js';
import type { SimulatedDevice } from './simulated-device.js';

/** What the injector needs of the simulation around it. */
export interface FaultHost {
  readonly devices: readonly SimulatedDevice[];
  /** The device every other one follows right now, if any. */
  currentLeader(): SimulatedDevice | null;
  /** The device is going down (power, restart): its clinician's save in progress will not be answered. */
  deviceLost(device: SimulatedDevice): void;
}

export class ClinicFaultInjector {
  private healed = false;
  private lanDown = false;
  private partitionsActive = 0;
  /** Devices with a fault of their own in progress (asleep, off, restarting, disk full, armed to lose power). */
  private readonly faulted = new Set<SimulatedDevice>();
  /** Devices armed to lose power inside their next piece of work, after this many promise steps. */
  private readonly armed = new Map<SimulatedDevice, number>();

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    /** Its own stream: the number of acknowledgements must not shift the regular decisions. */
    private readonly acknowledgementRandom: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: ClinicFigures,
    private readonly profile: ClinicFaultProfile,
    private readonly network: ClinicNetwork,
    private readonly failover: FailoverTracker,
    private readonly handoffs: HandoffTracker,
    private readonly host: FaultHost,
  ) {}

  get isHealed(): boolean {
    return this.healed;
  }

  /** Whether the router is down now (every link cut). */
  get isLanDown(): boolean {
    return this.lanDown;
  }

  start(): void {
    this.network.setConditions(this.profile.network);
    this.queue.scheduleAfter(this.profile.decisionIntervalMs, () => this.decide());
  }

  /**
   * The doors close: the router is back, partitions and interference end, tablets wake, dead batteries
   * are charged, disks are freed (a device that stopped on a full disk restarts).
   */
  heal(): void {
    this.healed = true;
    this.lanDown = false;
    this.armed.clear();
    this.network.healAll();
    this.network.setConditions(healedWifi);
    this.log('heal: router up, partitions and interference over, tablets woken, batteries charged, disks freed');
    for (const device of this.host.devices) {
      if (device.diskFull) this.freeDisk(device);
      if (device.condition === 'asleep') this.wake(device);
      else if (device.condition === 'off') this.powerOn(device);
    }
  }

  /**
   * An armed power loss due now: the device has just started a write to its disk in this event. Returns after
   * how many promise steps the power goes, for the simulation to carry out inside the device's work.
   */
  takeArmed(device: SimulatedDevice): number | null {
    const steps = this.armed.get(device);
    if (steps === undefined || !device.writingToDisk) return null;
    this.armed.delete(device);
    return steps;
  }

  /** A clinician was just told a write is saved on `device`: the battery may die right now. */
  afterAcknowledgement(device: SimulatedDevice): void {
    if (this.healed || !this.acknowledgementRandom.chance(this.profile.crashAfterAcknowledgementProbability)) return;
    if (this.faulted.has(device) || !this.mayTakeDown()) return;
    this.figures.batteryDeathsAfterAcknowledgement++;
    this.batteryDeath(device, 'right after acknowledging a write');
  }

  /** Carries out an armed power loss (the simulation calls this inside the device's work). */
  loseArmedPower(device: SimulatedDevice): void {
    if (device.condition !== 'up' && device.condition !== 'asleep') return;
    this.figures.batteryDeathsMidWrite++;
    this.batteryDeath(device, 'in the middle of its work');
  }

  /** Whether `deviceId` cannot take part in a handoff now (see HandoffTracker). */
  isDisrupted(device: SimulatedDevice): boolean {
    return this.lanDown || device.condition !== 'up' || device.diskFull || this.network.isCutOff(device.id, ['lan', 'partition']);
  }

  private decide(): void {
    if (this.healed) return;
    const profile = this.profile;
    const random = this.random;
    if (random.chance(profile.sleepProbability)) this.withTarget((device) => this.sleep(device));
    if (random.chance(profile.batteryDeathProbability)) this.withTarget((device) => this.scheduleBatteryDeath(device));
    if (random.chance(profile.restartProbability)) this.withTarget((device) => this.restart(device));
    if (random.chance(profile.diskFullProbability)) this.withTarget((device) => this.fillDisk(device));
    if (random.chance(profile.lanOutageProbability) && !this.lanDown) this.lanOutage();
    if (random.chance(profile.partitionProbability) && this.partitionsActive < profile.partitionsActiveMax && profile.partitionKinds.length > 0) {
      this.partition(profile.partitionKinds[random.nextInt(profile.partitionKinds.length)]!);
    }
    if (random.chance(profile.flakyLinkProbability)) this.flakyLink();
    this.dropFailoverWithoutQuorum();
    this.queue.scheduleAfter(profile.decisionIntervalMs, () => this.decide());
  }

  /**
   * A failover is timed only while a quorum of healthy, connected devices remains: when stacked faults take
   * that away (a partition plus a sleeping leader), the time without a leader is an outage, not a failover.
   */
  dropFailoverWithoutQuorum(): void {
    const healthy = this.host.devices.filter((device) => device.condition === 'up' && !device.diskFull && !device.storageFailed);
    // Connected groups of healthy devices (union-find over the links no router outage or partition cuts).
    const parent = healthy.map((_, index) => index);
    const find = (index: number): number => {
      let root = index;
      while (parent[root] !== root) root = parent[root]!;
      return root;
    };
    for (let a = 0; a < healthy.length; a++) {
      for (let b = a + 1; b < healthy.length; b++) {
        if (this.network.connected(healthy[a]!.id, healthy[b]!.id, ['lan', 'partition'])) parent[find(b)] = find(a);
      }
    }
    const sizes = new Map<number, number>();
    for (let index = 0; index < healthy.length; index++) sizes.set(find(index), (sizes.get(find(index)) ?? 0) + 1);
    const largest = Math.max(0, ...sizes.values());
    if (2 * largest <= this.host.devices.length) this.failover.abandon('no quorum of healthy, connected devices is left');
  }

  /**
   * Runs `fault` on the leader (with leaderTargetProbability) or a random device, if one may go down. The
   * fault itself notes the leader's loss when it really happens (a full disk only stops it at its next write).
   */
  private withTarget(fault: (device: SimulatedDevice) => void): void {
    if (!this.mayTakeDown()) return;
    const leader = this.host.currentLeader();
    const candidates = this.host.devices.filter((device) => device.condition === 'up' && !this.faulted.has(device));
    const target = leader !== null && candidates.includes(leader) && this.random.chance(this.profile.leaderTargetProbability)
      ? leader
      : candidates[this.random.nextInt(Math.max(1, candidates.length))];
    if (target === undefined) return;
    if (target === leader) this.figures.leaderFaults++;
    fault(target);
  }

  private mayTakeDown(): boolean {
    return this.faulted.size < Math.min(this.profile.devicesDownMax, this.host.devices.length - 1);
  }

  /**
   * A tablet going to sleep first hides its page (Chrome fires visibilitychange, then freezes it a moment
   * later): the device says so, and a leader with the voter policy hands leadership on in that moment.
   */
  private sleep(device: SimulatedDevice): void {
    this.faulted.add(device);
    this.figures.sleeps++;
    const durationMs = this.draw(this.profile.sleepDuration);
    this.log(`fault: ${device.id} hides its page and falls asleep ${devicePowerWarnings.hiddenBeforeSleepMs}ms later, for ${durationMs}ms`);
    device.signalPower(hiddenPower);
    this.queue.scheduleAfter(devicePowerWarnings.hiddenBeforeSleepMs, () => {
      if (this.healed || device.condition !== 'up') return;
      this.noteLeaderLoss(device, 'falling asleep');
      this.handoffs.disruption([device.id]);
      device.sleep();
      this.queue.scheduleAfter(durationMs, () => {
        if (device.condition === 'asleep') this.wake(device);
      });
    });
  }

  private wake(device: SimulatedDevice): void {
    this.faulted.delete(device);
    device.wake();
    device.signalPower(batteryPower);
    this.failoverEnded(device);
  }

  private scheduleBatteryDeath(device: SimulatedDevice): void {
    if (this.random.chance(this.profile.midWriteProbability)) {
      const steps = this.random.nextInt(this.profile.midWriteMicrotasksMax + 1);
      this.faulted.add(device);
      this.armed.set(device, steps);
      this.log(`fault: ${device.id} warns of a low battery and will lose power ${steps} promise steps into its next write to disk`);
      device.signalPower(lowBatteryPower);
      return;
    }
    // A battery drains before it dies: the Battery API tells the page, and the page tells its node.
    this.faulted.add(device);
    this.log(`fault: ${device.id} warns of a low battery, ${devicePowerWarnings.lowBatteryBeforeDeathMs}ms before it dies`);
    device.signalPower(lowBatteryPower);
    this.queue.scheduleAfter(devicePowerWarnings.lowBatteryBeforeDeathMs, () => {
      if (!this.healed && (device.condition === 'up' || device.condition === 'asleep')) this.batteryDeath(device, 'between two pieces of work');
    });
  }

  private batteryDeath(device: SimulatedDevice, when: string): void {
    this.faulted.add(device);
    this.armed.delete(device);
    this.figures.batteryDeaths++;
    const downtimeMs = this.draw(this.profile.batteryDeathDowntime);
    this.log(`fault: ${device.id} battery dies ${when}, off for ${downtimeMs}ms`);
    this.noteLeaderLoss(device, 'a dead battery');
    this.handoffs.disruption([device.id]);
    this.host.deviceLost(device);
    device.powerLoss();
    this.queue.scheduleAfter(downtimeMs, () => {
      if (device.condition === 'off') this.powerOn(device);
    });
  }

  private powerOn(device: SimulatedDevice): void {
    this.faulted.delete(device);
    device.start();
    device.signalPower(batteryPower);
  }

  private restart(device: SimulatedDevice): void {
    this.faulted.add(device);
    this.figures.restarts++;
    const downtimeMs = this.draw(this.profile.restartDowntime);
    this.log(`fault: ${device.id} app restarts (${downtimeMs}ms to reload)`);
    this.restartNow(device, downtimeMs);
  }

  private restartNow(device: SimulatedDevice, downtimeMs: number): void {
    this.noteLeaderLoss(device, 'an app restart');
    this.handoffs.disruption([device.id]);
    this.host.deviceLost(device);
    device.restart(downtimeMs, () => {
      if (device.condition === 'off') this.powerOn(device);
    });
  }

  private fillDisk(device: SimulatedDevice): void {
    this.faulted.add(device);
    this.figures.disksFull++;
    const durationMs = this.draw(this.profile.diskFullDuration);
    const pressure = this.random.chance(this.profile.diskPressureProbability);
    this.log(`fault: ${device.id} disk fills up for ${durationMs}ms${pressure ? ', and other apps take any space freed' : ''}`);
    this.handoffs.disruption([device.id]);
    device.fillDisk(this.profile.diskFullSlackBytes);
    const until = this.queue.nowMs + durationMs;
    const keepFilling = (): void => {
      if (!device.diskFull || this.queue.nowMs >= until) return;
      device.fillDisk(this.profile.diskFullSlackBytes);
      this.queue.scheduleAfter(this.profile.diskPressureIntervalMs, keepFilling);
    };
    if (pressure) {
      this.figures.diskPressures++;
      this.queue.scheduleAfter(this.profile.diskPressureIntervalMs, keepFilling);
    }
    this.queue.scheduleAfter(durationMs, () => {
      if (device.diskFull) this.freeDisk(device);
    });
  }

  /** Space is freed; a node that stopped on the full disk is restarted (the clinician reloads the app). */
  private freeDisk(device: SimulatedDevice): void {
    device.freeDisk();
    if (device.condition === 'up' && device.storageFailed) {
      this.figures.storageFailures++;
      this.log(`${device.id} stopped on the full disk: restarted`);
      this.restartNow(device, this.profile.restartDowntime.minMs);
      return;
    }
    this.faulted.delete(device);
  }

  private lanOutage(): void {
    this.lanDown = true;
    this.figures.lanOutages++;
    const ids = this.host.devices.map((device) => device.id);
    const durationMs = this.draw(this.profile.lanOutageDuration);
    this.log(`fault: the router goes down for ${durationMs}ms`);
    // Not a failover: nobody can be elected until the router is back.
    this.failover.abandon('the router is down');
    this.handoffs.disruption('all');
    this.network.cutBetween(ids, ids, 'lan');
    this.queue.scheduleAfter(durationMs, () => {
      if (this.healed) return;
      this.lanDown = false;
      this.network.healBetween(ids, ids, 'lan');
      this.log('the router is back');
    });
  }

  private partition(kind: ClinicPartitionKind): void {
    const ids = this.host.devices.map((device) => device.id);
    const leader = this.host.currentLeader();
    let group: NodeId[];
    if (kind === 'isolateOne') {
      const target = leader !== null && this.random.chance(this.profile.leaderTargetProbability) ? leader.id : ids[this.random.nextInt(ids.length)]!;
      group = [target];
    } else {
      const shuffled = [...ids];
      for (let position = shuffled.length - 1; position > 0; position--) {
        const other = this.random.nextInt(position + 1);
        [shuffled[position], shuffled[other]] = [shuffled[other]!, shuffled[position]!];
      }
      group = shuffled.slice(0, Math.max(1, Math.floor((ids.length - 1) / 2)));
    }
    const rest = ids.filter((id) => !group.includes(id));
    const durationMs = this.draw(this.profile.partitionDuration);
    this.partitionsActive++;
    this.figures.partitions++;
    this.log(`fault: partition ${kind}: {${group.join(', ')}} cut from {${rest.join(', ')}} for ${durationMs}ms`);
    if (leader !== null && group.includes(leader.id)) this.noteLeaderLoss(leader, 'a partition');
    this.handoffs.disruption(ids);
    this.network.cutBetween(group, rest, 'partition');
    this.queue.scheduleAfter(durationMs, () => {
      if (this.healed) return;
      this.partitionsActive--;
      this.network.healBetween(group, rest, 'partition');
      this.log(`partition {${group.join(', ')}} healed`);
    });
  }

  private flakyLink(): void {
    const ids = this.host.devices.map((device) => device.id);
    if (ids.length < 2) return;
    const from = ids[this.random.nextInt(ids.length)]!;
    const others = ids.filter((id) => id !== from);
    const to = others[this.random.nextInt(others.length)]!;
    const durationMs = this.draw(this.profile.flakyLinkDuration);
    this.figures.flakyLinks++;
    this.log(`fault: interference: ${from} -> ${to} loses everything for ${durationMs}ms`);
    this.network.cut(from, to, 'flaky');
    this.queue.scheduleAfter(durationMs, () => {
      if (!this.healed) this.network.heal(from, to, 'flaky');
    });
  }

  /** The device is leading and goes away now: time the failover (see FailoverTracker). */
  noteLeaderLoss(device: SimulatedDevice, cause: string): void {
    if (this.lanDown) return;
    const status = device.node?.status();
    // A deposed leader that has not heard of its successor (asleep, or stopped on a full disk) is not the leader.
    if (status !== undefined && status.role === 'leader' && this.host.currentLeader() === device) this.failover.leaderRemoved(device.id, status.term, cause);
  }

  private failoverEnded(device: SimulatedDevice): void {
    this.failover.faultEnded(device.id, (term) => {
      const status = device.node?.status();
      return status !== undefined && status.role === 'leader' && status.term === term;
    });
  }

  private draw(range: DurationRange): number {
    return range.minMs + this.random.nextInt(range.maxMs - range.minMs + 1);
  }

  private log(text: string): void {
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, text);
  }
}
