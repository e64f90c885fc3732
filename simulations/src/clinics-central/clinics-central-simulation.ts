// One seeded run of several clinics and central on one virtual clock: each clinic is a clinic-day site (its
// devices running the real ClinicNode, its LAN, its faults, its workload), each device runs the real
// CentralLink through a SimulatedCentralClient over the clinic's cellular link (outages from seconds to hours,
// the peak hour), to the simulated central whose rules are the real API's. Some patients visit several
// clinics (their charts' leases contended). An outside lab posts results for the orders central receives.
// Checks after every event (each clinic's, central's leases) and at the end (central-checks.ts).
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import { EventQueue } from '../engine/event-queue.js';
import { RunawayGuard } from '../engine/runaway-guard.js';
import { Trace } from '../engine/trace.js';
import { check, classifyFailure, type Violation } from '../engine/violation.js';
import type { ClinicFaultProfile } from '../clinic-day/fault-profiles.js';
import { defaultClinicDaySettings, type ClinicDaySettings } from '../clinic-day/settings.js';
import { ClinicDaySimulation, settle } from '../clinic-day/simulation.js';
import { CellularLink } from './cellular-link.js';
import type { CentralTimer } from './central/central-timer.js';
import { SimulatedCentral, type ChartPolicy } from './central/simulated-central.js';
import { checkCentralFinalState, checkLeases, clinicConverged } from './central-checks.js';
import { CentralFigures } from './central-figures.js';
import type { CentralLinkFaultProfile } from './central-fault-profiles.js';
import { ClinicUplinks } from './clinic-uplinks.js';
import { SimulatedLab } from './simulated-lab.js';

export interface ClinicsCentralRunOptions {
  readonly seed: number;
  readonly clinicCount: number;
  readonly deviceCount: number;
  readonly clinicProfile: ClinicFaultProfile;
  readonly linkProfile: CentralLinkFaultProfile;
  readonly trace: boolean;
}

export interface ClinicsCentralRunResult {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly counters: Record<string, number>;
  readonly samples: Record<string, readonly number[]>;
  readonly trace: string;
}

/** A shorter session than clinic-session's (5 minutes with the doors open): three clinics of four devices cost four times one. */
export const clinicsCentralSettings: ClinicDaySettings = {
  ...defaultClinicDaySettings,
  timings: { ...defaultClinicDaySettings.timings, sessionMs: 5 * 60_000 },
  workload: { ...defaultClinicDaySettings.workload, labOrderProbability: 0.5 },
};

export const clinicsCentralLimits = {
  /** After the last clinic is done and the last outage over, central must converge within this long. */
  convergenceMsMax: 10 * 60_000,
  convergenceCheckIntervalMs: 1_000,
  /** Converged, the run goes on this long and must still be converged (nothing left moving). */
  quietMs: 10_000,
  /** Shared patients: this many per clinic in the pool, each arrival one of them with this chance. */
  sharedPatientsPerClinic: 2,
  sharedArrivalProbability: 0.25,
  /**
   * The event budget of a seed, per clinic. A clinic of 4 devices runs about 150 events a virtual second, and a
   * heavy seed's outages (up to 90 minutes, several in a row) keep it running two hours or more: 2,000,000 events
   * for three clinics ran out at 77 minutes (heavy seeds 17 and 30). A runaway still fails fast on the
   * per-virtual-second bound.
   */
  eventsPerClinicMax: 3_000_000,
};

const clinicNames = ['kibuye-hc', 'rubanda-hc', 'kisoro-hc', 'muhanga-hc', 'nyamata-hc', 'gisenyi-hc', 'kabale-hc', 'ruhengeri-hc'];

export function runClinicsCentral(options: ClinicsCentralRunOptions): Promise<ClinicsCentralRunResult> {
  return new ClinicsCentralSimulation(options).run();
}

interface Outage {
  readonly startMs: number;
  endMs: number | null;
}

class ClinicsCentralSimulation {
  private readonly queue = new EventQueue();
  private readonly traceLog: Trace;
  private readonly random: SeededRandom;
  private readonly central: SimulatedCentral;
  private readonly lab: SimulatedLab;
  private readonly sites: ClinicDaySimulation[] = [];
  private readonly links: CellularLink[] = [];
  private readonly uplinks: ClinicUplinks[] = [];
  private readonly routerCut: boolean[] = [];
  private readonly outages: Outage[][] = [];
  private readonly figures = new CentralFigures();
  private readonly runaway: RunawayGuard;
  private readonly failures: unknown[] = [];
  private centralChangesChecked = -1;
  private convergedSinceMs: number | null = null;
  private finished = false;
  private healedAtMs: number | null = null;
  private readonly dayStartMs = clinicsCentralSettings.workload.dayStartEpochMs;

  constructor(private readonly options: ClinicsCentralRunOptions) {
    this.runaway = new RunawayGuard({ ...clinicsCentralSettings.limits, eventsPerSeedMax: clinicsCentralLimits.eventsPerClinicMax * options.clinicCount });
    this.traceLog = new Trace(options.trace);
    this.random = new SeededRandom(options.seed);
    const timer: CentralTimer = {
      nowMs: () => this.dayStartMs + this.queue.nowMs,
      after: (delayMs, callback) => {
        let cancelled = false;
        this.queue.scheduleAfter(delayMs, () => {
          if (!cancelled) callback();
        });
        return () => {
          cancelled = true;
        };
      },
    };
    this.central = new SimulatedCentral(timer);
    this.lab = new SimulatedLab(this.queue, this.random.fork(), this.central, (text) => this.trace(text));
    this.central.onStored = (clinicId, entries) => this.lab.stored(clinicId, entries);
    const sharedRandom = this.random.fork();
    const shared = Array.from({ length: options.clinicCount * clinicsCentralLimits.sharedPatientsPerClinic },
      (_, index) => `5a4ed000-0000-4000-8000-${(index + 1).toString(16).padStart(12, '0')}`);
    for (let index = 0; index < options.clinicCount; index++) {
      const clinicId = clinicNames[index % clinicNames.length]! + (index >= clinicNames.length ? `-${index}` : '');
      // The third clinic runs in merge mode (no leases): both policies meet the same shared charts.
      const policy: ChartPolicy = index === 2 ? 'merge' : 'lease';
      const clinic = this.central.addClinic(clinicId, policy);
      const link = new CellularLink(this.random.fork(), options.linkProfile.link, () => this.queue.nowMs);
      const unseen = [...shared];
      const drawShared = (): string | null => {
        if (unseen.length === 0 || !sharedRandom.chance(clinicsCentralLimits.sharedArrivalProbability)) return null;
        this.figures.sharedPatientVisits++;
        return unseen.splice(sharedRandom.nextInt(unseen.length), 1)[0]!;
      };
      const uplinks = new ClinicUplinks(clinic, this.central, link, timer, this.dayStartMs, this.random.fork(), () => this.queue.nowMs, drawShared);
      const site = new ClinicDaySimulation({
        seed: options.seed, deviceCount: options.deviceCount, profile: options.clinicProfile, trace: options.trace, settings: clinicsCentralSettings,
        site: { queue: this.queue, clinicId, random: this.random.fork(), trace: new ClinicTrace(this.traceLog, clinicId), idSpace: index + 1, extension: uplinks },
      });
      this.sites.push(site);
      this.links.push(link);
      this.uplinks.push(uplinks);
      this.routerCut.push(false);
      this.outages.push([]);
    }
    this.figures.clinics = options.clinicCount;
  }

  async run(): Promise<ClinicsCentralRunResult> {
    let violation: Violation | null = null;
    const unhandled = (reason: unknown): void => {
      this.failures.push(reason);
    };
    process.on('unhandledRejection', unhandled);
    try {
      for (const site of this.sites) site.begin();
      const { openingMs } = clinicsCentralSettings.timings;
      this.queue.schedule(openingMs, () => this.links.forEach((_, index) => this.scheduleOutageDecision(index)));
      await this.runEvents();
      for (const site of this.sites) site.finalChecks();
      checkCentralFinalState({ sites: this.sites, central: this.central, posted: this.lab.posted });
      this.figures.centralConverged = 1;
    } catch (error) {
      violation = classifyFailure(error, this.queue.nowMs);
      this.traceLog.write(this.queue.nowMs, `VIOLATION ${violation.invariant}: ${violation.message}`);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    return this.result(violation);
  }

  private result(violation: Violation | null): ClinicsCentralRunResult {
    const counters: Record<string, number> = {};
    const samples: Record<string, number[]> = {};
    for (const site of this.sites) {
      const result = site.result(violation, this.runaway);
      for (const [name, value] of Object.entries(result.figures.counters())) counters[name] = (counters[name] ?? 0) + value;
      for (const [name, values] of Object.entries(result.figures.samples())) (samples[name] ??= []).push(...values);
    }
    // One clock for all: the run's virtual time once, not once per clinic.
    counters['virtualMs'] = this.queue.nowMs;
    for (const clinic of this.central.allClinics()) this.figures.centralEntriesStored += clinic.log.acknowledgedIndex;
    this.figures.leaseGrants = this.central.leases.grantsMade;
    this.figures.fencedWrites = this.central.allClinics().reduce((sum, clinic) => sum + clinic.copy.fenced.size, 0);
    this.figures.labResultsPosted = this.lab.posted.length;
    for (const result of this.lab.posted) {
      const index = this.sites.findIndex((site) => site.clinicId === result.clinicId);
      const seen = this.uplinks[index]!.arrivals.seen.get(result.labResultId);
      if (seen === undefined || seen.size < this.sites[index]!.devices.length) continue;
      this.figures.labResultsOnEveryDevice++;
      // Time the result took while the clinic's link was up: a result posted during an outage waits for it.
      const deliveredMs = Math.max(...seen.values());
      const link = this.links[index]!;
      this.figures.labResultToDeviceSeconds.push((deliveredMs - result.postedAtMs - link.downMsBetween(result.postedAtMs, deliveredMs)) / 1_000);
    }
    Object.assign(counters, this.figures.counters());
    Object.assign(samples, this.figures.samples());
    return { seed: this.options.seed, violation, counters, samples, trace: this.traceLog.text() };
  }

  private async runEvents(): Promise<void> {
    for (let event = this.queue.pop(); event !== undefined; event = this.queue.pop()) {
      this.runaway.count(this.queue.nowMs);
      event.run();
      for (const site of this.sites) await site.loseArmedPower();
      await settle();
      if (this.failures.length > 0) throw this.failures[0];
      for (const site of this.sites) site.checkAfterEvent();
      this.afterEvent();
      if (this.finished) return;
    }
  }

  private afterEvent(): void {
    this.sites.forEach((site, index) => {
      // The router carries the cellular link: down with it.
      if (site.isRouterDown !== this.routerCut[index]) {
        this.routerCut[index] = site.isRouterDown;
        if (site.isRouterDown) this.links[index]!.cut('router');
        else this.links[index]!.heal('router');
      }
    });
    if (this.central.changes !== this.centralChangesChecked) {
      this.centralChangesChecked = this.central.changes;
      checkLeases(this.central, this.dayStartMs + this.queue.nowMs);
    }
    if (this.healedAtMs === null && this.sites.every((site) => site.isFinished) && this.outages.every((list) => list.every((outage) => outage.endMs !== null))) {
      this.healedAtMs = this.queue.nowMs;
      this.trace('every clinic is done and every link is up: central must converge');
      this.queue.scheduleAfter(clinicsCentralLimits.convergenceCheckIntervalMs, () => this.convergenceCheck());
    }
  }

  private convergenceCheck(): void {
    const converged = this.sites.every((site) => clinicConverged(site, this.central))
      && this.lab.posted.every((result) => this.uplinks[this.sites.findIndex((site) => site.clinicId === result.clinicId)]!.arrivals.seen.get(result.labResultId)?.size
        === this.options.deviceCount);
    if (!converged) this.convergedSinceMs = null;
    else this.convergedSinceMs ??= this.queue.nowMs;
    if (this.convergedSinceMs !== null && this.queue.nowMs - this.convergedSinceMs >= clinicsCentralLimits.quietMs) {
      this.finished = true;
      return;
    }
    check(this.queue.nowMs - this.healedAtMs! <= clinicsCentralLimits.convergenceMsMax, 'central-not-converged',
      () => `${clinicsCentralLimits.convergenceMsMax}ms after the clinics were done and the links up, central has not converged: `
        + this.sites.map((site) => `${site.clinicId} acknowledged ${this.central.clinic(site.clinicId).log.acknowledgedIndex}, devices at `
          + site.devices.map((device) => device.node?.status().appliedIndex ?? 'off').join('/')
          + ` (leader's link: ${JSON.stringify(this.leaderLinkStatus(this.sites.indexOf(site)))})`).join('; '));
    this.queue.scheduleAfter(clinicsCentralLimits.convergenceCheckIntervalMs, () => this.convergenceCheck());
  }

  private leaderLinkStatus(index: number): unknown {
    const leader = this.sites[index]!.stableLeader();
    return leader === null ? null : this.uplinks[index]!.statusOf(leader);
  }

  /** The link's dice, once per decision interval while the doors are open; an outage heals at its own end. */
  private scheduleOutageDecision(index: number): void {
    const profile = this.options.linkProfile;
    const { sessionMs } = clinicsCentralSettings.timings;
    this.queue.scheduleAfter(profile.decisionIntervalMs, () => {
      if (this.queue.nowMs >= sessionMs) return;
      const outages = this.outages[index]!;
      const active = outages.some((outage) => outage.endMs === null);
      if (!active && profile.outageProbability > 0 && this.random.chance(profile.outageProbability)) this.outage(index);
      this.scheduleOutageDecision(index);
    });
  }

  private outage(index: number): void {
    const profile = this.options.linkProfile;
    const range = this.random.chance(profile.longOutageProbability) ? profile.longOutageDuration : profile.outageDuration;
    const durationMs = range.minMs + this.random.nextInt(range.maxMs - range.minMs + 1);
    const outage: Outage = { startMs: this.queue.nowMs, endMs: null };
    this.outages[index]!.push(outage);
    this.figures.linkOutages++;
    this.links[index]!.cut('outage');
    this.trace(`${this.sites[index]!.clinicId}: cellular link down for ${durationMs}ms`);
    this.queue.scheduleAfter(durationMs, () => {
      outage.endMs = this.queue.nowMs;
      this.links[index]!.heal('outage');
      this.trace(`${this.sites[index]!.clinicId}: cellular link up after ${durationMs}ms`);
      const longest = Math.max(...this.outages[index]!.map((other) => (other.endMs ?? this.queue.nowMs) - other.startMs));
      this.figures.longestOutageMs = Math.max(this.figures.longestOutageMs, longest);
      if (durationMs === longest) this.timeResync(index, durationMs);
    });
  }

  /** After the clinic's longest outage so far: how long until central holds all it had committed by then. */
  private timeResync(index: number, outageMs: number): void {
    const site = this.sites[index]!;
    const target = Math.max(0, ...site.devices.map((device) => device.node?.status().commitIndex ?? 0));
    const startedMs = this.queue.nowMs;
    const look = (): void => {
      if (this.central.clinic(site.clinicId).log.acknowledgedIndex >= target) {
        // Link time only: another outage during the resync is that outage's, not the resync's.
        const linkDownMs = this.links[index]!.downMsBetween(startedMs, this.queue.nowMs);
        this.figures.resyncSeconds.push((this.queue.nowMs - startedMs - linkDownMs) / 1_000);
        this.trace(`${site.clinicId}: central caught up to ${target} ${this.queue.nowMs - startedMs}ms after a ${outageMs}ms outage`);
        return;
      }
      if (!this.finished) this.queue.scheduleAfter(resyncLookIntervalMs, look);
    };
    look();
  }

  private trace(text: string): void {
    if (this.traceLog.enabled) this.traceLog.write(this.queue.nowMs, text);
  }
}

/** How often the resync of a clinic is looked at (its precision). */
const resyncLookIntervalMs = 100;

/** One clinic's lines in the run's trace, prefixed with the clinic (device names repeat across clinics). */
class ClinicTrace extends Trace {
  constructor(
    private readonly shared: Trace,
    private readonly clinicId: string,
  ) {
    super(shared.enabled);
  }

  override write(timeMs: number, text: string): void {
    this.shared.write(timeMs, `[${this.clinicId}] ${text}`);
  }

  override text(): string {
    return this.shared.text();
  }
}
