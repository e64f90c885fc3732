// Every migration, oldest first. A new one is a new file here with a larger timestamp; none is ever edited.
import { ClinicsAndDevices1764028800000 } from './1764028800000-clinics-and-devices.js';
import { AdminCredential1764028800001 } from './1764028800001-admin-credential.js';
import { LogIngest1790000001000 } from './1790000001000-log-ingest.js';
import { ChartCopies1790000001001 } from './1790000001001-chart-copies.js';
import { ChartLeases1790000002000 } from './1790000002000-chart-leases.js';
import { DownstreamFeed1790000002001 } from './1790000002001-downstream-feed.js';
import { SignalingSecret1790000002002 } from './1790000002002-signaling-secret.js';
import { LeaseFencingConflicts1790000003500 } from './1790000003500-lease-fencing-conflicts.js';
import { PatientHorizons1790000004000 } from './1790000004000-patient-horizons.js';
import { PatientWrites1790000004001 } from './1790000004001-patient-writes.js';
import { OpsResolutions1790000004002 } from './1790000004002-ops-resolutions.js';
import { LeaderClock1790000005000 } from './1790000005000-leader-clock.js';
import { SyncHorizons1790000006000 } from './1790000006000-sync-horizons.js';
import { DeviceEnrollment1790000007000 } from './1790000007000-device-enrollment.js';
import { DeviceRevocation1790000008000 } from './1790000008000-device-revocation.js';

export const migrations = [
  ClinicsAndDevices1764028800000, AdminCredential1764028800001, LogIngest1790000001000, ChartCopies1790000001001, ChartLeases1790000002000,
  DownstreamFeed1790000002001, SignalingSecret1790000002002, LeaseFencingConflicts1790000003500, PatientHorizons1790000004000,
  PatientWrites1790000004001, OpsResolutions1790000004002, LeaderClock1790000005000, SyncHorizons1790000006000,
  DeviceEnrollment1790000007000, DeviceRevocation1790000008000,
];
