// The simulator's central and its CentralClient against the one contract every CentralClient passes (the real
// API's HTTP client runs it in central-api/test/uplink/): the fake answers only what the real API would. The
// contract runs on real timers and promises, so here the link is instant and central's clock is the wall clock.
import { describeCentralClientContract } from '../../leader-worker/test/uplink/central-client-contract.js';
import { InstantLink } from '../src/clinics-central/cellular-link.js';
import type { CentralTimer } from '../src/clinics-central/central/central-timer.js';
import { SimulatedCentral } from '../src/clinics-central/central/simulated-central.js';
import { SimulatedCentralClient } from '../src/clinics-central/simulated-central-client.js';

/** Real time, for the contract only: its long-polls wait on real timers. A run never uses this. */
const wallClockTimer: CentralTimer = {
  nowMs: () => Date.now(),
  after: (delayMs, callback) => {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};

describeCentralClientContract('the simulator\'s central', async () => {
  const central = new SimulatedCentral(wallClockTimer);
  const clinic = central.addClinic('kibuye-hc', 'lease');
  const other = central.addClinic('rubanda-hc', 'lease');
  const link = new InstantLink();
  const clientOf = (clinicId: string, credential: string, through = new InstantLink()) =>
    new SimulatedCentralClient({ central, clinicId, credential, link: through, timer: wallClockTimer, deliver: (answer) => answer() });
  let registrations = 0;
  return {
    client: clientOf(clinic.clinicId, clinic.credential, link),
    impostor: clientOf(clinic.clinicId, `${clinic.credential}x`),
    otherClinic: { clinicId: other.clinicId, client: clientOf(other.clinicId, other.credential) },
    appendRegistration: async (family) => {
      registrations++;
      const outcome = central.appendRegistration(clinic.clinicId, {
        patientId: `5eed0000-0000-4000-8000-${registrations.toString(16).padStart(12, '0')}`,
        name: { given: 'Amina', family }, sex: 'female', birth: { estimated: false, dateOfBirth: '1990-04-12' }, registeredBy: 'Central records office',
      });
      if (outcome.kind !== 'appended') throw new Error(`central refused a registration: ${outcome.kind}`);
    },
    cutLink: async () => link.cut(),
    close: async () => undefined,
  };
});
