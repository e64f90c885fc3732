// A name is found however it is typed on a tablet keyboard without the letter: each letter that does not
// decompose into a base letter and an accent is folded to what people type instead.
import { ChartHarness, registerPatient, uuid } from './chart-harness.js';

const typedAs: readonly [written: string, typed: string][] = [
  ['Straße', 'strasse'], ['Æsa', 'aesa'], ['Œdipe', 'oedipe'], ['Søren', 'soren'], ['Đorđe', 'dorde'], ['Guðrun', 'gudrun'],
  ['Łukasz', 'lukasz'], ['Þóra', 'thora'], ['Yıldız', 'yildiz'], ['Ħamrun', 'hamrun'], ['Ŧeja', 'teja'],
];

describe('chart letter folding in search', () => {
  const harness = new ChartHarness();
  typedAs.forEach(([written], index) => harness.ok(registerPatient(uuid(1, index + 1), { name: { given: written, family: 'Banda' }, identifiers: [] })));

  for (const [written, typed] of typedAs) {
    it(`finds ${written} typed as '${typed}'`, () => {
      // Found by name, not as a typo: the folded letter is the one people type.
      expect(harness.machine.searchPatients(`${typed} banda`).map((hit) => [hit.name.given, hit.matchedBy])).toEqual([[written, 'name']]);
    });
  }
});
