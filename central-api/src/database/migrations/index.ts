// Every migration, oldest first. A new one is a new file here with a larger timestamp; none is ever edited.
import { ClinicsAndDevices1764028800000 } from './1764028800000-clinics-and-devices.js';
import { AdminCredential1764028800001 } from './1764028800001-admin-credential.js';

export const migrations = [ClinicsAndDevices1764028800000, AdminCredential1764028800001];
