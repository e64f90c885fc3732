// The small pure helpers the chart relies on: name folding, edit distance, phone digits, calendar dates.
import { dayNumberOfIsoDate, dayNumberOfMs, yearOfMs } from '../../src/chart/calendar.js';
import { canonicalJson } from '../../src/chart/canonical-json.js';
import { compactIdentifier, foldText, nameTokens, phoneDigits, singleDeletions, withinOneEdit } from '../../src/chart/text-folding.js';

describe('chart text folding', () => {
  it('folds case, accents and letters without decomposition', () => {
    expect(foldText('Ndèye ÖZTÜRK Łukasz Straße Søren')).toBe('ndeye ozturk lukasz strasse soren');
    expect(nameTokens("Jean-Pierre  O'Brien")).toEqual(['jean', 'pierre', 'obrien']);
    expect(nameTokens('ተስፋዬ ገብረ')).toEqual(['ተስፋዬ', 'ገብረ']); // non-Latin scripts stay searchable
  });

  it('measures one edit exactly (substitution, insertion, deletion, adjacent swap)', () => {
    const within: [string, string][] = [['okello', 'okello'], ['okello', 'okelo'], ['okelo', 'okello'], ['okello', 'okallo'], ['okello', 'oklelo'], ['okello', 'okellox'], ['okello', 'xokello']];
    const beyond: [string, string][] = [['okello', 'okallu'], ['okello', 'olkelo'], ['okello', 'oke'], ['okello', 'kolleo'], ['abcd', 'badc']];
    for (const [a, b] of within) expect(withinOneEdit(a, b)).withContext(`${a} ${b}`).toBeTrue();
    for (const [a, b] of beyond) expect(withinOneEdit(a, b)).withContext(`${a} ${b}`).toBeFalse();
    expect(singleDeletions('anna')).toEqual(['nna', 'ana', 'ann']);
  });

  it('normalizes phones and identifiers for comparison', () => {
    expect(phoneDigits('+256 (772) 123-456')).toBe('256772123456');
    expect(compactIdentifier('cm-1234 / 5678')).toBe('cm12345678');
  });

  it('encodes canonical JSON with sorted keys and without absent properties', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: -0, y: 1.5 } })).toBe('{"a":[true,null,"x"],"b":1,"d":{"y":1.5,"z":0}}');
  });
});

describe('chart calendar', () => {
  it('turns real dates into day numbers and refuses impossible ones', () => {
    expect(dayNumberOfIsoDate('1970-01-01')).toBe(0);
    expect(dayNumberOfIsoDate('2000-03-01')).toBe(11_017);
    expect(dayNumberOfIsoDate('2024-02-29')).toBe(19_782);
    expect(dayNumberOfIsoDate('2023-02-29')).toBeNull();
    expect(dayNumberOfIsoDate('1900-02-29')).toBeNull();
    expect(dayNumberOfIsoDate('2025-04-31')).toBeNull();
    expect(dayNumberOfIsoDate('2025-4-3')).toBeNull();
  });

  it('finds the UTC day and year of a clock reading', () => {
    expect(dayNumberOfMs(86_400_000 * 19_782 + 5)).toBe(19_782);
    expect(yearOfMs(1_750_000_000_000)).toBe(2025);
    expect(yearOfMs(Date.UTC(2024, 11, 31, 23, 59))).toBe(2024);
    expect(yearOfMs(Date.UTC(2025, 0, 1))).toBe(2025);
    expect(yearOfMs(Date.UTC(1969, 5, 1))).toBe(1969);
  });
});
