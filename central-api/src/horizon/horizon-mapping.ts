// Rows to the horizon routes' answers, field by field.
import type { HorizonResponse } from './dto/horizon.responses.js';
import type { HorizonSettings, StoredFill } from './horizon.repository.js';

export function toHorizonResponse(clinicId: string, horizon: HorizonSettings & { readonly revision: number }, fill: StoredFill | undefined): HorizonResponse {
  return {
    clinicId,
    revision: horizon.revision,
    fromClinicIds: [...horizon.fromClinicIds],
    registeredThere: horizon.registeredThere,
    seenWithinDays: horizon.seenWithinDays,
    appointmentsWithinDays: horizon.appointmentsWithinDays,
    years: { encounters: horizon.years.encounters, labs: horizon.years.labs, prescriptions: horizon.years.prescriptions },
    download: fill === undefined ? null : {
      revision: fill.revision,
      patientsTotal: fill.patientsTotal,
      patientsQueued: fill.patientsQueued,
      startedAt: fill.startedAt.toISOString(),
      finishedAt: fill.finishedAt?.toISOString() ?? null,
    },
  };
}
