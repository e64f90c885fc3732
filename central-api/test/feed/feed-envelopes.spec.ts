// The envelopes central feeds to clinics pass the clinics' own validator, or are refused with its reason.
import { exportSubjectId } from '../../src/feed/chart-change-export.js';
import { labResultEnvelope, registrationEnvelope } from '../../../leader-worker/src/chart/index.js';
import type { LabResultRequest } from '../../src/feed/dto/lab-result.request.js';
import type { RegistrationRequest } from '../../src/feed/dto/registration.request.js';
import { labResultBody, registrationBody } from './feed-test-support.js';

const recordedAtMs = Date.parse('2026-11-24T10:00:00Z');

describe('feed envelopes', () => {
  it('wrap a lab result with the feed\'s client id, the item\'s sequence and the database time', () => {
    const request = labResultBody({ interpretation: undefined }) as unknown as LabResultRequest;
    const built = labResultEnvelope(request)(7, recordedAtMs);
    expect(built).toEqual({
      ok: true,
      value: {
        clientId: 'central-feed',
        sequence: 7,
        recordedAt: recordedAtMs,
        author: { deviceId: 'central', userName: request.laboratory, role: 'laboratory' },
        command: { type: 'recordLabResult', labResultId: request.labResultId, labOrderId: request.labOrderId, result: { kind: 'numeric', value: 11.2, unit: 'g/dL' }, interpretation: null },
      },
    });
  });

  it('refuse what a clinic device would refuse, naming the field', () => {
    const request = labResultBody({ result: { kind: 'numeric', value: Number.POSITIVE_INFINITY, unit: 'g/dL' } }) as unknown as LabResultRequest;
    const built = labResultEnvelope(request)(1, recordedAtMs);
    expect(built.ok).toBeFalse();
    expect(built.ok ? undefined : built.error.field).toMatch(/^command\.result/);
  });

  it('judge dates against the envelope time: a birth after it (beyond a day of slack) is refused', () => {
    const request = registrationBody({ birth: { estimated: false, dateOfBirth: '2026-11-26' } }) as unknown as RegistrationRequest;
    expect(registrationEnvelope(request)(1, recordedAtMs).ok).toBeFalse();
    expect(registrationEnvelope(request)(1, Date.parse('2026-11-25T00:00:00Z')).ok).toBeTrue();
  });
});

describe('exportSubjectId', () => {
  it('names one exported entry by a well-formed UUID, the same every time, different for another entry', () => {
    const clinicId = '7e513c86-7e98-4545-baed-04175d6dfd45';
    const subject = exportSubjectId(clinicId, 42);
    expect(subject).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(exportSubjectId(clinicId, 42)).toBe(subject);
    expect(exportSubjectId(clinicId, 43)).not.toBe(subject);
    expect(exportSubjectId('0b4f1a8e-2c1d-4e7f-9a3b-5c6d7e8f9a0b', 42)).not.toBe(subject);
  });
});
