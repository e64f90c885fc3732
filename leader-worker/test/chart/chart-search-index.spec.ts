// The patient search index (search-index.ts) on its own, at the edges the chart-level search suites leave
// open: dense ordinals, keys that fold to nothing, the result limit, the shortest phone suffix, the shortest
// fuzzy token and the shortest token a fuzzy query finds, and re-indexing a patient under new keys.
import { PatientSearchIndex, type SearchableFields } from '../../src/chart/search-index.js';

const fields = (names: string[], identifiers: string[] = [], phones: string[] = []): SearchableFields => ({ names, identifiers, phones });

function indexOf(...patients: SearchableFields[]): PatientSearchIndex {
  const index = new PatientSearchIndex();
  patients.forEach((patient, ordinal) => index.set(ordinal, patient));
  return index;
}

const found = (index: PatientSearchIndex, query: string, limit = 10): string[] =>
  index.search(query, limit).map(({ ordinal, matchedBy }) => `${ordinal}:${matchedBy}`);

describe('chart search index', () => {
  it('takes ordinals densely, from 0, and refuses a gap, a negative or a fractional one', () => {
    const index = new PatientSearchIndex();
    expect(() => index.set(1, fields(['Amina']))).toThrow();
    expect(() => index.set(-1, fields(['Amina']))).toThrow();
    expect(() => index.set(0.5, fields(['Amina']))).toThrow();
    index.set(0, fields(['Amina']));
    index.set(1, fields(['Peter']));
    index.set(0, fields(['Grace']));
    expect(found(index, 'grace')).toEqual(['0:name']);
    expect(found(index, 'peter')).toEqual(['1:name']);
  });

  it('indexes no identifier or phone that folds to nothing', () => {
    const index = indexOf(fields(['Amina'], ['-', ' / '], ['000', '+()']));
    for (const query of ['', '-', '.', ' ', '/', '0000', '+']) expect(found(index, query)).withContext(query).toEqual([]);
  });

  it('stops at the limit, whatever found the patients', () => {
    const index = indexOf(fields(['Amina'], ['CM-1'], ['0772 123456']), fields(['Amina'], ['CM-1'], ['0772 123456']), fields(['Amina']));
    expect(found(index, 'cm1', 1)).toEqual(['0:identifier']);
    expect(found(index, 'cm1', 2)).toEqual(['0:identifier', '1:identifier']);
    expect(found(index, '123456', 1)).toEqual(['0:phone']);
    expect(found(index, '123456', 2)).toEqual(['0:phone', '1:phone']);
    expect(found(index, 'amina', 2)).toEqual(['0:name', '1:name']);
    expect(found(index, 'amina', 3)).toEqual(['0:name', '1:name', '2:name']);
    expect(found(index, 'amnia', 2)).toEqual(['0:name-fuzzy', '1:name-fuzzy']);
  });

  it('lists a patient once, under the first way it was found', () => {
    const index = indexOf(fields(['Cm1 Okello'], ['CM-1']));
    expect(found(index, 'cm1')).toEqual(['0:identifier']);
  });

  it('searches phones from the fourth digit on, by suffix only', () => {
    const index = indexOf(fields(['A'], [], ['0772 123456']), fields(['B'], [], ['0772 993456']), fields(['C'], [], ['0772 123457']));
    expect(found(index, '456')).toEqual([]);
    expect(found(index, '3456')).toEqual(['0:phone', '1:phone']);
    expect(found(index, '23456')).toEqual(['0:phone']);
    expect(found(index, '(0772) 123-456')).toEqual(['0:phone']);
    expect(found(index, '1234')).toEqual([]);
  });

  it('orders patients sharing a phone by ordinal, however they were indexed', () => {
    const index = indexOf(fields(['A'], [], ['0772 111111']), fields(['B'], [], ['0772 222222']), fields(['C'], [], ['0772 333333']));
    index.set(2, fields(['C'], [], ['0772 111111']));
    index.set(1, fields(['B'], [], ['0772 111111']));
    expect(found(index, '111111')).toEqual(['0:phone', '1:phone', '2:phone']);
    index.set(0, fields(['A'], [], ['0772 222222']));
    expect(found(index, '111111')).toEqual(['1:phone', '2:phone']);
    expect(found(index, '222222')).toEqual(['0:phone']);
    expect(found(index, '333333')).toEqual([]);
  });

  it('matches by one edit from a query word of four letters, not three', () => {
    const index = indexOf(fields(['Amina Okello']));
    expect(found(index, 'amna')).toEqual(['0:name-fuzzy']);
    expect(found(index, 'amn')).toEqual([]);
    expect(found(index, 'okelo amna')).toEqual(['0:name-fuzzy']);
    expect(found(index, 'okel amn')).toEqual([]);
  });

  it('finds a three-letter name one letter away from a four-letter query word, and no shorter one', () => {
    const index = indexOf(fields(['Ann']), fields(['An']), fields(['Anna']));
    expect(found(index, 'anne')).toEqual(['0:name-fuzzy', '2:name-fuzzy']);
    expect(found(index, 'anja')).toEqual(['2:name-fuzzy']);
  });

  it('forgets the keys a patient no longer has, and keeps the ones other patients share', () => {
    const index = indexOf(fields(['Amina Okello'], ['CM-1'], ['0772 123456']), fields(['Amina Banda'], ['CM-1'], ['0772 123456']));
    index.set(0, fields(['Grace Okello'], ['CM-2'], ['0700 654321']));
    expect(found(index, 'amina')).toEqual(['1:name']);
    expect(found(index, 'okello')).toEqual(['0:name']);
    expect(found(index, 'cm1')).toEqual(['1:identifier']);
    expect(found(index, 'cm2')).toEqual(['0:identifier']);
    expect(found(index, '123456')).toEqual(['1:phone']);
    expect(found(index, '654321')).toEqual(['0:phone']);
    expect(found(index, 'amnia')).toEqual(['1:name-fuzzy']);
    index.set(1, fields(['Ruth']));
    for (const query of ['amina', 'amnia', 'banda', 'cm1', '123456']) expect(found(index, query)).withContext(query).toEqual([]);
    expect(found(index, 'ruht')).toEqual(['1:name-fuzzy']);
  });
});

describe('chart search index phone queries', () => {
  it('searches phones only for a query of digits and phone punctuation, not digits beside a name', () => {
    const index = indexOf(fields(['Amina'], [], ['0772 123456']));
    expect(found(index, '123456')).toEqual(['0:phone']);
    expect(found(index, 'amina 123456')).toEqual([]);
    expect(found(index, '123456 amina')).toEqual([]);
  });

  it('drops only the leading trunk zeros, so a suffix with zeros inside still finds the phone', () => {
    const index = indexOf(fields(['A'], [], ['0772 100234']), fields(['B'], [], ['+256 772 123456']));
    expect(found(index, '100234')).toEqual(['0:phone']);
    expect(found(index, '00256 772 123456')).toEqual(['1:phone']);
    expect(found(index, '0772 123456')).toEqual(['1:phone']);
  });
});

describe('chart search index numbers in names', () => {
  it('finds a patient registered under a number by that number, after the phone matches, within the limit', () => {
    const index = indexOf(fields(['Unknown 1042']), fields(['Grace'], [], ['0772 101042']));
    expect(found(index, '1042')).toEqual(['1:phone', '0:name']);
    expect(found(index, '1042', 1)).toEqual(['1:phone']);
    expect(found(index, '104')).toEqual(['0:name']);
  });
});

describe('chart search index typo tolerance per word', () => {
  it('matches a three-letter word by prefix only, even beside a typo in a longer word', () => {
    const index = indexOf(fields(['Ann Okello']), fields(['Anmol Banda']), fields(['Anmol Phiri']));
    expect(found(index, 'okelo anm')).toEqual([]);
    expect(found(index, 'okelo ann')).toEqual(['0:name-fuzzy']);
  });

  it('orders exact name matches by the rarer word, not counting names only a typo away', () => {
    const index = indexOf(fields(['Abe Zeda']), fields(['Aaa Zeda']), fields(['Abi Zedo']));
    expect(found(index, 'a zeda')).toEqual(['0:name', '1:name', '2:name-fuzzy']);
  });
});
