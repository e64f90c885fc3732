// What runs beside each device of one clinic in the clinics-central run: a real CentralLink (uplink, feed
// import, lease keeper) per process of the device, through a SimulatedCentralClient over the clinic's cellular
// link, on the device's own clock (so a frozen tab's link waits too, and a dead process's link is stopped).
// It also follows every lab result from central to each device, and hands out the patients shared by clinics.
import { decodeCommand, feedClientId, type ApplyResult } from '../../../leader-worker/src/chart/index.js';
import { CentralLink } from '../../../leader-worker/src/node/central-link.js';
import type { Scheduler } from '../../../leader-worker/src/node/scheduler.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Entry } from '../../../leader-worker/src/raft/types.js';
import type { DeviceClock } from '../clinic-day/device-clock.js';
import type { ClinicExtension } from '../clinic-day/simulation.js';
import type { ChartNode, SimulatedDevice } from '../clinic-day/simulated-device.js';
import type { CellularLink } from './cellular-link.js';
import type { CentralTimer } from './central/central-timer.js';
import type { CentralClinic, SimulatedCentral } from './central/simulated-central.js';
import { SimulatedCentralClient } from './simulated-central-client.js';

/** Where each lab result has got to on each device: the first application of it there, by virtual time. */
export class LabResultArrivals {
  /** labResultId -> deviceId -> virtual ms of its first application there. */
  readonly seen = new Map<string, Map<string, number>>();

  applied(labResultId: string, deviceId: string, nowMs: number): void {
    let devices = this.seen.get(labResultId);
    if (devices === undefined) this.seen.set(labResultId, (devices = new Map()));
    if (!devices.has(deviceId)) devices.set(deviceId, nowMs);
  }
}

export class ClinicUplinks implements ClinicExtension {
  private readonly links = new Map<SimulatedDevice, CentralLink>();
  readonly arrivals = new LabResultArrivals();

  constructor(
    private readonly clinic: CentralClinic,
    private readonly central: SimulatedCentral,
    private readonly link: CellularLink,
    private readonly centralTimer: CentralTimer,
    /** The clinic's clock: the run's virtual ms since it began, plus the day's start (central's clock too). */
    private readonly epochOffsetMs: number,
    private readonly random: SeededRandom,
    private readonly nowMs: () => number,
    /** Draws a shared patient for this clinic's next arrival, or null. */
    private readonly drawSharedPatient: () => string | null,
  ) {}

  nodeStarted(device: SimulatedDevice, node: ChartNode, clock: DeviceClock): void {
    const scheduler: Scheduler = {
      nowMs: () => this.epochOffsetMs + clock.nowMs(),
      every: (intervalMs, callback) => clock.every(intervalMs, callback),
      after: (delayMs, callback) => clock.after(delayMs, callback),
    };
    const client = new SimulatedCentralClient({
      central: this.central, clinicId: this.clinic.clinicId, credential: this.clinic.credential, link: this.link, timer: this.centralTimer,
      deliver: (answer) => device.deliverWhenAwake(answer),
    });
    const started = CentralLink.start({
      clinicId: this.clinic.clinicId, node, central: client, scheduler, createRandom: () => this.random.fork(), chartPolicy: this.clinic.chartPolicy,
      chart: () => device.chart!,
    });
    this.links.set(device, started);
  }

  processEnded(device: SimulatedDevice): void {
    this.links.get(device)?.stop();
    this.links.delete(device);
  }

  applied(device: SimulatedDevice, entry: Entry, result: ApplyResult): void {
    if (entry.type !== 'command' || result.type === 'duplicate' || result.type === 'rejected') return;
    const envelope = decodeCommand(entry.data) as { clientId?: unknown; command?: { type?: unknown; labResultId?: unknown } };
    if (envelope.clientId !== feedClientId || envelope.command?.type !== 'recordLabResult' || typeof envelope.command.labResultId !== 'string') return;
    this.arrivals.applied(envelope.command.labResultId, device.id, this.nowMs());
  }

  sharedPatient(): string | null {
    return this.drawSharedPatient();
  }

  /** The link status of the device's running process, if any. */
  statusOf(device: SimulatedDevice): ReturnType<CentralLink['status']> | null {
    return this.links.get(device)?.status() ?? null;
  }
}
