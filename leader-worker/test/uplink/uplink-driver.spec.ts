// The uplink driver between a node and central: what it reads, sends and proposes, and when it wakes, with a
// node view and a central that answer as scripted and a clock the spec moves.
import type { Scheduler } from '../../src/node/scheduler.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { Entry, Role } from '../../src/raft/types.js';
import { UploadOnlyCentral } from './upload-only-central.js';
import type { UploadLogBody } from '../../src/uplink/central-protocol.js';
import type { CentralAnswer } from '../../src/uplink/uplink-decisions.js';
import { Uplink, type UplinkNodeView } from '../../src/uplink/uplink-driver.js';
import { clinicLog } from './central-client-contract.js';

/** A scheduler whose time the spec moves. */
class ManualClock implements Scheduler {
  now = 0;
  private timers: { atMs: number; callback: () => void }[] = [];
  nowMs(): number {
    return this.now;
  }
  every(): () => void {
    throw new Error('the uplink sets no interval');
  }
  after(delayMs: number, callback: () => void): () => void {
    const timer = { atMs: this.now + delayMs, callback };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((other) => other !== timer));
  }
  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((timer) => timer.atMs <= this.now);
    this.timers = this.timers.filter((timer) => timer.atMs > this.now);
    for (const timer of due) timer.callback();
  }
}

class FakeNode implements UplinkNodeView {
  role: Role = 'follower';
  term = 1;
  log: Entry[] = clinicLog(1, 120);
  commitIndex = 120;
  compactedThrough = 0;
  recorded = 0;
  readonly proposed: number[] = [];
  private listener: () => void = () => undefined;

  status() {
    return { role: this.role, term: this.term, commitIndex: this.commitIndex };
  }
  recordedAcknowledgedIndex(): number {
    return this.recorded;
  }
  onChange(listener: () => void): () => void {
    this.listener = listener;
    return () => (this.listener = () => undefined);
  }
  committedEntries(fromIndex: number, countMax: number): readonly Entry[] | 'compacted' {
    if (fromIndex <= this.compactedThrough) return 'compacted';
    return this.log.filter((entry) => entry.index >= fromIndex && entry.index <= this.commitIndex).slice(0, countMax);
  }
  proposeAcknowledgement(acknowledgedIndex: number): Promise<boolean> {
    this.proposed.push(acknowledgedIndex);
    return Promise.resolve(true);
  }
  changed(): void {
    this.listener();
  }
}

/** Central as scripted: each call takes the next answer (or acknowledges what it was sent). */
class ScriptedCentral extends UploadOnlyCentral {
  readonly uploads: UploadLogBody[] = [];
  acknowledgementAsks = 0;
  held = 0;
  readonly script: CentralAnswer[] = [];

  acknowledgedIndex(): Promise<CentralAnswer> {
    this.acknowledgementAsks++;
    return Promise.resolve(this.script.shift() ?? { type: 'acknowledged', acknowledgedIndex: this.held });
  }
  upload(body: UploadLogBody): Promise<CentralAnswer> {
    this.uploads.push(body);
    const scripted = this.script.shift();
    if (scripted !== undefined) return Promise.resolve(scripted);
    this.held = Math.max(this.held, body.fromIndex + body.entries.length - 1);
    return Promise.resolve({ type: 'acknowledged', acknowledgedIndex: this.held });
  }}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await Promise.resolve();
}

describe('the uplink driver', () => {
  let clock: ManualClock;
  let node: FakeNode;
  let central: ScriptedCentral;
  let uplink: Uplink;

  beforeEach(() => {
    clock = new ManualClock();
    node = new FakeNode();
    central = new ScriptedCentral();
    uplink = new Uplink(node, central, clock, new SeededRandom(5), {
      backoff: { firstDelayMs: 1_000, delayMsMax: 8_000, multiplier: 2 },
      acknowledgementRecordEntries: 50,
      lingerMs: 0,
      lingerEntriesMax: 1,
    });
    uplink.start();
  });

  afterEach(() => uplink.stop());

  it('does nothing on a follower; once leading, uploads every committed entry in order and records the acknowledgement', async () => {
    await settle();
    expect(central.acknowledgementAsks + central.uploads.length).toBe(0);
    node.role = 'leader';
    node.term = 2;
    node.changed();
    await settle();
    expect(central.acknowledgementAsks).toBe(1);
    expect(central.uploads.map((body) => body.fromIndex)).toEqual([1]);
    expect(central.held).toBe(120);
    expect(node.proposed).toEqual([120]);
    expect(uplink.status()).toEqual({ notUploaded: 0, refusal: null, stuck: null, clock: null });
  });

  it('resumes after central comes back, from the acknowledgement, with nothing stored twice', async () => {
    central.held = 30;
    central.script.push({ type: 'acknowledged', acknowledgedIndex: 30 }, { type: 'unavailable' }, { type: 'unavailable' });
    node.role = 'leader';
    node.changed();
    await settle();
    expect(central.uploads.map((body) => body.fromIndex)).toEqual([31]);
    expect(uplink.status().notUploaded).toBe(90);
    clock.advance(1_000);
    await settle();
    expect(central.uploads.map((body) => body.fromIndex)).toEqual([31, 31]);
    clock.advance(2_000);
    await settle();
    expect(central.uploads.map((body) => body.fromIndex)).toEqual([31, 31, 31]);
    expect(central.held).toBe(120);
    expect(uplink.status().notUploaded).toBe(0);
  });

  it('uploads what commits later as it commits, and a new term asks central again', async () => {
    node.role = 'leader';
    node.commitIndex = 60;
    node.changed();
    await settle();
    expect(central.held).toBe(60);
    node.commitIndex = 80;
    node.changed();
    await settle();
    expect(central.uploads.map((body) => [body.fromIndex, body.entries.length])).toEqual([[1, 60], [61, 20]]);
    node.term = 3;
    node.changed();
    await settle();
    expect(central.acknowledgementAsks).toBe(2);
  });

  it('stops and says why when the log no longer holds what central needs', async () => {
    node.compactedThrough = 10;
    node.role = 'leader';
    node.changed();
    await settle();
    expect(central.uploads).toEqual([]);
    expect(uplink.status().stuck).toMatch(/compacted past entry 1/);
  });

  it('ignores everything once stopped', async () => {
    uplink.stop();
    node.role = 'leader';
    node.changed();
    clock.advance(60_000);
    await settle();
    expect(central.acknowledgementAsks + central.uploads.length).toBe(0);
  });
});
