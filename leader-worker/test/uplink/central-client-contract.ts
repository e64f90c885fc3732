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
  /** A device of another clinic, which asks for the same patients' charts. */
  readonly otherClinic: { readonly clinicId: string; readonly client: CentralClient };
  /** Central (its records office) sends the clinic a patient registered there: the next item of the clinic's feed. */
  appendRegistration(familyName: string): Promise<void>;
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

    it('reads the feed after a sequence, in order, each item an envelope under its own sequence', async () => {
      expect(await central.client.readFeed({ afterSequence: 0, limit: 10, waitMs: 0 })).toEqual({ type: 'items', items: [], feedLastSequence: 0 });
      for (const family of ['Okello', 'Nakato', 'Phiri']) await central.appendRegistration(family);
      const all = await central.client.readFeed({ afterSequence: 0, limit: 10, waitMs: 0 });
      expect(all.type === 'items' ? all.items.map((item) => [item.sequence, item.kind, (item.payload as { sequence: number }).sequence]) : all).toEqual([
        [1, 'centralRegistration', 1], [2, 'centralRegistration', 2], [3, 'centralRegistration', 3],
      ]);
      const after = await central.client.readFeed({ afterSequence: 1, limit: 1, waitMs: 0 });
      expect(after.type === 'items' ? after.items.map((item) => item.sequence) : after).toEqual([2]);
      expect(after.type === 'items' ? after.feedLastSequence : after).withContext('a page says where the feed ends, to read ahead within it').toBe(3);
    }, timeoutMs);

    it('holds a long-poll open until the next item arrives, and answers it at once', async () => {
      await central.appendRegistration('Okello');
      const waiting = central.client.readFeed({ afterSequence: 1, limit: 10, waitMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await central.appendRegistration('Nakato');
      const answer = await waiting;
      expect(answer.type === 'items' ? answer.items.map((item) => item.sequence) : answer).toEqual([2]);
      expect(answer.type === 'items' ? answer.feedLastSequence : answer).withContext('the end as it grew during the wait').toBe(2);
      const empty = await central.client.readFeed({ afterSequence: 2, limit: 10, waitMs: 100 });
      expect(empty).withContext('a wait that ends without an item').toEqual({ type: 'items', items: [], feedLastSequence: 2 });
    }, timeoutMs);

    it('ends a long-poll the caller abandons at once, as unavailable', async () => {
      const abandon = new AbortController();
      const waiting = central.client.readFeed({ afterSequence: 0, limit: 10, waitMs: 10_000 }, abandon.signal);
      await new Promise((resolve) => setTimeout(resolve, 100));
      abandon.abort();
      const later = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000));
      expect(await Promise.race([waiting, later])).toEqual({ type: 'unavailable' });
    }, timeoutMs);

    it('refuses to read the feed past its end', async () => {
      expect(await central.client.readFeed({ afterSequence: 5, limit: 10, waitMs: 0 })).toEqual(jasmine.objectContaining({ type: 'refused', status: 400 }));
    }, timeoutMs);

    it('leases a chart to one clinic at a time: extended for its holder, held elsewhere for the others, released', async () => {
      const patientId = '4d3c2b1a-0000-4000-8000-00000000a001';
      const granted = await central.client.acquireLease(patientId);
      expect(granted).toEqual({ type: 'granted', leaseId: jasmine.any(String), epoch: jasmine.any(Number), expiresAtMs: jasmine.any(Number) });
      if (granted.type !== 'granted') return;
      const again = await central.client.acquireLease(patientId);
      expect(again).withContext('the holder asks again: its own lease, extended').toEqual(jasmine.objectContaining({ type: 'granted', leaseId: granted.leaseId, epoch: granted.epoch }));
      expect(again.type === 'granted' && again.expiresAtMs >= granted.expiresAtMs).toBeTrue();
      const elsewhere = await central.otherClinic.client.acquireLease(patientId);
      expect(elsewhere).toEqual({ type: 'heldElsewhere', holderClinicId: jasmine.any(String), epoch: granted.epoch, expiresAtMs: jasmine.any(Number) });
      expect(await central.client.releaseLease(granted.leaseId)).toEqual({ type: 'released' });
      expect(await central.client.releaseLease(granted.leaseId)).withContext('released again').toEqual({ type: 'released' });
      const next = await central.otherClinic.client.acquireLease(patientId);
      expect(next).withContext('free again: the next epoch').toEqual(jasmine.objectContaining({ type: 'granted', epoch: granted.epoch + 1 }));
      expect(await central.client.releaseLease('00000000-0000-4000-8000-000000000000')).withContext('no such lease').toEqual({ type: 'gone' });
    }, timeoutMs);

    it('refuses a credential it never issued', async () => {
      expect(await central.impostor.acquireLease('4d3c2b1a-0000-4000-8000-00000000a002')).toEqual(jasmine.objectContaining({ type: 'refused', status: 401 }));
      expect(await central.impostor.readFeed({ afterSequence: 0, limit: 10, waitMs: 0 })).toEqual(jasmine.objectContaining({ type: 'refused', status: 401 }));
      expect(await central.impostor.acknowledgedIndex()).toEqual(jasmine.objectContaining({ type: 'refused', status: 401 }));
      expect(await central.impostor.upload(batchOf(clinicLog(1, 3), 3))).toEqual(jasmine.objectContaining({ type: 'refused', status: 401 }));
    }, timeoutMs);

    it('answers unavailable, never throws, when central cannot be reached', async () => {
      await central.cutLink();
      expect(await central.client.acknowledgedIndex()).toEqual({ type: 'unavailable' });
      expect(await central.client.upload(batchOf(clinicLog(1, 3), 3))).toEqual({ type: 'unavailable' });
      expect(await central.client.readFeed({ afterSequence: 0, limit: 10, waitMs: 0 })).toEqual({ type: 'unavailable' });
      expect(await central.client.acquireLease('4d3c2b1a-0000-4000-8000-00000000a003')).toEqual({ type: 'unavailable' });
      expect(await central.client.releaseLease('00000000-0000-4000-8000-000000000000')).toEqual({ type: 'unavailable' });
    }, timeoutMs);
  });
}
