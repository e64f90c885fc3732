// A clinic's log as its leader builds it, for specs that drive central over HTTP: its own writes (uploaded at
// once, the chart copy caught up), and feed items imported as they are.
import { encode } from '@msgpack/msgpack';
import type { FeedItemResponse } from '../../src/feed/dto/feed.responses.js';
import { caughtUpLog, commandEntries, uploadLog } from './log-upload.js';
import { call, type TestApp } from './test-app.js';

export interface TestClinic {
  readonly clinicId: string;
  readonly credential: string;
}

/** Clinical time of the first write when a spec does not set it: 2026-09-21. */
const firstRecordedAtMs = 1_790_000_000_000;

export class ClinicLog {
  private lastIndex = 0;
  private sequence = 0;

  constructor(readonly clinic: TestClinic, private readonly clientId: string) {}

  /** Writes the commands as this clinic's nurse; `recordedAtMs` sets their clinical time (a paper visit typed later). */
  write(api: TestApp, ...commands: Record<string, unknown>[]): Promise<void> {
    return this.writeAt(api, null, ...commands);
  }

  writeAt(api: TestApp, recordedAtMs: number | null, ...commands: Record<string, unknown>[]): Promise<void> {
    return this.append(api, commands.map((command) => ({
      clientId: this.clientId, sequence: ++this.sequence, recordedAt: recordedAtMs ?? firstRecordedAtMs + this.sequence,
      author: { deviceId: this.clientId, userName: 'Nurse Achieng', role: 'nurse' }, command,
    })));
  }

  import(api: TestApp, items: readonly FeedItemResponse[]): Promise<void> {
    return this.append(api, items.map((item) => item.payload as Record<string, unknown>));
  }

  private async append(api: TestApp, envelopes: readonly Record<string, unknown>[]): Promise<void> {
    if (envelopes.length === 0) return;
    const entries = commandEntries(this.lastIndex + 1, envelopes.map((envelope) => encode(envelope)));
    this.lastIndex += entries.length;
    const response = await uploadLog(api, this.clinic.clinicId, this.clinic.credential, { fromIndex: entries[0]!.index, entries });
    if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${JSON.stringify(response.body)}`);
    await caughtUpLog(api, this.clinic.clinicId);
  }
}

/** The clinic's whole feed (up to 500 items), read with its own credential. */
export async function feedOf(api: TestApp, clinic: TestClinic, afterSequence = 0): Promise<{ items: FeedItemResponse[]; horizon?: unknown }> {
  const response = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/feed?limit=500&afterSequence=${afterSequence}`, { token: clinic.credential });
  if (response.status !== 200) throw new Error(`feed answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { items: FeedItemResponse[]; horizon?: unknown };
}
