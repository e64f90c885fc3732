// Chart open and search-as-you-type latency with 20,000 and 50,000 patients held in the chart state machine
// (issue 3 §6). Runs in Node (cli.ts) and, bundled, in a dedicated Worker of Chromium (chart-browser.ts): the
// caller hands in the clock and names the runtime, so nothing here needs Node. One clinic is built through
// `apply` like a device replaying its log: every patient registered with demographics, and a sample with five
// years of visits (vitals, notes, diagnoses, prescriptions and dispensing, labs). It is measured at each size
// on the way up.
//
// Search replays typing: every prefix of realistic names ("a", "am", ... "amina okello"), then typos (one
// slip in a name of four letters or more). The baseline in the same run is a linear scan over the same
// patients with pre-folded tokens and the same matching rules: what search costs without the index.
// Benchmarks measure; they never pass or fail on a time.
import { ChartStateMachine, nameTokens, searchResultsMax, withinOneEdit } from '../../../../leader-worker/src/chart/index.js';
import { SeededRandom } from '../../../../leader-worker/src/raft/seeded-random.js';
import { percentile } from '../../../../leader-worker/src/statistics/percentile.js';

export interface ChartBenchSetup {
  /** Sizes to measure at, ascending; the state grows from one to the next. */
  readonly patientCounts: readonly number[];
  /** One patient in this many gets a five-year history. */
  readonly historyEveryNthPatient: number;
  readonly historyYears: number;
  readonly visitsPerYear: number;
  /** Names typed, prefix by prefix, per size. */
  readonly typedNames: number;
  /** Misspelled names searched, per size. */
  readonly typos: number;
  /** Charts opened (patients with a history), per size. */
  readonly chartOpens: number;
  readonly measureSnapshot: boolean;
  /** The linear-scan baseline: most of the run's time at 50,000 patients. */
  readonly measureBaseline: boolean;
  readonly seed: number;
}

/** Where the bench runs: a monotonic clock in ms (performance.now) and a name for the report. */
export interface BenchRuntime {
  readonly name: string;
  now(): number;
}

export const defaultChartBenchSetup: ChartBenchSetup = {
  patientCounts: [20_000, 50_000],
  historyEveryNthPatient: 200,
  historyYears: 5,
  visitsPerYear: 12,
  typedNames: 200,
  typos: 400,
  chartOpens: 500,
  measureSnapshot: true,
  measureBaseline: true,
  seed: 1,
};

export interface LatencyFigures {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export interface ChartBenchSize {
  readonly patients: number;
  readonly logEntries: number;
  readonly buildMs: number;
  /** Records in one opened chart (visits, vitals, notes, diagnoses, prescriptions, labs, ...). */
  readonly recordsPerOpenedChart: number;
  readonly chartOpen: LatencyFigures;
  /** Chart open plus structuredClone of the result: what a copy to the page (comlink) adds. */
  readonly chartOpenCloned: LatencyFigures;
  /** Every keystroke of typed names, and typos: the indexed search. */
  readonly search: LatencyFigures;
  readonly searchTypos: LatencyFigures;
  /** The same queries by linear scan; null when not measured. */
  readonly baselineSearch: LatencyFigures | null;
  /** baseline p95 / indexed p95 over the same queries; null when the baseline was not measured. */
  readonly searchSpeedupP95: number | null;
  readonly snapshotBytes: number | null;
  readonly snapshotMs: number | null;
  readonly restoreMs: number | null;
}

export interface ChartBenchResult {
  readonly benchmark: 'chart';
  readonly runtime: string;
  /** The smallest step the runtime's clock shows (browsers coarsen it): latencies below it read as 0 or one step. */
  readonly clockGrainMs: number;
  readonly setup: ChartBenchSetup;
  readonly sizes: readonly ChartBenchSize[];
  /** At the largest size. */
  readonly chartOpenP95Ms: number;
  readonly searchP95Ms: number;
  readonly goalChartOpenP95Ms: 5;
  readonly goalSearchP95Ms: 16;
}

const givenNames = [
  'Amina', 'Grace', 'Mary', 'Fatuma', 'Joseph', 'John', 'Mohammed', 'Mohamed', 'Aisha', 'Esther', 'Moses', 'Peter',
  'Sarah', 'Ibrahim', 'Fatou', 'Aminata', 'Mariama', 'Ousmane', 'Abdoulaye', 'Ndèye', 'Awa', 'Khadija', 'Halima',
  'Zawadi', 'Baraka', 'Neema', 'Rehema', 'Juma', 'Hassan', 'Hussein', 'Ali', 'Omar', 'Yusuf', 'Ismail', 'Salma',
  'Wanjiru', 'Wambui', 'Njeri', 'Kamau', 'Otieno', 'Achieng', 'Akinyi', 'Auma', 'Chidi', 'Ngozi', 'Emeka', 'Chioma',
  'Oluwaseun', 'Adebayo', 'Folake', 'Kwame', 'Kofi', 'Ama', 'Akosua', 'Yaw', 'Abena', 'Tendai', 'Tatenda', 'Rudo',
  'Chipo', 'Thandiwe', 'Sipho', 'Lindiwe', 'Bongani', 'Nomvula', 'Themba', 'Lerato', 'Tsegaye', 'Almaz', 'Selam',
  'Dawit', 'Hirut', 'Mekdes', 'Abebe', 'Desta', 'Jean', 'Marie', 'Claudine', 'Innocent', 'Emmanuel', 'Patience',
  'Blessing', 'Precious', 'Gift', 'Faith', 'Hope', 'Joy', 'Agnes', 'Rose', 'Ruth', 'Naomi', 'Rebecca', 'Elizabeth',
  'Catherine', 'Margaret', 'Francis', 'Paul', 'James', 'David', 'Samuel', 'Daniel', 'Isaac', 'Jacob', 'Gabriel',
  'José', 'María', 'Zoë', 'Seán', 'Dembélé', 'Aïssatou', 'Mamadou', 'Boubacar', 'Souleymane', 'Adama', 'Kadiatou',
];
const familyNames = [
  'Okello', 'Ochieng', 'Odhiambo', 'Otieno', 'Mwangi', 'Kamau', 'Njoroge', 'Wanjiku', 'Kariuki', 'Mutua', 'Musyoka',
  'Banda', 'Phiri', 'Mwale', 'Tembo', 'Zulu', 'Dlamini', 'Nkosi', 'Ndlovu', 'Moyo', 'Sibanda', 'Ncube', 'Mensah',
  'Owusu', 'Boateng', 'Asante', 'Osei', 'Addo', 'Diallo', 'Diop', 'Ndiaye', 'Fall', 'Sow', 'Ba', 'Traoré', 'Keïta',
  'Coulibaly', 'Koné', 'Touré', 'Camara', 'Kamara', 'Sesay', 'Conteh', 'Bangura', 'Koroma', 'Jalloh', 'Bah',
  'Okafor', 'Okonkwo', 'Eze', 'Nwosu', 'Adeyemi', 'Ogunleye', 'Bello', 'Abubakar', 'Musa', 'Ibrahim', 'Yusuf',
  'Hassan', 'Mohamed', 'Ali', 'Abdi', 'Warsame', 'Tesfaye', 'Gebremedhin', 'Haile', 'Bekele', 'Alemu', 'Tadesse',
  'Girma', 'Mekonnen', 'Uwimana', 'Niyonzima', 'Habimana', 'Mukamana', 'Nshimiyimana', 'Mugisha', 'Nakato',
  'Namukasa', 'Ssempala', 'Kato', 'Wasswa', 'Mukasa', 'Lubega', 'Chanda', 'Mulenga', 'Bwalya', 'Mumba', "O'Brien",
  'Mbeki', 'Mokoena', 'Khumalo', 'Mahlangu', 'Shabalala', 'Nyirenda', 'Chirwa', 'Gondwe', 'Kumwenda', 'Mvula',
];
const villages = ['Kibuye', 'Nyakabanda', 'Gulu', 'Lira', 'Kisumu', 'Bondo', 'Siaya', 'Mzuzu', 'Karonga', 'Kita', 'Ségou'];

export function runChartBench(setup: ChartBenchSetup, log: (line: string) => void, runtime: BenchRuntime): ChartBenchResult {
  const random = new SeededRandom(setup.seed);
  const clinic = new ClinicBuilder(random.fork(), setup);
  const sizes: ChartBenchSize[] = [];
  for (const patients of setup.patientCounts) {
    const buildStarted = runtime.now();
    clinic.growTo(patients);
    const buildMs = runtime.now() - buildStarted;
    log(`built ${patients} patients (${clinic.logIndex} log entries) in ${Math.round(buildMs)} ms`);
    sizes.push(measureSize(clinic, setup, random.fork(), buildMs, log, runtime.now));
  }
  const largest = sizes[sizes.length - 1]!;
  return {
    benchmark: 'chart',
    runtime: runtime.name,
    clockGrainMs: Number(clockGrain(runtime.now).toPrecision(3)),
    setup,
    sizes,
    chartOpenP95Ms: largest.chartOpen.p95Ms,
    searchP95Ms: largest.search.p95Ms,
    goalChartOpenP95Ms: 5,
    goalSearchP95Ms: 16,
  };
}

/** Grows one clinic's state through `apply`, the way a device replays its log. */
class ClinicBuilder {
  readonly machine = new ChartStateMachine('clinic-bench');
  logIndex = 0;
  sequence = 0;
  readonly names: string[] = [];
  readonly patientsWithHistory: string[] = [];
  /** Pre-folded tokens per patient, for the linear-scan baseline. */
  readonly scanTokens: string[][] = [];
  private readonly now = 1_750_000_000_000;
  private idCounter = 0;

  constructor(private readonly random: SeededRandom, private readonly setup: ChartBenchSetup) {}

  growTo(patients: number): void {
    while (this.names.length < patients) {
      const ordinal = this.names.length;
      const patientId = this.register();
      if (ordinal % this.setup.historyEveryNthPatient === 0) {
        this.history(patientId);
        this.patientsWithHistory.push(patientId);
      }
    }
  }

  private apply(command: Record<string, unknown>, recordedAt: number): void {
    this.logIndex++;
    this.sequence++;
    const result = this.machine.apply(this.logIndex, {
      clientId: 'bench-import', sequence: this.sequence, recordedAt,
      author: { deviceId: 'bench', userName: 'Records clerk', role: 'registration' }, command,
    });
    if (result.type !== 'applied') throw new Error(`bench command not applied: ${JSON.stringify(result)} ${JSON.stringify(command)}`);
  }

  private id(): string {
    this.idCounter++;
    const hex = this.idCounter.toString(16).padStart(12, '0');
    return `5eed0000-0000-4000-8000-${hex}`;
  }

  /** Common names are much more common (squared uniform draw toward the head of the list). */
  private name(list: readonly string[]): string {
    const draw = this.random.nextFloat();
    return list[Math.floor(draw * draw * list.length)]!;
  }

  private register(): string {
    const patientId = this.id();
    const given = this.random.chance(0.15) ? `${this.name(givenNames)} ${this.name(givenNames)}` : this.name(givenNames);
    const family = this.name(familyNames);
    const phone = this.random.chance(0.7) ? `07${String(this.random.nextInt(100_000_000)).padStart(8, '0')}` : null;
    const birth = this.random.chance(0.3)
      ? { estimated: true, birthYear: 1940 + this.random.nextInt(80) }
      : { estimated: false, dateOfBirth: `${1940 + this.random.nextInt(80)}-${String(1 + this.random.nextInt(12)).padStart(2, '0')}-${String(1 + this.random.nextInt(28)).padStart(2, '0')}` };
    this.apply({
      type: 'registerPatient', patientId, name: { given, family }, sex: this.random.chance(0.55) ? 'female' : 'male', birth,
      identifiers: [{ system: 'clinic-number', value: `KB-${String(this.names.length + 1).padStart(6, '0')}` }],
      phone, address: { village: villages[this.random.nextInt(villages.length)]!, details: null },
      nextOfKin: this.random.chance(0.5) ? { name: `${this.name(givenNames)} ${family}`, relationship: 'parent', phone: null } : null,
    }, this.now - this.random.nextInt(365) * 86_400_000);
    this.names.push(`${given} ${family}`);
    this.scanTokens.push([...nameTokens(given), ...nameTokens(family)]);
    return patientId;
  }

  /** Five years of monthly-ish visits, each through the stations with vitals, a note, a diagnosis, a
   * prescription dispensed, and a lab order with its result on every other visit. */
  private history(patientId: string): void {
    const visits = this.setup.historyYears * this.setup.visitsPerYear;
    const spanMs = this.setup.historyYears * 365 * 86_400_000;
    for (let visit = 0; visit < visits; visit++) {
      let at = this.now - spanMs + Math.floor((visit / visits) * spanMs);
      const next = (): number => (at += 5 * 60_000);
      const visitId = this.id();
      this.apply({ type: 'openVisit', visitId, patientId, reason: 'follow-up' }, next());
      this.apply({ type: 'moveVisit', visitId, fromStation: 'registration', toStation: 'triage' }, next());
      this.apply({ type: 'recordVitals', vitalsId: this.id(), patientId, visitId, measurements: {
        systolicMmHg: 100 + this.random.nextInt(60), diastolicMmHg: 60 + this.random.nextInt(30), pulseBpm: 60 + this.random.nextInt(50),
        temperatureCelsius: 36 + this.random.nextInt(30) / 10, weightKg: 50 + this.random.nextInt(400) / 10, spo2Percent: 92 + this.random.nextInt(9),
      } }, next());
      this.apply({ type: 'moveVisit', visitId, fromStation: 'triage', toStation: 'clinician' }, next());
      this.apply({ type: 'addNote', noteId: this.id(), patientId, visitId, kind: 'clinical', text: 'Patient reviewed. Adherent to treatment, no new complaints. Plan: continue, review in one month.' }, next());
      this.apply({ type: 'addDiagnosis', diagnosisId: this.id(), patientId, visitId, code: ['I10', 'E11.9', 'B20', 'J06.9', 'B54'][visit % 5], text: 'Follow-up diagnosis', certainty: 'confirmed' }, next());
      if (visit % 2 === 0) {
        const labOrderId = this.id();
        this.apply({ type: 'orderLab', labOrderId, patientId, visitId, test: 'Haemoglobin', specimen: 'blood' }, next());
        this.apply({ type: 'recordLabResult', labResultId: this.id(), labOrderId, result: { kind: 'numeric', value: 9 + this.random.nextInt(60) / 10, unit: 'g/dL' }, interpretation: 'normal' }, next());
      }
      const prescriptionId = this.id();
      this.apply({ type: 'prescribe', prescriptionId, patientId, visitId, drug: 'Amlodipine 5 mg', dose: { amount: 5, unit: 'mg' }, route: 'oral', frequency: 'daily', durationDays: 30, instructions: null }, next());
      this.apply({ type: 'moveVisit', visitId, fromStation: 'clinician', toStation: 'pharmacy' }, next());
      this.apply({ type: 'dispense', dispenseId: this.id(), prescriptionId, quantity: { amount: 30, unit: 'tablets' } }, next());
      this.apply({ type: 'moveVisit', visitId, fromStation: 'pharmacy', toStation: 'done' }, next());
    }
  }
}

function measureSize(clinic: ClinicBuilder, setup: ChartBenchSetup, random: SeededRandom, buildMs: number, log: (line: string) => void, now: () => number): ChartBenchSize {
  const machine = clinic.machine;
  const typed = Array.from({ length: setup.typedNames }, () => clinic.names[random.nextInt(clinic.names.length)]!.toLowerCase());
  const keystrokes = typed.flatMap((name) => Array.from({ length: name.length }, (_, index) => name.slice(0, index + 1)).filter((query) => !query.endsWith(' ')));
  const typos = Array.from({ length: setup.typos }, () => misspell(clinic.names[random.nextInt(clinic.names.length)]!, random));

  // Warm up the JIT on both paths so the first samples are not compile time.
  for (const query of keystrokes.slice(0, 200)) {
    machine.searchPatients(query);
    if (setup.measureBaseline) linearScan(clinic.scanTokens, query);
  }
  const search = timeEach(now, keystrokes, (query) => machine.searchPatients(query));
  const searchTypos = timeEach(now, typos, (query) => machine.searchPatients(query));
  const baseline = setup.measureBaseline ? timeEach(now, [...keystrokes, ...typos], (query) => linearScan(clinic.scanTokens, query)) : null;
  const indexedAll = [...search.samples, ...searchTypos.samples];

  const opened = Array.from({ length: setup.chartOpens }, () => clinic.patientsWithHistory[random.nextInt(clinic.patientsWithHistory.length)]!);
  const chart = machine.openChart(opened[0]!)!;
  const recordsPerOpenedChart = chart.visits.length + chart.vitals.length + chart.notes.length + chart.diagnoses.length + chart.prescriptions.length
    + chart.prescriptions.reduce((sum, prescription) => sum + prescription.dispenses.length, 0) + chart.labOrders.length
    + chart.labOrders.reduce((sum, order) => sum + order.results.length, 0);
  for (const patientId of opened.slice(0, 50)) structuredClone(machine.openChart(patientId));
  const chartOpen = timeEach(now, opened, (patientId) => machine.openChart(patientId));
  const chartOpenCloned = timeEach(now, opened, (patientId) => structuredClone(machine.openChart(patientId)));

  let snapshotBytes: number | null = null;
  let snapshotMs: number | null = null;
  let restoreMs: number | null = null;
  if (setup.measureSnapshot) {
    const started = now();
    const bytes = machine.snapshot();
    snapshotMs = now() - started;
    snapshotBytes = bytes.byteLength;
    const restoreStarted = now();
    const restored = ChartStateMachine.restore(bytes);
    restoreMs = now() - restoreStarted;
    if (restored.type !== 'restored' || restored.machine.stateHash() !== machine.stateHash()) throw new Error('bench snapshot did not restore to the same state');
  }

  const indexedFigures = figures(indexedAll);
  const baselineFigures = baseline === null ? null : figures(baseline.samples);
  const size: ChartBenchSize = {
    patients: clinic.names.length,
    logEntries: clinic.logIndex,
    buildMs: round(buildMs),
    recordsPerOpenedChart,
    chartOpen: figures(chartOpen.samples),
    chartOpenCloned: figures(chartOpenCloned.samples),
    search: indexedFigures,
    searchTypos: figures(searchTypos.samples),
    baselineSearch: baselineFigures,
    searchSpeedupP95: baselineFigures === null ? null : round(baselineFigures.p95Ms / Math.max(indexedFigures.p95Ms, 0.001)),
    snapshotBytes,
    snapshotMs: snapshotMs === null ? null : round(snapshotMs),
    restoreMs: restoreMs === null ? null : round(restoreMs),
  };
  const baselineNote = baselineFigures === null ? '' : `; linear scan p95 ${baselineFigures.p95Ms} ms`;
  log(`${size.patients} patients: chart open p50 ${size.chartOpen.p50Ms} ms p95 ${size.chartOpen.p95Ms} ms; search p50 ${size.search.p50Ms} ms p95 ${size.search.p95Ms} ms${baselineNote}`);
  return size;
}

function timeEach<T>(now: () => number, inputs: readonly T[], run: (input: T) => unknown): { samples: number[] } {
  const samples: number[] = [];
  for (const input of inputs) {
    const started = now();
    run(input);
    samples.push(now() - started);
  }
  return { samples };
}

/** The smallest non-zero difference between consecutive clock readings, over a few tries. */
function clockGrain(now: () => number): number {
  const triesMax = 20;
  let grain = Number.POSITIVE_INFINITY;
  for (let tries = 0; tries < triesMax; tries++) {
    const first = now();
    let next = now();
    while (next === first) next = now();
    grain = Math.min(grain, next - first);
  }
  return grain;
}

function figures(samples: readonly number[]): LatencyFigures {
  return {
    samples: samples.length,
    p50Ms: round(percentile(samples, 0.5) ?? 0),
    p95Ms: round(percentile(samples, 0.95) ?? 0),
    maxMs: round(Math.max(0, ...samples)),
  };
}

function round(value: number): number {
  return Number(value.toFixed(4));
}

/** One slip in a word of four letters or more: swap, drop or change a letter. */
function misspell(name: string, random: SeededRandom): string {
  const words = name.toLowerCase().split(' ');
  const candidates = words.map((word, index) => [word, index] as const).filter(([word]) => word.length >= 5);
  if (candidates.length === 0) return name.toLowerCase();
  const [word, index] = candidates[random.nextInt(candidates.length)]!;
  const at = 1 + random.nextInt(word.length - 2);
  const slips = [
    word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2),
    word.slice(0, at) + word.slice(at + 1),
    word.slice(0, at) + 'x' + word.slice(at + 1),
  ];
  words[index] = slips[random.nextInt(slips.length)]!;
  return words.join(' ');
}

/** The baseline: every patient checked against every query word (prefix, or one edit for 4+ letters), results
 * ranked prefix-before-typo like the index, first searchResultsMax kept. */
function linearScan(tokensByPatient: readonly string[][], query: string): number[] {
  const queryTokens = [...new Set(nameTokens(query))];
  if (queryTokens.length === 0) return [];
  const exact: number[] = [];
  const fuzzy: number[] = [];
  tokensByPatient.forEach((tokens, index) => {
    let allPrefix = true;
    let allMatch = true;
    for (const queryToken of queryTokens) {
      const prefix = tokens.some((token) => token.startsWith(queryToken));
      if (!prefix) {
        allPrefix = false;
        if (!(queryToken.length >= 4 && tokens.some((token) => withinOneEdit(queryToken, token)))) {
          allMatch = false;
          break;
        }
      }
    }
    if (allPrefix) exact.push(index);
    else if (allMatch) fuzzy.push(index);
  });
  return [...exact, ...fuzzy].slice(0, searchResultsMax);
}
