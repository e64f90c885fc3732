// What the uplink asks of central, whatever carries it: HTTP in the Worker (http-central-client.ts), the
// simulator's fake on its virtual clock. One contract suite runs against both (central-api/test/uplink/ against
// the real API; the simulator's with its fake), so the fake cannot answer what the real API never would.
import type { CentralAnswer } from './uplink-decisions.js';
import type { UploadLogBody } from './central-protocol.js';

export interface CentralClient {
  /** How far central holds the clinic's log: 'acknowledged', 'unavailable' or 'refused'; never rejects. */
  acknowledgedIndex(): Promise<CentralAnswer>;
  /** Uploads committed entries: 'acknowledged', 'gap', 'unavailable' or 'refused'; never rejects. */
  upload(body: UploadLogBody): Promise<CentralAnswer>;
}
