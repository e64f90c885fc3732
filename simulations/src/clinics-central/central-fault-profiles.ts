// The cellular link's faults per profile, beside the clinic's own (clinic-day/fault-profiles.ts): outages of
// the operator or the VPN from seconds to hours, central's peak hour (the seed's 11 am: requests several times
// slower), and the latency of a 3G/4G link. The router going down (a clinic fault) cuts the link too.
import type { DurationRange } from '../raft/fault-profiles.js';
import type { CellularLinkConditions } from './cellular-link.js';

export interface CentralLinkFaultProfile {
  readonly name: string;
  /** Rolled once per decision interval per clinic while the doors are open. */
  readonly outageProbability: number;
  /** Most outages are short; `longOutageProbability` of them last `longOutageDuration` instead. */
  readonly outageDuration: DurationRange;
  readonly longOutageProbability: number;
  readonly longOutageDuration: DurationRange;
  readonly decisionIntervalMs: number;
  readonly link: CellularLinkConditions;
}

const seconds = (minSeconds: number, maxSeconds: number): DurationRange => ({ minMs: minSeconds * 1_000, maxMs: maxSeconds * 1_000 });
const minutes = (minMinutes: number, maxMinutes: number): DurationRange => seconds(minMinutes * 60, maxMinutes * 60);

/** A 3G/4G link's one-way latency. */
const cellularLatency = { minMs: 60, maxMs: 400 };
/** The peak hour inside a compressed session: from minute 2 to minute 4 of the doors open, requests 6 times slower. */
const peakHour = { startMs: 2 * 60_000, endMs: 4 * 60_000, factor: 6 };

export const centralLinkFaultProfiles: readonly CentralLinkFaultProfile[] = [
  {
    name: 'none', outageProbability: 0, outageDuration: seconds(0, 0), longOutageProbability: 0, longOutageDuration: seconds(0, 0),
    decisionIntervalMs: 5_000, link: { latency: cellularLatency, peak: null },
  },
  {
    name: 'light', outageProbability: 0.02, outageDuration: seconds(3, 90), longOutageProbability: 0.1, longOutageDuration: minutes(3, 10),
    decisionIntervalMs: 5_000, link: { latency: cellularLatency, peak: peakHour },
  },
  {
    name: 'heavy', outageProbability: 0.05, outageDuration: seconds(2, 180), longOutageProbability: 0.2, longOutageDuration: minutes(10, 90),
    decisionIntervalMs: 5_000, link: { latency: cellularLatency, peak: peakHour },
  },
];

export function findCentralLinkFaultProfile(name: string): CentralLinkFaultProfile | undefined {
  return centralLinkFaultProfiles.find((profile) => profile.name === name);
}
