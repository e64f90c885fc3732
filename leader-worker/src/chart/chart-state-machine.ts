// The chart state machine every device (and central) runs: committed log entries in, chart state out.
// Deterministic and pure: the same entries in the same order give the same state and the same hash, on any
// device; no clock, randomness or I/O. Mutable inside for speed at 50,000 patients; the records it hands out
// are frozen.
//
// apply(logIndex, entry) takes the entry as decoded off the wire (unknown), and:
//   1. reads the proposal's name (clientId, sequence); without one the entry is rejected;
//   2. answers a copy of an already applied proposal with `duplicate` and its first outcome;
//   3. validates the whole envelope and command; a problem is `rejected` with a typed error;
//   4. hands the command to its handler, which rejects (nothing changed), applies, or opens a conflict;
//   5. records the outcome for duplicate detection and, if accepted, chains the entry into the state hash.
import { assert } from '../invariants/assert.js';
import type { Station } from './commands.js';
import { canonicalJson } from './canonical-json.js';
import { openChart, openConflicts, searchPatients, stationQueue } from './chart-queries.js';
import { ChartStore } from './chart-store.js';
import { handleCommand } from './command-handlers.js';
import { DuplicateWindow } from './duplicate-window.js';
import { feedClientId } from './feed-envelopes.js';
import { identityPattern } from './field-validators.js';
import type { ApplyContext } from './handler-context.js';
import { checkStoreInvariants } from './invariants.js';
import { clientIdLengthMax } from './limits.js';
import type { ChartCounts, ConflictRecord, DayRange, DeviceRevocation, PatientChart, QueueEntry, SearchHit } from './records.js';
import type { AcceptedOutcome, ApplyResult, DecidedOutcome } from './results.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';
import { horizonCandidates, type HorizonCriteria } from './sync-horizon.js';
import { RunningDigest } from './state-hash.js';
import { validateEnvelope, validateIdentity, type ValidationLookups } from './validate-envelope.js';

export type RestoreResult =
  | { readonly type: 'restored'; readonly machine: ChartStateMachine }
  | { readonly type: 'invalid'; readonly reason: string };

export class ChartStateMachine {
  private store = new ChartStore();
  private duplicates = new DuplicateWindow();
  private digest = new RunningDigest();
  // Invariant: strictly increases with every apply; 0 before the first.
  private lastApplied = 0;
  // Invariant: the number of entries folded into `digest`.
  private acceptedEntries = 0;
  private readonly lookups: ValidationLookups = {
    conflictSubject: (conflictId) => this.store.conflicts.get(conflictId)?.subject ?? null,
  };

  /** `clinicId` prefixes every event id (`${clinicId}/${logIndex}`), making event ids unique across clinics. */
  constructor(readonly clinicId: string) {
    assert(clinicId.length > 0 && clinicId.length <= clientIdLengthMax && identityPattern.test(clinicId), 'a clinic id is a non-empty identity without / or :');
    this.digest.fold(canonicalJson({ clinicId }));
  }

  /** Applies the committed entry at `logIndex`. Never throws for bad input; throws only on a broken invariant. */
  /** `leaderTimeMs`: the clinic's time the entry was appended at (Entry.leaderTimeMs), when it has one. */
  apply(logIndex: number, entry: unknown, leaderTimeMs?: number): ApplyResult {
    assert(Number.isSafeInteger(logIndex) && logIndex > this.lastApplied, 'entries are applied once each, in increasing log order');
    this.lastApplied = logIndex;
    const identity = validateIdentity(entry);
    if (!identity.ok) return { type: 'rejected', error: identity.error };
    const { clientId, sequence } = identity.value;
    const seen = this.duplicates.check(clientId, sequence);
    if (seen.seen) return { type: 'duplicate', clientId, sequence, original: seen.original };
    assert(leaderTimeMs === undefined || (Number.isSafeInteger(leaderTimeMs) && leaderTimeMs >= 0), 'a leader time is whole ms since the epoch');
    const outcome = this.decide(logIndex, entry, leaderTimeMs);
    this.duplicates.record(clientId, sequence, outcome);
    return outcome;
  }

  /** Whether (clientId, sequence) was applied: a copy of it would come back 'duplicate'. */
  hasApplied(identity: { readonly clientId: string; readonly sequence: number }): boolean {
    return this.duplicates.check(identity.clientId, identity.sequence).seen;
  }

  private decide(logIndex: number, entry: unknown, leaderTimeMs: number | undefined): DecidedOutcome {
    const validated = validateEnvelope(entry, this.lookups);
    if (!validated.ok) return { type: 'rejected', error: validated.error };
    const envelope = validated.value;
    const eventId = `${this.clinicId}/${logIndex}`;
    const context: ApplyContext = {
      clinicId: this.clinicId,
      eventId,
      logIndex,
      clientId: envelope.clientId,
      sequence: envelope.sequence,
      recordedAt: envelope.recordedAt,
      author: envelope.author,
      stamp: `${envelope.clientId}:${envelope.sequence}`,
      leaderTimeMs: leaderTimeMs ?? null,
    };
    const handled = handleCommand(this.store, context, envelope.command);
    if (handled.type === 'rejected') return handled;
    const outcome: AcceptedOutcome = handled.type === 'applied'
      ? { type: 'applied', eventId }
      : { type: 'conflict', eventId, conflictId: handled.conflictId };
    this.acceptedEntries++;
    // The clinic's time is state (visits are filed by it), so it is hashed; entries without one hash as before.
    this.digest.fold(canonicalJson(leaderTimeMs === undefined ? { logIndex, envelope, outcome } : { logIndex, leaderTimeMs, envelope, outcome }));
    return outcome;
  }

  /** The log index of the last entry applied (0 before any). */
  lastAppliedIndex(): number {
    return this.lastApplied;
  }

  /**
   * 32 hex digits, equal on two machines iff they accepted the same entries at the same indexes for the same
   * clinic (see state-hash.ts). O(1): the chain is kept up to date by apply.
   */
  stateHash(): string {
    return this.digest.hex([this.acceptedEntries, this.store.patients.size, this.store.openConflictIds.size]);
  }

  counts(): ChartCounts {
    return { patients: this.store.patients.size, acceptedEntries: this.acceptedEntries, openConflicts: this.store.openConflictIds.size };
  }

  searchPatients(query: string, limit?: number): SearchHit[] {
    return searchPatients(this.store, query, limit);
  }

  openChart(patientId: string): PatientChart | null {
    return openChart(this.store, patientId);
  }

  stationQueue(station: Station, day: DayRange): QueueEntry[] {
    return stationQueue(this.store, station, day);
  }

  openConflicts(): ConflictRecord[] {
    return openConflicts(this.store);
  }

  conflict(conflictId: string): ConflictRecord | null {
    return this.store.conflicts.get(conflictId) ?? null;
  }

  /**
   * How far central holds this clinic's log, as last recorded in it: devices compact no further, and a new
   * leader's uplink knows where the last one stopped.
   */
  /** How far the clinic log decided central's feed: every item up to this sequence has applied or been refused. */
  feedDecidedThrough(): number {
    return this.duplicates.decidedThrough(feedClientId);
  }

  centralAcknowledgedIndex(): number {
    return this.store.centralAcknowledgedIndex;
  }

  /** Whether central revoked `deviceId` (as far as this log has applied): no device links with it. */
  isDeviceRevoked(deviceId: string): boolean {
    return this.store.revokedDevices.has(deviceId);
  }

  /** How many devices central revoked: grows by one with each revocation, so a watcher can tell cheaply. */
  revokedDeviceCount(): number {
    return this.store.revokedDevices.size;
  }

  /** Every device central revoked, in the order revoked. */
  revokedDevices(): readonly DeviceRevocation[] {
    return [...this.store.revokedDevices.values()];
  }

  /**
   * The patient whose chart holds `id`: a patient's own id, any record or nested record in the chart, or a
   * conflict about it; null for an id this clinic's record does not hold. Central uses it to tell whose chart
   * an entry changed when the command names only a record (a dispense names its prescription).
   */
  patientOf(id: string): string | null {
    return this.store.entities.get(id)?.patientId ?? this.store.conflicts.get(id)?.patientId ?? null;
  }

  /** The patients seen here recently or expected here soon (O(patients); central runs it for sync horizons). */
  horizonCandidates(criteria: HorizonCriteria): string[] {
    return horizonCandidates(this.store, criteria);
  }

  /** Asserts every index agrees with the records (O(state); for tests and the simulator). */
  checkInvariants(): void {
    checkStoreInvariants(this.store);
  }

  snapshot(): Uint8Array {
    return encodeSnapshot({
      clinicId: this.clinicId,
      lastAppliedIndex: this.lastApplied,
      acceptedEntries: this.acceptedEntries,
      centralAcknowledgedIndex: this.store.centralAcknowledgedIndex,
      digest: this.digest.lanesData(),
      duplicates: this.duplicates.toData(),
    }, this.store);
  }

  /** A machine indistinguishable from the one that took the snapshot: same queries, hash and duplicate detection. */
  static restore(bytes: Uint8Array): RestoreResult {
    const decoded = decodeSnapshot(bytes);
    if (!decoded.ok) return { type: 'invalid', reason: decoded.reason };
    const { header } = decoded;
    if (!identityPattern.test(header.clinicId)) return { type: 'invalid', reason: 'bad clinic id' };
    const machine = new ChartStateMachine(header.clinicId);
    machine.store = decoded.store;
    machine.store.centralAcknowledgedIndex = header.centralAcknowledgedIndex;
    machine.duplicates = DuplicateWindow.fromData(header.duplicates);
    machine.digest = new RunningDigest(header.digest);
    machine.lastApplied = header.lastAppliedIndex;
    machine.acceptedEntries = header.acceptedEntries;
    return { type: 'restored', machine };
  }
}
