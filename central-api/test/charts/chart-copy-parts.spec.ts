// The in-memory parts of the chart copy: the per-clinic turn-taking, the LRU of machines, and which apply
// results are recorded for ops.
import { ChartStateMachine } from '../../../leader-worker/src/chart/chart-state-machine.js';
import { applyOutcomeRecord } from '../../src/charts/apply-outcome.js';
import { ChartMachineCache } from '../../src/charts/chart-machine-cache.js';
import { decodeCommand } from '../../src/charts/command-decoding.js';
import { KeyedMutex, QueueFullError } from '../../src/charts/keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs the work of one key one at a time, in arrival order, and keys independently', async () => {
    const mutex = new KeyedMutex(10);
    const events: string[] = [];
    let releaseFirst!: () => void;
    const first = mutex.run('a', async () => {
      events.push('a1 start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      events.push('a1 end');
    });
    const second = mutex.run('a', async () => void events.push('a2'));
    const other = mutex.run('b', async () => void events.push('b1'));
    await other;
    expect(events).toEqual(['a1 start', 'b1']);
    expect(mutex.isBusy('a')).toBeTrue();
    releaseFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    expect(mutex.isBusy('a')).toBeFalse();
  });

  it('passes on after a failure', async () => {
    const mutex = new KeyedMutex(10);
    await expectAsync(mutex.run('a', () => Promise.reject(new Error('boom')))).toBeRejectedWithError('boom');
    await expectAsync(mutex.run('a', async () => 7)).toBeResolvedTo(7);
  });

  it('refuses work past the bound of queued requests per key', async () => {
    const mutex = new KeyedMutex(2);
    let release!: () => void;
    const held = mutex.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    const queued = mutex.run('a', async () => 'second');
    await expectAsync(mutex.run('a', async () => 'third')).toBeRejectedWith(jasmine.any(QueueFullError));
    await expectAsync(mutex.run('b', async () => 'other key')).toBeResolvedTo('other key');
    release();
    await held;
    await expectAsync(queued).toBeResolvedTo('second');
  });
});

describe('ChartMachineCache', () => {
  const copy = () => ({ machine: new ChartStateMachine('c'), appliedIndex: 0 });

  it('keeps at most its bound, dropping the least recently used', () => {
    const cache = new ChartMachineCache(2);
    const [a, b, c] = [copy(), copy(), copy()];
    cache.set('a', a);
    cache.set('b', b);
    expect(cache.get('a')).toBe(a); // now b is the least recently used
    cache.set('c', c);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')).toBe(c);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('apply outcomes recorded for ops', () => {
  const envelope = (sequence: number, command: unknown, clientId = 'tablet-1') => ({
    clientId, sequence, recordedAt: 1_790_000_000_000, author: { deviceId: 'tablet-1', userName: 'Grace', role: null }, command,
  });

  it('records rejections with their error and conflicts with their id, and nothing for applied commands or duplicates', () => {
    const machine = new ChartStateMachine('clinic-1');
    const patientId = '00000001-0000-4000-8000-000000000001';
    const register = envelope(1, {
      type: 'registerPatient', patientId, name: { given: 'Amina', family: 'Okello' }, sex: 'female',
      birth: { estimated: true, birthYear: 1990 }, identifiers: [], phone: null, address: null, nextOfKin: null,
    });
    expect(applyOutcomeRecord(1, register, machine.apply(1, register))).toBeNull();
    expect(applyOutcomeRecord(2, register, machine.apply(2, register))).withContext('duplicate').toBeNull();

    const unknown = envelope(2, { type: 'addNote', noteId: '00000004-0000-4000-8000-000000000001', patientId: '00000001-0000-4000-8000-000000000099', visitId: null, kind: 'clinical', text: 'x' });
    expect(applyOutcomeRecord(3, unknown, machine.apply(3, unknown))).toEqual({
      logIndex: 3, outcome: 'rejected', clientId: 'tablet-1', sequence: 2, errorCode: 'unknown-patient', errorField: jasmine.any(String), message: jasmine.any(String), conflictId: null,
    });

    const stale = envelope(3, { type: 'updatePatient', patientId, field: 'phone', value: '0772 000001', baseVersion: 'someone-else:9' });
    const record = applyOutcomeRecord(4, stale, machine.apply(4, stale));
    expect(record).toEqual(jasmine.objectContaining({ logIndex: 4, outcome: 'conflict', conflictId: 'clinic-1/4', errorCode: null }));
  });

  it('keeps no client id that the state machine would not accept, and nothing PostgreSQL text cannot hold', () => {
    const machine = new ChartStateMachine('clinic-1');
    const weird = { clientId: 'bad\u0000id', sequence: 1, command: { type: 'nothing' } };
    const record = applyOutcomeRecord(1, weird, machine.apply(1, weird));
    expect(record).toEqual(jasmine.objectContaining({ outcome: 'rejected', clientId: null, sequence: null }));
    expect(record!.message).not.toContain('\u0000');
  });

  it('decodes command bytes like the clinic node: bytes that are not MessagePack become a rejection, not an error', () => {
    const machine = new ChartStateMachine('clinic-1');
    const command = decodeCommand(Buffer.from([0xc1]));
    expect(command).toBeUndefined();
    expect(applyOutcomeRecord(1, command, machine.apply(1, command))).toEqual(jasmine.objectContaining({ outcome: 'rejected', errorCode: 'malformed' }));
  });
});
