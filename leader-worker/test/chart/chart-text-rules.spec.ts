// What text a chart may hold: notes keep their tabs and line breaks (as typed on any keyboard), one-line fields
// refuse them; no field holds control characters or broken UTF-16 (it would hash like another text), while
// any well-formed character, emoji included, is kept.
import { ChartHarness, ids, registerPatient } from './chart-harness.js';

function note(text: string): string {
  const harness = new ChartHarness();
  harness.ok(registerPatient());
  const result = harness.propose({ type: 'addNote', noteId: ids.note, patientId: ids.patient, kind: 'nursing', text });
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

function name(given: string): string {
  const result = new ChartHarness().propose(registerPatient(ids.patient, { name: { given, family: 'Okello' } }));
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

describe('chart text rules', () => {
  it('keeps tabs, line feeds and carriage returns inside a note', () => {
    expect(note('Temp\t38.1\r\nGiven paracetamol\rReview')).toBe('applied');
    expect(note('ok\u007f')).toBe('invalid-value command.text');
    expect(note('ok\u001b[0m')).toBe('invalid-value command.text');
  });

  it('refuses tabs and line breaks in a one-line field', () => {
    for (const given of ['Am\tina', 'Am\nina', 'Am\rina', 'Am\u007fina']) expect(name(given)).withContext(JSON.stringify(given)).toBe('invalid-value command.name.given');
  });

  it('keeps emoji and other characters outside the basic plane, refuses a lone half of one', () => {
    expect(note('Feeling 👍 today')).toBe('applied');
    expect(name('𐐷ara')).toBe('applied');
    expect(name('Amina\ud83d')).toBe('invalid-value command.name.given');
    expect(name('Am\udc4dina')).toBe('invalid-value command.name.given');
    expect(name('\ud83d\ud83d\udc4d')).toBe('invalid-value command.name.given');
  });

  it('stores a numeric lab result of minus zero as zero, so every device encodes it alike', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'orderLab', labOrderId: ids.labOrder, patientId: ids.patient, test: 'Base excess' });
    harness.ok({ type: 'recordLabResult', labResultId: ids.labResult, labOrderId: ids.labOrder, result: { kind: 'numeric', value: -0, unit: 'mmol/L' } });
    const result = harness.machine.openChart(ids.patient)!.labOrders[0]!.results[0]!.result;
    expect(result.kind === 'numeric' && Object.is(result.value, 0)).toBeTrue();
  });
});
