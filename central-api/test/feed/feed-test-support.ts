// Valid producer bodies for the feed specs.
import { randomUUID } from 'node:crypto';

export function labResultBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    labResultId: randomUUID(),
    labOrderId: randomUUID(),
    result: { kind: 'numeric', value: 11.2, unit: 'g/dL' },
    interpretation: 'normal',
    laboratory: 'Kabale Regional Laboratory',
    ...overrides,
  };
}

export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    patientId: randomUUID(),
    name: { given: 'Amina', family: 'Nakato' },
    sex: 'female',
    birth: { estimated: false, dateOfBirth: '1990-04-12' },
    identifiers: [{ system: 'national-id', value: 'CM90012345' }],
    registeredBy: 'Central records office',
    ...overrides,
  };
}
