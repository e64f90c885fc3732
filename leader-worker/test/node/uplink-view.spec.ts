// A clinic of real nodes (memory disks, in-memory network, virtual time) with the uplink running on the
// leader through the node's view: every committed entry reaches central once and in order, and central's
// acknowledgement, recorded in the log, reaches every device.
import type { ChartStateMachine } from '../../src/chart/index.js';
import { chartStateMachines } from '../../src/node/chart-replica.js';
import { clinicNodeUplinkView } from '../../src/node/uplink-view.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { UploadOnlyCentral } from '../uplink/upload-only-central.js';
import type { UploadLogBody } from '../../src/uplink/central-protocol.js';
import type { CentralAnswer } from '../../src/uplink/uplink-decisions.js';
import { Uplink } from '../../src/uplink/uplink-driver.js';
import { registerPatient, uuid } from '../chart/chart-harness.js';
import { ClinicHarness } from './clinic-harness.js';

/** Central holding what it was sent, as the real one does for a well-behaved leader. */
class HoldingCentral extends UploadOnlyCentral {
  readonly received: number[] = [];
  acknowledgedIndex(): Promise<CentralAnswer> {
    return Promise.resolve({ type: 'acknowledged', acknowledgedIndex: this.received.length });
  }
  upload(body: UploadLogBody): Promise<CentralAnswer> {
    if (body.fromIndex > this.received.length + 1) return Promise.resolve({ type: 'gap', expectedIndex: this.received.length + 1 });
    for (const entry of body.entries) if (entry.index === this.received.length + 1) this.received.push(entry.index);
    return Promise.resolve({ type: 'acknowledged', acknowledgedIndex: this.received.length });
  }}

const ids = ['tablet-1', 'tablet-2', 'desktop-1'];

describe('the uplink on a clinic of real nodes', () => {
  it('uploads every committed entry once, in order, and every device learns central\'s acknowledgement', async () => {
    const harness = new ClinicHarness(ids, chartStateMachines('clinic-7'));
    await harness.start();
    const leader = await harness.electLeader();
    const desk = ids.find((id) => id !== leader)!;
    for (let number = 1; number <= 12; number++) {
      void harness.node(desk).propose({
        clientId: 'desk-tablet', sequence: number, recordedAt: 1_790_000_000_000, author: { deviceId: desk, userName: 'Grace', role: 'registration' },
        command: registerPatient(uuid(1, number), { identifiers: [] }),
      });
    }
    await harness.scheduler.advance(1_000);
    const central = new HoldingCentral();
    const leaderNode = harness.node(leader);
    const uplink = new Uplink(clinicNodeUplinkView(leaderNode, () => leaderNode.state as ChartStateMachine, harness.scheduler), central, harness.scheduler,
      new SeededRandom(11), { backoff: { firstDelayMs: 500, delayMsMax: 4_000, multiplier: 2 }, acknowledgementRecordEntries: 5, lingerMs: 0, lingerEntriesMax: 1 });
    uplink.start();
    await harness.scheduler.advance(2_000);
    const commitIndex = leaderNode.status().commitIndex;
    expect(central.received).toEqual(Array.from({ length: commitIndex }, (_, position) => position + 1));
    expect(uplink.status()).toEqual({ notUploaded: 0, refusal: null, stuck: null, clock: null });
    for (const id of ids) {
      const acknowledged = (harness.node(id).state as ChartStateMachine).centralAcknowledgedIndex();
      expect(acknowledged).withContext(id).toBeGreaterThanOrEqual(commitIndex - 5);
      expect(acknowledged).withContext(id).toBeGreaterThan(0);
    }
    uplink.stop();
  });
});
