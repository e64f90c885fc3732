// The in-memory parts of the chart copy: the per-clinic turn-taking, the LRU of machines, which apply
// results are recorded for ops, what lease fencing reads off a clinic's copy, and the quiet timers.
import { encode } from '@msgpack/msgpack';
import { ChartStateMachine, decodeCommand, touchedPatient, writtenEpoch } from '../../../leader-worker/src/chart/index.js';
import { applyOutcomeRecord } from '../../src/chart-copy/apply-outcome.js';
import { emptyNotes, feedEntry } from '../../src/chart-copy/chart-copy-feed.js';
import { ChartMachineCache } from '../../src/chart-copy/chart-machine-cache.js';
import { KeyedMutex, QueueFullError } from '../../src/concurrency/keyed-mutex.js';
import { QuietTimers } from '../../src/concurrency/quiet-timers.js';
import { StoredTails } from '../../src/chart-copy/stored-tails.js';
import type { StoredEntry } from '../../src/log-store/log-entry.js';

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

describe('leased writes and the feed\'s notes', () => {
  const clinicId = 'c0ffee00-0000-4000-8000-000000000001';
  const otherClinicId = 'c0ffee00-0000-4000-8000-000000000002';
  const patientId = '00000000-0000-4000-8000-00000000000a';
  const author = { deviceId: 'tablet-1', userName: 'Nurse Achieng', role: 'nurse' };
  let sequence = 0;
  const envelope = (command: Record<string, unknown>) => ({ clientId: 'tab', sequence: ++sequence, recordedAt: 1_790_000_000_000, author, command });
  const register = { type: 'registerPatient', patientId, name: { given: 'Amina', family: 'Okello' }, sex: 'female', birth: { estimated: true, birthYear: 1980 }, identifiers: [], phone: null, address: null, nextOfKin: null };
  const note = () => ({ type: 'addNote', noteId: `00000000-0000-4000-8000-${String(1000 + sequence).padStart(12, '0')}`, patientId, visitId: null, kind: 'nursing', text: 'Seen.' });
  const grant = (holderClinicId: string, epoch: number) => ({ type: 'grantLease', patientId, holderClinicId, epoch, expiresAt: 1_790_000_900_000 });

  function machineWith(...commands: Record<string, unknown>[]): ChartStateMachine {
    sequence = 0;
    const machine = new ChartStateMachine(clinicId);
    commands.forEach((command, position) => expect(machine.apply(position + 1, envelope(command)).type).toBe('applied'));
    return machine;
  }

  it('names the patient a command writes to, also through the record it names, but not for lease commands', () => {
    const visitId = '00000000-0000-4000-8000-0000000000a1';
    const machine = machineWith(register, { type: 'openVisit', visitId, patientId, reason: 'cough' });
    expect(touchedPatient(machine, envelope(note()))).toBe(patientId);
    expect(touchedPatient(machine, envelope(grant(clinicId, 1)))).toBeNull();
    expect(touchedPatient(machine, envelope({ type: 'moveVisit', visitId, fromStation: 'registration', toStation: 'triage' }))).toBe(patientId);
    // A record the copy does not hold: the command will be rejected, and there is nothing to fence.
    expect(touchedPatient(machine, envelope({ type: 'dispense', dispenseId: patientId, prescriptionId: '00000000-0000-4000-8000-0000000000b2', quantity: 1, note: null }))).toBeNull();
    expect(touchedPatient(machine, envelope({ type: 'addNote', patientId: 'NOT-A-UUID' }))).toBeNull();
    expect(touchedPatient(machine, undefined)).toBeNull();
  });

  it('names the patient of the conflict a resolution closes', () => {
    const machine = machineWith(register, { type: 'updatePatient', patientId, field: 'phone', value: '+256 700 000001', baseVersion: 'tab:1' });
    expect(machine.apply(3, envelope({ type: 'updatePatient', patientId, field: 'phone', value: '+256 700 000002', baseVersion: 'tab:1' })).type).toBe('conflict');
    expect(touchedPatient(machine, envelope({ type: 'resolveConflict', conflictId: `${clinicId}/3`, value: '+256 700 000002', baseVersion: 'tab:2' }))).toBe(patientId);
    expect(touchedPatient(machine, envelope({ type: 'resolveConflict', conflictId: `${clinicId}/99`, value: null, baseVersion: 'tab:2' }))).toBeNull();
  });

  it('reads the epoch of the clinic\'s own lease, released or not, and 0 with none or another clinic\'s', () => {
    expect(writtenEpoch(machineWith(register), patientId, clinicId)).toBe(0);
    expect(writtenEpoch(machineWith(register, grant(clinicId, 3)), patientId, clinicId)).toBe(3);
    expect(writtenEpoch(machineWith(register, grant(clinicId, 3), { type: 'releaseLease', patientId, epoch: 3 }), patientId, clinicId)).toBe(3);
    expect(writtenEpoch(machineWith(register, grant(clinicId, 3), grant(otherClinicId, 4)), patientId, clinicId)).toBe(0);
    expect(writtenEpoch(machineWith(register), '00000000-0000-4000-8000-0000000000ff', clinicId)).toBe(0);
  });

  it('notes accepted writes with the epoch from before the entry, and only when fencing', () => {
    const copy = { machine: machineWith(register), appliedIndex: 1 };
    const fenced = emptyNotes(true);
    const entry = (index: number, command: Record<string, unknown>) => ({ index, term: 1, kind: 'command' as const, data: Buffer.from(encode(envelope(command))) });
    feedEntry(copy, entry(2, note()), fenced);
    feedEntry(copy, entry(3, grant(clinicId, 1)), fenced);
    feedEntry(copy, entry(4, note()), fenced);
    feedEntry(copy, entry(5, { type: 'addNote', noteId: 'bad', patientId }), fenced);
    feedEntry(copy, { index: 6, term: 1, kind: 'noop' }, fenced);
    expect(fenced.leasedWrites).toEqual([{ logIndex: 2, patientId, writtenEpoch: 0 }, { logIndex: 4, patientId, writtenEpoch: 1 }]);
    expect(fenced.outcomes.map((outcome) => [outcome.logIndex, outcome.outcome])).withContext('the rejected one').toEqual([[5, 'rejected']]);
    expect(copy.appliedIndex).toBe(6);

    const merged = { machine: machineWith(register), appliedIndex: 1 };
    const notes = emptyNotes(false);
    feedEntry(merged, entry(2, note()), notes);
    expect(notes.leasedWrites).toEqual([]);
  });
});

describe('QuietTimers', () => {
  it('runs a key once it has been quiet, not while an activity is under way, and not after close', async () => {
    const ran: string[] = [];
    const timers = new QuietTimers(5, async (key) => void ran.push(key));
    timers.begin('a');
    timers.begin('a');
    timers.end('a', true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).withContext('one activity still under way').toEqual([]);
    timers.end('a', false);
    timers.begin('b');
    timers.end('b', false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).withContext('a run owed by the first activity; none for b').toEqual(['a']);
    timers.begin('c');
    timers.end('c', true);
    await timers.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).toEqual(['a']);
    expect(() => timers.end('d', true)).toThrowError(/without begin/);
  });

  it('lets an activity begun before close end after it (an upload answering during shutdown), with no run', async () => {
    const ran: string[] = [];
    const timers = new QuietTimers(5, async (key) => void ran.push(key));
    timers.begin('a');
    await timers.close();
    expect(() => timers.end('a', true)).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).toEqual([]);
    expect(() => timers.end('a', true)).withContext('ended once already').toThrowError(/without begin/);
  });
});

describe('StoredTails', () => {
  const noops = (fromIndex: number, count: number): StoredEntry[] => Array.from({ length: count }, (_, offset) => ({ index: fromIndex + offset, term: 1, kind: 'noop' }));
  const indexes = (entries: readonly StoredEntry[] | undefined) => entries?.map((entry) => entry.index);

  it('answers a range only when it holds all of it, extends with what follows, and starts over on a gap', () => {
    const tails = new StoredTails(100);
    tails.append('a', noops(11, 5));
    tails.append('a', noops(16, 5));
    expect(indexes(tails.range('a', 12, 20))).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(tails.range('a', 10, 12)).withContext('starts before the tail').toBeUndefined();
    expect(tails.range('a', 20, 21)).withContext('ends past it').toBeUndefined();
    expect(tails.range('b', 1, 1)).toBeUndefined();
    tails.append('a', noops(30, 2));
    expect(tails.range('a', 16, 16)).toBeUndefined();
    expect(indexes(tails.range('a', 30, 31))).toEqual([30, 31]);
    expect(tails.size).toBe(2);
  });

  it('forgets what the copy applied, and the least recently appended clinic past its bound', () => {
    const tails = new StoredTails(10);
    tails.append('a', noops(1, 6));
    tails.dropThrough('a', 3);
    expect(tails.size).toBe(3);
    expect(indexes(tails.range('a', 4, 6))).toEqual([4, 5, 6]);
    tails.append('b', noops(1, 4));
    tails.append('c', noops(1, 4));
    expect(tails.range('a', 4, 4)).withContext('a went first').toBeUndefined();
    expect(tails.size).toBe(8);
    tails.dropThrough('b', 9);
    expect(tails.size).toBe(4);
  });
});
