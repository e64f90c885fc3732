// Every device applies the same entries and must reach the same state: equal hashes for equal logs, different
// hashes for different ones; and no input, however random, crashes the machine or breaks its invariants.
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import { stations } from '../../src/chart/commands.js';
import { ChartHarness, noon, registerPatient, restoreOrFail, today, uuid, validCommands, type Json } from './chart-harness.js';

describe('chart determinism', () => {
  it('gives two machines fed the same entries equal hashes', () => {
    const entries = new ChartHarness();
    const log = validCommands().map((command) => entries.envelope(command));
    const a = new ChartStateMachine('clinic-1');
    const b = new ChartStateMachine('clinic-1');
    log.forEach((entry, index) => a.apply(index + 1, entry));
    log.forEach((entry, index) => b.apply(index + 1, structuredClone(entry)));
    expect(a.stateHash()).toBe(b.stateHash());
    expect(a.stateHash()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives different hashes for a different value, order, index, clock, author or clinic', () => {
    const base = (): { machine: ChartStateMachine; harness: ChartHarness } => {
      const harness = new ChartHarness();
      return { machine: harness.machine, harness };
    };
    const hashOf = (clinicId: string, entries: readonly [number, unknown][]): string => {
      const machine = new ChartStateMachine(clinicId);
      for (const [index, entry] of entries) machine.apply(index, entry);
      return machine.stateHash();
    };
    const { harness } = base();
    const one = harness.envelope(registerPatient(uuid(1, 1)), { sequence: 1 });
    const two = harness.envelope(registerPatient(uuid(1, 2)), { sequence: 2 });
    const reference = hashOf('clinic-1', [[1, one], [2, two]]);
    const variants = [
      hashOf('clinic-1', [[1, two], [2, one]]),
      hashOf('clinic-1', [[1, one], [3, two]]),
      hashOf('clinic-2', [[1, one], [2, two]]),
      hashOf('clinic-1', [[1, one], [2, { ...two, recordedAt: noon + 1 }]]),
      hashOf('clinic-1', [[1, one], [2, { ...two, author: { deviceId: 'x', userName: 'y' } }]]),
      hashOf('clinic-1', [[1, one], [2, harness.envelope(registerPatient(uuid(1, 2), { phone: '0700 000002' }), { sequence: 2 })]]),
      hashOf('clinic-1', [[1, one]]),
    ];
    for (const variant of variants) expect(variant).not.toBe(reference);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('ignores rejected entries and duplicates in the hash', () => {
    const harness = new ChartHarness();
    const entry = harness.envelope(registerPatient());
    harness.apply(entry);
    const hash = harness.machine.stateHash();
    harness.apply(entry);
    harness.apply({ nonsense: true });
    harness.propose({ type: 'recordVitals', vitalsId: uuid(3, 1), patientId: uuid(1, 1), measurements: { pulseBpm: 999 } });
    expect(harness.machine.stateHash()).toBe(hash);
  });

  it('refuses to apply an index twice or out of order: that is a bug in the caller', () => {
    const machine = new ChartStateMachine('clinic-1');
    machine.apply(5, {});
    expect(() => machine.apply(5, {})).toThrowError(/log order/);
    expect(() => machine.apply(4, {})).toThrowError(/log order/);
    expect(() => machine.apply(1.5, {})).toThrowError(/log order/);
  });

  it('never throws on random command sequences, keeps its invariants, and replicas agree', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const random = new SeededRandom(seed);
      const generator = new RandomCommands(random);
      const leader = new ChartHarness();
      const follower = new ChartStateMachine('clinic-1');
      const counts = { applied: 0, rejected: 0, duplicate: 0, conflict: 0 };
      const log: unknown[] = [];
      for (let step = 0; step < 1500; step++) {
        const entry = random.chance(0.05) && log.length > 0 ? log[random.nextInt(log.length)] : generator.entry(leader);
        log.push(entry);
        const result = leader.apply(entry);
        counts[result.type]++;
        expect(follower.apply(leader.logIndex, structuredClone(entry))).toEqual(result);
        if (step % 300 === 0) leader.machine.checkInvariants();
      }
      leader.machine.checkInvariants();
      expect(follower.stateHash()).toBe(leader.machine.stateHash());
      for (const station of stations) leader.machine.stationQueue(station, today);
      leader.machine.searchPatients(generator.name());
      expect(restoreOrFail(leader.machine.snapshot()).stateHash()).toBe(leader.machine.stateHash());
      // Each kind of outcome happens, so the run explored more than the happy path.
      for (const count of Object.values(counts)) expect(count).withContext(`seed ${seed} ${JSON.stringify(counts)}`).toBeGreaterThan(10);
    }
  });
});

/** Plausible and implausible commands over a small pool of ids, so references hit and miss. */
class RandomCommands {
  private readonly pool = 40;
  constructor(private readonly random: SeededRandom) {}

  private pick<T>(items: readonly T[]): T {
    return items[this.random.nextInt(items.length)]!;
  }

  private id(tag: number): string {
    return uuid(tag, this.random.nextInt(this.pool));
  }

  name(): string {
    return this.pick(['Amina', 'Okello', 'Grace', 'Banda', 'Ndèye', 'Moses', 'Kamau', 'Ali']);
  }

  private version(): string {
    return `${this.pick(['tablet-1', 'tablet-2', 'desk'])}:${1 + this.random.nextInt(60)}`;
  }

  private junk(): unknown {
    return this.pick([null, undefined, 42, -1, 1e300, '', 'x'.repeat(600), [], {}, { nested: { deep: [1] } }, true, '\ud800']);
  }

  entry(harness: ChartHarness): unknown {
    const clientId = this.pick(['tablet-1', 'tablet-2', 'desk']);
    const envelope = harness.envelope(this.command(), { clientId, recordedAt: noon + this.random.nextInt(4 * 3_600_000) - 2 * 3_600_000 });
    if (this.random.chance(0.05)) return { ...envelope, [this.pick(['clientId', 'sequence', 'recordedAt', 'author', 'command', 'extra'])]: this.junk() };
    if (this.random.chance(0.03)) return this.junk();
    return envelope;
  }

  private command(): Json {
    const patientId = this.id(1);
    const visitId = this.random.chance(0.5) ? this.id(2) : null;
    const commands: (() => Json)[] = [
      () => registerPatient(patientId, { name: { given: this.name(), family: this.name() } }),
      () => ({ type: 'updatePatient', patientId, field: 'phone', value: `07${this.random.nextInt(100_000_000).toString().padStart(8, '0')}`, baseVersion: this.version() }),
      () => ({ type: 'updatePatient', patientId, field: 'name', value: { given: this.name(), family: this.name() }, baseVersion: this.version() }),
      () => ({ type: 'openVisit', visitId: this.id(2), patientId }),
      () => ({ type: 'moveVisit', visitId: this.id(2), fromStation: this.pick(stations), toStation: this.pick(stations) }),
      () => ({ type: 'recordVitals', vitalsId: this.id(3), patientId, visitId, measurements: { pulseBpm: this.random.nextInt(300), temperatureCelsius: 30 + this.random.nextFloat() * 20 } }),
      () => ({ type: 'addNote', noteId: this.id(4), patientId, visitId, kind: 'nursing', text: 'observed' }),
      () => ({ type: 'addDiagnosis', diagnosisId: this.id(5), patientId, visitId, code: this.pick(['B54', 'J18.9', 'b54', 'E11.9']), text: 'dx', certainty: 'confirmed' }),
      () => ({ type: 'recordAllergy', allergyId: this.id(6), patientId, substance: 'Sulfa', severity: 'mild' }),
      () => ({ type: 'updateAllergy', allergyId: this.id(6), field: 'severity', value: this.pick(['mild', 'severe', 'bad']), baseVersion: this.version() }),
      () => ({ type: 'prescribe', prescriptionId: this.id(7), patientId, visitId, drug: 'Amoxicillin', dose: { amount: 250, unit: 'mg' }, route: 'oral', frequency: 'twice-daily', durationDays: 1 + this.random.nextInt(400) }),
      () => ({ type: 'dispense', dispenseId: this.id(8), prescriptionId: this.id(7), quantity: { amount: 10, unit: 'tablets' } }),
      () => ({ type: 'orderLab', labOrderId: this.id(9), patientId, visitId, test: 'Hb' }),
      () => ({ type: 'recordLabResult', labResultId: this.id(10), labOrderId: this.id(9), result: { kind: 'numeric', value: 12, unit: 'g/dL' } }),
      () => ({ type: 'bookAppointment', appointmentId: this.id(11), patientId, date: '2025-07-01' }),
      () => ({ type: 'cancelAppointment', appointmentId: this.id(11) }),
      () => ({ type: 'grantLease', patientId, holderClinicId: 'clinic-1', epoch: 1 + this.random.nextInt(5), expiresAt: noon }),
      () => ({ type: 'renewLease', patientId, epoch: 1 + this.random.nextInt(5), expiresAt: noon + this.random.nextInt(1000) }),
      () => ({ type: 'releaseLease', patientId, epoch: 1 + this.random.nextInt(5) }),
      () => ({ type: 'markEnteredInError', targetId: uuid(1 + this.random.nextInt(11), this.random.nextInt(this.pool)), reason: 'mistake' }),
      () => ({ type: 'resolveConflict', conflictId: `clinic-1/${1 + this.random.nextInt(1500)}`, value: this.random.chance(0.5) ? '0700 000000' : { given: 'A', family: 'B' }, baseVersion: this.version() }),
    ];
    const command = this.pick(commands)();
    if (this.random.chance(0.05)) command[this.pick(Object.keys(command))] = this.junk();
    return command;
  }
}
