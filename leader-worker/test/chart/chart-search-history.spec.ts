// The search index answers from what patients are now, never from how they got there: after renames, new
// phones and new identifiers it lists the same patients, in the same order and found the same way, as an index
// built fresh from the final records (a restored snapshot builds one fresh). And the order it promises: a
// multi-word query lists patients by its most selective word, the earlier word on a tie.
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { PatientSearchIndex, type SearchableFields } from '../../src/chart/search-index.js';

const givenNames = ['Amina', 'Aminata', 'Amna', 'Fatou', 'Fatuma', 'Grace', 'Moses', 'Musa', 'Omar', 'Ali', 'Alice', 'Anna', 'Ann'];
const familyNames = ['Okello', 'Okelo', 'Oke', 'Kamara', 'Kamau', 'Banda', 'Bandu', 'Phiri', 'Sesay', 'Diop'];
const identifierPool = ['CM-1', 'CM-2', 'CM-12', 'ART-7'];
const phonePool = ['0772 123456', '0772 223456', '+256 772 123456', '0700 654321', '0700 654322', '0701 123456'];

const found = (index: PatientSearchIndex, query: string, limit: number): string[] =>
  index.search(query, limit).map(({ ordinal, matchedBy }) => `${ordinal}:${matchedBy}`);

function randomPatient(random: SeededRandom): SearchableFields {
  const pick = (list: readonly string[]): string => list[random.nextInt(list.length)]!;
  const some = (list: readonly string[]): string[] => list.filter(() => random.chance(0.25));
  return { names: [pick(givenNames), pick(familyNames)], identifiers: some(identifierPool), phones: some(phonePool) };
}

function randomQuery(random: SeededRandom): string {
  const pick = (list: readonly string[]): string => list[random.nextInt(list.length)]!;
  const cut = (word: string): string => word.slice(0, 1 + random.nextInt(word.length));
  const slip = (word: string): string => {
    const at = random.nextInt(word.length);
    return word.slice(0, at) + word.slice(at + 1);
  };
  switch (random.nextInt(6)) {
    case 0: return pick(identifierPool);
    case 1: return pick(phonePool).slice(-4 - random.nextInt(6));
    case 2: return cut(pick(givenNames));
    case 3: return slip(pick(familyNames));
    case 4: return `${cut(pick(givenNames))} ${cut(pick(familyNames))}`;
    default: return `${slip(pick(familyNames))} ${cut(pick(givenNames))}`;
  }
}

describe('chart search index history', () => {
  it('answers after edits exactly as an index built fresh from the final patients', () => {
    for (const seed of [1, 2, 3, 4]) {
      const random = new SeededRandom(seed);
      const edited = new PatientSearchIndex();
      const patients: SearchableFields[] = [];
      for (let ordinal = 0; ordinal < 40; ordinal++) {
        patients.push(randomPatient(random));
        edited.set(ordinal, patients[ordinal]!);
      }
      for (let edit = 0; edit < 60; edit++) {
        const ordinal = random.nextInt(patients.length);
        patients[ordinal] = randomPatient(random);
        edited.set(ordinal, patients[ordinal]);
      }
      const fresh = new PatientSearchIndex();
      patients.forEach((patient, ordinal) => fresh.set(ordinal, patient));
      for (let query = 0; query < 200; query++) {
        const text = randomQuery(random);
        const limit = 1 + random.nextInt(12);
        expect(found(edited, text, limit)).withContext(`seed ${seed}: '${text}', limit ${limit}`).toEqual(found(fresh, text, limit));
      }
    }
  });

  it('lists a two-word query by its rarer word: that word\'s matching names in order, then registration order', () => {
    const build = (...names: string[]): PatientSearchIndex => {
      const index = new PatientSearchIndex();
      names.forEach((name, ordinal) => index.set(ordinal, { names: [name], identifiers: [], phones: [] }));
      return index;
    };
    // 'a' matches three patients and 'zed' two: 'zed' leads, so registration order.
    expect(found(build('Abe Zed', 'Aaa Zed', 'Abi Yoyo'), 'a zed', 10)).toEqual(['0:name', '1:name']);
    // Two patients each: the earlier word leads, 'aaa' before 'abe'.
    expect(found(build('Abe Zed', 'Aaa Zed'), 'a zed', 10)).toEqual(['1:name', '0:name']);
    expect(found(build('Abe Zed', 'Aaa Zed'), 'a zed', 1)).toEqual(['1:name']);
    expect(found(build('Abe Zed', 'Aaa Zed'), 'zed a', 10)).toEqual(['0:name', '1:name']);
  });
});

describe('chart search index edits that keep the name', () => {
  it("does not reorder a name search when a patient's phone changes and the name stays", () => {
    const index = new PatientSearchIndex();
    ['Abe Zed', 'Aaa Zed', 'Zed Yoyo', 'Abi Yoyo'].forEach((name, ordinal) => index.set(ordinal, { names: [name], identifiers: [], phones: [] }));
    expect(found(index, 'a zed', 10)).toEqual(['1:name', '0:name']);
    index.set(3, { names: ['Abi Yoyo'], identifiers: [], phones: ['0772 123456'] });
    expect(found(index, 'a zed', 10)).toEqual(['1:name', '0:name']);
  });
});

describe('chart search index typo matches order', () => {
  it('counts each name a typo finds once when choosing the word that orders the results', () => {
    const index = new PatientSearchIndex();
    ['Abe Zedo', 'Aaa Zedo', 'Zeda Yoyo', 'Ama Yoyo', 'Ana Yoyo'].forEach((name, ordinal) => index.set(ordinal, { names: [name], identifiers: [], phones: [] }));
    // 'zeda' finds three (two 'Zedo', one 'Zeda') and 'a' four: 'zeda' leads, typo matches first.
    expect(found(index, 'a zeda', 10)).toEqual(['0:name-fuzzy', '1:name-fuzzy']);
  });
});
