// Search as you type: name prefixes (case- and accent-insensitive), one-edit typos, identifiers, phone
// suffixes; limited results; kept up to date by edits; checked against a linear-scan oracle.
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { searchResultsMax } from '../../src/chart/limits.js';
import { nameTokens, withinOneEdit } from '../../src/chart/text-folding.js';
import { ChartHarness, registerPatient, uuid } from './chart-harness.js';

const people: readonly [given: string, family: string, phone: string | null, identifier: string | null][] = [
  ['Amina', 'Okello', '+256 772 123456', 'CM-1234-5678'],
  ['Ndèye', 'Diop', null, null],
  ['Mohammed', 'Kamara', '0772 000111', null],
  ['Mohamed', 'Kamara', null, null],
  ['Muhammad', 'Sesay', null, 'ART/00042'],
  ["Seán", "O'Brien", null, null],
  ['Zoë', 'Müller', null, null],
  ['Anna', 'Ansah', null, null],
  ['José', 'García', null, null],
];

function clinic(): ChartHarness {
  const harness = new ChartHarness();
  people.forEach(([given, family, phone, identifier], index) => {
    harness.ok(registerPatient(uuid(1, index + 1), {
      name: { given, family },
      phone,
      identifiers: identifier === null ? [] : [{ system: 'clinic-number', value: identifier }],
      nextOfKin: index === 0 ? { name: 'Joseph Okello', relationship: 'husband', phone: '0701 654321' } : null,
    }));
  });
  return harness;
}

const names = (harness: ChartHarness, query: string, limit?: number): string[] =>
  harness.machine.searchPatients(query, limit).map((hit) => `${hit.name.given} ${hit.name.family}`);

describe('chart search', () => {
  const harness = clinic();

  it('finds by name prefix, in either order, across given and family names', () => {
    expect(names(harness, 'am')).toEqual(['Amina Okello']);
    expect(names(harness, 'oke')).toEqual(['Amina Okello']);
    expect(names(harness, 'amina ok')).toEqual(['Amina Okello']);
    expect(names(harness, 'okello am')).toEqual(['Amina Okello']);
    expect(names(harness, 'kamara').sort()).toEqual(['Mohamed Kamara', 'Mohammed Kamara']);
    expect(harness.machine.searchPatients('am')[0]!.matchedBy).toBe('name');
  });

  it('ignores case and accents', () => {
    expect(names(harness, 'NDEYE')).toEqual(['Ndèye Diop']);
    expect(names(harness, 'ndèye di')).toEqual(['Ndèye Diop']);
    expect(names(harness, 'muller zoe')).toEqual(['Zoë Müller']);
    expect(names(harness, 'garcia')).toEqual(['José García']);
    expect(names(harness, "o'brien")).toEqual(["Seán O'Brien"]);
    expect(names(harness, 'obri')).toEqual(["Seán O'Brien"]);
  });

  it('finds one-edit typos on words of four letters or more, after the exact matches', () => {
    expect(names(harness, 'okelo')).toEqual(['Amina Okello']); // deletion
    expect(names(harness, 'oklelo')).toEqual(['Amina Okello']); // transposition
    expect(names(harness, 'kamra')).toEqual(['Mohammed Kamara', 'Mohamed Kamara']);
    expect(names(harness, 'mohamad')).toEqual(['Mohamed Kamara']); // substitution
    expect(harness.machine.searchPatients('okelo')[0]!.matchedBy).toBe('name-fuzzy');
    expect(names(harness, 'mohamed')).toEqual(['Mohamed Kamara', 'Mohammed Kamara']); // exact first, then one insertion away
    expect(harness.machine.searchPatients('mohamed').map((hit) => hit.matchedBy)).toEqual(['name', 'name-fuzzy']);
    expect(names(harness, 'dip')).toEqual([]); // three letters: prefix only
  });

  it('finds an identifier typed with or without separators', () => {
    expect(names(harness, 'CM-1234-5678')).toEqual(['Amina Okello']);
    expect(names(harness, 'cm 1234 5678')).toEqual(['Amina Okello']);
    expect(names(harness, 'art00042')).toEqual(['Muhammad Sesay']);
    expect(harness.machine.searchPatients('cm12345678')[0]!.matchedBy).toBe('identifier');
  });

  it("finds a phone by its last digits, with or without country code, and the next of kin's phone", () => {
    expect(names(harness, '0772 123456')).toEqual(['Amina Okello']);
    expect(names(harness, '+256772123456')).toEqual(['Amina Okello']);
    expect(names(harness, '3456')).toEqual(['Amina Okello']);
    expect(names(harness, '654321')).toEqual(['Amina Okello']);
    expect(names(harness, '456')).toEqual([]); // fewer than four digits
    expect(harness.machine.searchPatients('123456')[0]!.matchedBy).toBe('phone');
  });

  it('returns nothing for an empty or punctuation-only query', () => {
    expect(names(harness, '')).toEqual([]);
    expect(names(harness, ' - ')).toEqual([]);
  });

  it('limits results to the requested count and never more than the maximum', () => {
    const crowded = new ChartHarness();
    for (let index = 1; index <= searchResultsMax + 15; index++) crowded.ok(registerPatient(uuid(1, index), { name: { given: `Wanjiru`, family: 'Kamau' } }));
    expect(crowded.machine.searchPatients('kamau').length).toBe(searchResultsMax);
    expect(crowded.machine.searchPatients('kamau', 5).length).toBe(5);
    expect(crowded.machine.searchPatients('kamau', 1000).length).toBe(searchResultsMax);
    expect(crowded.machine.searchPatients('kamau', 0).length).toBe(1);
  });

  it('follows name, phone and identifier edits', () => {
    const edited = clinic();
    const patientId = uuid(1, 1);
    const versions = edited.machine.openChart(patientId)!.patient.versions;
    edited.ok({ type: 'updatePatient', patientId, field: 'name', value: { given: 'Aisha', family: 'Odongo' }, baseVersion: versions.name });
    edited.ok({ type: 'updatePatient', patientId, field: 'phone', value: '0788 999888', baseVersion: versions.phone });
    edited.ok({ type: 'updatePatient', patientId, field: 'identifiers', value: [], baseVersion: versions.identifiers });
    expect(names(edited, 'amina')).toEqual([]);
    expect(names(edited, 'aisha od')).toEqual(['Aisha Odongo']);
    expect(names(edited, '123456')).toEqual([]);
    expect(names(edited, '999888')).toEqual(['Aisha Odongo']);
    expect(names(edited, 'CM-1234-5678')).toEqual([]);
    edited.machine.checkInvariants();
  });

  it('agrees with a linear-scan oracle on random clinics, queries and renames', () => {
    const given = ['Amina', 'Aminata', 'Fatou', 'Fatuma', 'Grace', 'Joseph', 'Josephine', 'Moses', 'Musa', 'Ndèye', 'Omar', 'Esther', 'Ali', 'Alice', 'Ibrahim'];
    const family = ['Okello', 'Okelo', 'Diop', 'Kamara', 'Kamau', 'Mensah', 'Banda', 'Phiri', 'Sesay', 'Müller', 'Ochieng', 'Odhiambo', 'Wanjiru'];
    let queriesWithHits = 0;
    for (const seed of [1, 2, 3]) {
      const random = new SeededRandom(seed);
      const pick = (list: readonly string[]): string => list[random.nextInt(list.length)]!;
      const randomClinic = new ChartHarness();
      const registered: { given: string; family: string }[] = [];
      for (let index = 0; index < 400; index++) {
        const name = { given: pick(given), family: random.chance(0.2) ? `${pick(family)}-${pick(family)}` : pick(family) };
        randomClinic.ok(registerPatient(uuid(1, index), { name }));
        registered.push(name);
      }
      for (let rename = 0; rename < 40; rename++) {
        const index = random.nextInt(registered.length);
        const name = { given: pick(given), family: pick(family) };
        const version = randomClinic.machine.openChart(uuid(1, index))!.patient.versions.name;
        randomClinic.ok({ type: 'updatePatient', patientId: uuid(1, index), field: 'name', value: name, baseVersion: version });
        registered[index] = name;
      }
      for (let query = 0; query < 300; query++) {
        const words = [pick(given), pick(family)].slice(0, 1 + random.nextInt(2)).map((word) => typo(word, random));
        const text = words.join(' ');
        const expected = oracle(registered, text);
        const hits = randomClinic.machine.searchPatients(text);
        if (hits.length > 0) queriesWithHits++;
        expect(hits.length).withContext(text).toBe(Math.min(searchResultsMax, expected.size));
        for (const hit of hits) expect(expected.has(hit.patientId)).withContext(`${text} -> ${hit.name.given} ${hit.name.family}`).toBeTrue();
      }
    }
    expect(queriesWithHits).toBeGreaterThan(600);
  });
});

/** A word as someone types it: cut short, or with one slip. */
function typo(word: string, random: SeededRandom): string {
  const roll = random.nextInt(4);
  if (roll === 0) return word.slice(0, 1 + random.nextInt(word.length));
  if (roll === 1 && word.length > 1) {
    const at = random.nextInt(word.length - 1);
    return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  }
  if (roll === 2) {
    const at = random.nextInt(word.length);
    return word.slice(0, at) + word.slice(at + 1);
  }
  return word;
}

/** Every patient whose name matches: each query word a prefix of a name word, or within one edit (>= 4 letters). */
function oracle(registered: readonly { given: string; family: string }[], text: string): Set<string> {
  const queryTokens = [...new Set(nameTokens(text))];
  const found = new Set<string>();
  if (queryTokens.length === 0) return found;
  registered.forEach((name, index) => {
    const tokens = [...nameTokens(name.given), ...nameTokens(name.family)];
    const matches = queryTokens.every((queryToken) => tokens.some((token) =>
      token.startsWith(queryToken) || (queryToken.length >= 4 && withinOneEdit(queryToken, token))));
    if (matches) found.add(uuid(1, index));
  });
  return found;
}
