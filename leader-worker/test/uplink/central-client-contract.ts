// What every CentralClient must do, as one suite: the HTTP client against the real central API
// (central-api/test/uplink/), and the simulator's fake against the same expectations, so the two never drift.
import { encodeCommand } from '../../src/chart/index.js';
import type { Entry } from '../../src/raft/types.js';
import type { CentralClient } from '../../src/uplink/central-client.js';
import { nextUploadBatch } from '../../src/uplink/upload-batch.js';

/** One fresh clinic with one enrolled device, as a test sees central. */
export interface CentralClientFixture {
  /** The device's client. */
  readonly client: CentralClient;
  /** A client of the same clinic with a credential central never issued. */
  readonly impostor: CentralClient;
  /** Makes central unreachable for `client` from now on (the link or the service gone). */
  cutLink(): Promise<void>;
  close(): Promise<void>;
}

export function clinicLog(fromIndex: number, count: number, term = 2): Entry[] {
  return Array.from({ length: count }, (_, position): Entry => {
    const index = fromIndex + position;
    if (index === 1) return { index, term: 1, type: 'membership', change: { type: 'addVoter', nodeId: 'tablet-1' } };
    if (position % 7 === 3) return { index, term, type: 'noop' };
    return { index, term, type: 'command', data: encodeCommand({ clientId: 'tablet-1', sequence: index, command: { type: 'probe', index } }) };
  });
}

function batchOf(entries: Entry[], commitIndex: number) {
  const batch = nextUploadBatch(entries, commitIndex);
  if (batch.type !== 'batch') throw new Error(`expected a batch, got ${batch.type}`);
  return batch.body;
}

export function describeCentralClientContract(name: string, fixture: () => Promise<CentralClientFixture>, timeoutMs = 20_000): void {
  describe(`${name} (the CentralClient contract)`, () => {
    let central: CentralClientFixture;

    beforeEach(async () => {
      central = await fixture();
    }, timeoutMs);

    afterEach(async () => {
      await central.close();
    }, timeoutMs);

    it('tells a new clinic central holds nothing, then acknowledges each upload\'s last entry', async () => {
      expect(await central.client.acknowledgedIndex()).toEqual({ type: 'acknowledged', acknowledgedIndex: 0 });
      const log = clinicLog(1, 30);
      expect(await central.client.upload(batchOf(log.slice(0, 20), 30))).toEqual({ type: 'acknowledged', acknowledgedIndex: 20 });
      expect(await central.client.upload(batchOf(log.slice(20), 30))).toEqual({ type: 'acknowledged', acknowledgedIndex: 30 });
      expect(await central.client.acknowledgedIndex()).toEqual({ type: 'acknowledged', acknowledgedIndex: 30 });
    }, timeoutMs);

    it('acknowledges a replayed or overlapping batch without storing anything twice', async () => {
      const log = clinicLog(1, 40);
      await central.client.upload(batchOf(log.slice(0, 25), 40));
      expect(await central.client.upload(batchOf(log.slice(0, 25), 40))).toEqual({ type: 'acknowledged', acknowledgedIndex: 25 });
      expect(await central.client.upload(batchOf(log.slice(20, 40), 40))).toEqual({ type: 'acknowledged', acknowledgedIndex: 40 });
    }, timeoutMs);

    it('answers a batch past what it holds with the index it needs (a gap is never stored)', async () => {
      const log = clinicLog(1, 30);
      await central.client.upload(batchOf(log.slice(0, 10), 30));
      expect(await central.client.upload(batchOf(log.slice(15), 30))).toEqual({ type: 'gap', expectedIndex: 11 });
      expect(await central.client.acknowledgedIndex()).toEqual({ type: 'acknowledged', acknowledgedIndex: 10 });
    }, timeoutMs);

    it('refuses an entry that differs from the one it holds at that index, and keeps what it holds', async () => {
      const log = clinicLog(1, 10);
      await central.client.upload(batchOf(log, 10));
      const forked = clinicLog(5, 6, 9);
      expect(await central.client.upload(batchOf(forked, 10))).toEqual(jasmine.objectContaining({ type: 'refused', status: 409 }));
      expect(await central.client.acknowledgedIndex()).toEqual({ type: 'acknowledged', acknowledgedIndex: 10 });
    }, timeoutMs);

    it('refuses a credential it never issued', async () => {
      expect(await central.impostor.acknowledgedIndex()).toEqual(jasmine.objectContaining({ type: 'refused', status: 401 }));
      expect(await central.impostor.upload(batchOf(clinicLog(1, 3), 3))).toEqual(jasmine.objectContaining({ type: 'refused', status: 401 }));
    }, timeoutMs);

    it('answers unavailable, never throws, when central cannot be reached', async () => {
      await central.cutLink();
      expect(await central.client.acknowledgedIndex()).toEqual({ type: 'unavailable' });
      expect(await central.client.upload(batchOf(clinicLog(1, 3), 3))).toEqual({ type: 'unavailable' });
    }, timeoutMs);
  });
}
