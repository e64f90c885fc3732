// The validation kit (checker.ts) on its own: each check's code, path and text (the refusal a clinician
// reads on the device and in the feed importer's reasons), its bounds at the exact limit, the placeholder it
// returns after a refusal, and that the first refusal is the one kept.
import { Checker, FieldReader, join, peek } from '../../src/chart/checker.js';
import type { ChartError } from '../../src/chart/results.js';

/** The error a single check records on a fresh checker (null when it passes). */
function errorOf(check: (checker: Checker) => unknown): ChartError | null {
  const checker = new Checker();
  check(checker);
  return checker.error;
}

describe('chart checker', () => {
  it('keeps the first refusal, and records one without a path as having no field at all', () => {
    const checker = new Checker();
    expect(checker.error).toBeNull();
    checker.fail('malformed', '', 'first');
    checker.fail('too-long', 'later', 'second');
    expect(checker.error).toEqual({ code: 'malformed', message: 'first' });
    expect(Object.keys(checker.error!)).toEqual(['code', 'message']);
    expect(errorOf((c) => c.fail('invalid-value', 'a.b', 'why'))).toEqual({ code: 'invalid-value', field: 'a.b', message: 'why' });
  });

  describe('object', () => {
    it('refuses an absent object as required, naming the entry itself when the path is empty', () => {
      expect(errorOf((c) => c.object(undefined, 'command', ['a']))).toEqual({ code: 'missing-field', field: 'command', message: "'command' is required" });
      expect(errorOf((c) => c.object(null, '', ['a']))).toEqual({ code: 'missing-field', message: 'the entry is required' });
    });

    it('refuses lists, primitives and objects of a class as not an object', () => {
      for (const value of [[], 'x', 3, new Date(0), new Map()]) {
        expect(errorOf((c) => c.object(value, 'dose', ['a']))).toEqual({ code: 'malformed', field: 'dose', message: "'dose' must be an object" });
      }
    });

    it('takes an object without a prototype, and refuses a field it may not hold by its path', () => {
      const bare = Object.assign(Object.create(null) as object, { a: 1 });
      expect(errorOf((c) => c.object(bare, 'dose', ['a']))).toBeNull();
      expect(errorOf((c) => c.object({ a: 1, b: 2 }, 'dose', ['a']))).toEqual({ code: 'unknown-field', field: 'dose.b', message: "unknown field 'b' in 'dose'" });
      expect(errorOf((c) => c.object({ b: 2 }, '', ['a']))).toEqual({ code: 'unknown-field', field: 'b', message: "unknown field 'b' in the entry" });
    });

    it('reads nothing from an object it refused', () => {
      for (const value of [null, [1], 'ab']) {
        const reader = new Checker().object(value, 'p', ['0', 'length']);
        expect([reader.raw('0'), reader.raw('length'), reader.path]).toEqual([undefined, undefined, 'p']);
      }
    });

    it('reads an optional object as null when absent', () => {
      const checker = new Checker();
      expect(checker.optionalObject(undefined, 'p', [])).toBeNull();
      expect(checker.optionalObject(null, 'p', [])).toBeNull();
      expect(checker.optionalObject({}, 'p', [])).toBeInstanceOf(FieldReader);
      expect(checker.error).toBeNull();
    });
  });

  describe('text', () => {
    const rules = { lengthMax: 5 };

    it('trims, and takes exactly the longest length', () => {
      const checker = new Checker();
      expect(checker.text('  abcde \n', 'p', rules)).toBe('abcde');
      expect(checker.error).toBeNull();
    });

    it('refuses absent, non-text, empty, too long and control-character text, each with its own text', () => {
      expect(errorOf((c) => c.text(null, 'p', rules))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
      expect(errorOf((c) => c.text(undefined, 'p', rules))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
      expect(errorOf((c) => c.text(5, 'p', rules))).toEqual({ code: 'malformed', field: 'p', message: "'p' must be text" });
      expect(errorOf((c) => c.text('  ', 'p', rules))).toEqual({ code: 'missing-field', field: 'p', message: "'p' must not be empty" });
      expect(errorOf((c) => c.text('abcdef', 'p', rules))).toEqual({ code: 'too-long', field: 'p', message: "'p' is longer than 5 characters" });
      expect(errorOf((c) => c.text('a\u0007b', 'p', rules))).toEqual({ code: 'invalid-value', field: 'p', message: "'p' contains a control character" });
    });

    it('returns the empty text after any refusal', () => {
      for (const value of [null, 5, '  ', 'abcdef', 'a\u0007b']) expect(new Checker().text(value, 'p', rules)).toBe('');
    });

    it('takes the empty text when allowed', () => {
      expect(errorOf((c) => c.text('  ', 'p', { lengthMax: 5, allowEmpty: true }))).toBeNull();
      expect(errorOf((c) => c.text('  ', 'p', { lengthMax: 5, allowEmpty: false }))?.code).toBe('missing-field');
    });

    it('allows tab and line breaks inside multiline text only, and no other control character', () => {
      for (const inner of ['\t', '\n', '\r']) {
        expect(errorOf((c) => c.text(`a${inner}b`, 'p', { lengthMax: 9, multiline: true }))).toBeNull();
        expect(errorOf((c) => c.text(`a${inner}b`, 'p', { lengthMax: 9 }))?.message).toBe("'p' contains a control character");
      }
      for (const inner of ['\u0000', '\u0008', '\u000b', '\u000c', '\u001f', '\u007f']) {
        expect(errorOf((c) => c.text(`a${inner}b`, 'p', { lengthMax: 9, multiline: true }))?.message).toBe("'p' contains a control character");
      }
      for (const inner of [' ', '~', '\u0080', '\u00e9']) expect(errorOf((c) => c.text(`a${inner}b`, 'p', { lengthMax: 9 }))).toBeNull();
    });

    it('takes surrogate pairs and refuses lone surrogates anywhere', () => {
      const wellFormed = ['\ud800\udc00', '\udbff\udfff', 'a\ud83d\ude00b'];
      for (const text of wellFormed) expect(errorOf((c) => c.text(text, 'p', { lengthMax: 9 }))).toBeNull();
      const broken = ['a\ud800', '\ud800b', '\udbffa', '\udc00', 'a\udfffb', '\ud800\ud800', '\ud7ff\udc00', '\ud800\ue000'];
      for (const text of broken) expect(errorOf((c) => c.text(text, 'p', { lengthMax: 9 }))).toEqual({ code: 'invalid-value', field: 'p', message: "'p' is not well-formed text" });
      expect(errorOf((c) => c.text('\ud7ff\ue000', 'p', { lengthMax: 9 }))).toBeNull();
    });

    it('reads optional text as null when absent or empty', () => {
      const checker = new Checker();
      expect([checker.optionalText(undefined, 'p', rules), checker.optionalText(null, 'p', rules), checker.optionalText(' ', 'p', rules)]).toEqual([null, null, null]);
      expect(checker.optionalText(' a ', 'p', rules)).toBe('a');
      expect(checker.error).toBeNull();
    });
  });

  describe('pattern', () => {
    const digits = /^[0-9]+$/;

    it('takes text of the longest length untrimmed, and refuses what does not match with what was expected', () => {
      const checker = new Checker();
      expect(checker.pattern('123', 'p', digits, 3, 'digits')).toBe('123');
      expect(checker.error).toBeNull();
      expect(errorOf((c) => c.pattern(' 12', 'p', digits, 3, 'digits'))).toEqual({ code: 'invalid-value', field: 'p', message: "'p' must be digits" });
      expect(errorOf((c) => c.pattern('1234', 'p', digits, 3, 'digits'))).toEqual({ code: 'too-long', field: 'p', message: "'p' is longer than 3 characters" });
      expect(errorOf((c) => c.pattern(undefined, 'p', digits, 3, 'digits'))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
      expect(errorOf((c) => c.pattern(null, 'p', digits, 3, 'digits'))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
      expect(errorOf((c) => c.pattern(123, 'p', digits, 3, 'digits'))).toEqual({ code: 'malformed', field: 'p', message: "'p' must be text" });
    });

    it('returns the empty text after any refusal', () => {
      for (const value of [null, 123, '1234', 'ab']) expect(new Checker().pattern(value, 'p', digits, 3, 'digits')).toBe('');
    });
  });

  describe('numbers', () => {
    it('take both ends of the range, and refuse outside it, not finite or absent with their own texts', () => {
      const checker = new Checker();
      expect([checker.number(-2, 'p', -2, 3), checker.number(3, 'p', -2, 3), checker.number(0.5, 'p', -2, 3)]).toEqual([-2, 3, 0.5]);
      expect(checker.error).toBeNull();
      expect(errorOf((c) => c.number(3.0001, 'p', -2, 3))).toEqual({ code: 'invalid-value', field: 'p', message: "'p' must be between -2 and 3" });
      expect(errorOf((c) => c.number(-2.0001, 'p', -2, 3))?.code).toBe('invalid-value');
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '1']) {
        expect(errorOf((c) => c.number(value, 'p', -2, 3))).toEqual({ code: 'malformed', field: 'p', message: "'p' must be a finite number" });
      }
      expect(errorOf((c) => c.number(null, 'p', -2, 3))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
      expect(errorOf((c) => c.number(undefined, 'p', -2, 3))?.code).toBe('missing-field');
    });

    it('return the minimum after a refusal, and 0 for -0', () => {
      for (const value of [null, Number.NaN, 4]) expect(new Checker().number(value, 'p', -2, 3)).toBe(-2);
      expect(Object.is(new Checker().number(-0, 'p', -2, 3), 0)).toBeTrue();
    });

    it('whole: refuse a fraction, returning the minimum', () => {
      const checker = new Checker();
      expect(checker.integer(2, 'p', 1, 3)).toBe(2);
      expect(checker.error).toBeNull();
      expect(checker.integer(2.5, 'p', 1, 3)).toBe(1);
      expect(checker.error).toEqual({ code: 'invalid-value', field: 'p', message: "'p' must be a whole number" });
    });

    it('positive: refuse 0, returning 1', () => {
      const checker = new Checker();
      expect(checker.positive(0.25, 'p', 10)).toBe(0.25);
      expect(checker.error).toBeNull();
      expect(checker.positive(0, 'p', 10)).toBe(1);
      expect(checker.error).toEqual({ code: 'invalid-value', field: 'p', message: "'p' must be greater than 0" });
    });
  });

  it('boolean: takes true and false, refuses the rest', () => {
    const checker = new Checker();
    expect([checker.boolean(true, 'p'), checker.boolean(false, 'p')]).toEqual([true, false]);
    expect(checker.error).toBeNull();
    expect(errorOf((c) => c.boolean(undefined, 'p'))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
    expect(errorOf((c) => c.boolean(null, 'p'))?.code).toBe('missing-field');
    expect(errorOf((c) => c.boolean('true', 'p'))).toEqual({ code: 'malformed', field: 'p', message: "'p' must be true or false" });
    expect(new Checker().boolean(1, 'p')).toBeFalse();
  });

  it('oneOf: lists the values allowed, and returns the first after a refusal', () => {
    const values = ['oral', 'iv'] as const;
    const checker = new Checker();
    expect(checker.oneOf('iv', 'p', values)).toBe('iv');
    expect(checker.optionalOneOf(null, 'p', values)).toBeNull();
    expect(checker.optionalOneOf(undefined, 'p', values)).toBeNull();
    expect(checker.error).toBeNull();
    expect(errorOf((c) => c.oneOf('IV', 'p', values))).toEqual({ code: 'invalid-value', field: 'p', message: "'p' must be one of: oral, iv" });
    expect(errorOf((c) => c.oneOf(null, 'p', values))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
    expect(errorOf((c) => c.oneOf(undefined, 'p', values))).toEqual({ code: 'missing-field', field: 'p', message: "'p' is required" });
    expect(errorOf((c) => c.optionalOneOf('IV', 'p', values))?.code).toBe('invalid-value');
    expect([new Checker().oneOf('IV', 'p', values), new Checker().oneOf(undefined, 'p', values)]).toEqual(['oral', 'oral']);
  });

  it('list: takes an absent list as empty and exactly the most items, refuses the rest', () => {
    const checker = new Checker();
    expect([checker.list(undefined, 'p', 2), checker.list(null, 'p', 2), checker.list([1, 2], 'p', 2)]).toEqual([[], [], [1, 2]]);
    expect(checker.error).toBeNull();
    expect(errorOf((c) => c.list({ length: 1 }, 'p', 2))).toEqual({ code: 'malformed', field: 'p', message: "'p' must be a list" });
    expect(errorOf((c) => c.list([1, 2, 3], 'p', 2))).toEqual({ code: 'too-long', field: 'p', message: "'p' has more than 2 items" });
    expect([new Checker().list('ab', 'p', 2), new Checker().list([1, 2, 3], 'p', 2)]).toEqual([[], []]);
  });

  it('reads fields at their joined path, and no inherited property as a field', () => {
    const reader = new Checker().object({ amount: 5, unit: 'mg' }, 'command.dose', ['amount', 'unit', 'toString']);
    expect(reader.at('amount')).toBe('command.dose.amount');
    expect(reader.raw('toString')).toBeUndefined();
    expect(reader.raw('unit')).toBe('mg');
    expect(new Checker().object({ a: 1 }, '', ['a']).at('a')).toBe('a');
    expect([join('', 'a'), join('x', 'a')]).toEqual(['a', 'x.a']);
  });

  it('peeks a plain object own property only', () => {
    expect(peek({ type: 'x' }, 'type')).toBe('x');
    expect(peek(Object.assign(Object.create(null) as object, { type: 'y' }), 'type')).toBe('y');
    expect([peek({}, 'toString'), peek(['a'], '0'), peek('ab', 'length'), peek(null, 'type'), peek(new Date(0), 'getTime')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('FieldReader passes each check its field and path', () => {
    const checker = new Checker();
    const reader = checker.object({ t: ' x ', o: null, p: '12', i: 2, n: 1.5, q: 3, b: true, e: 'a', f: {}, g: null }, 'c',
      ['t', 'o', 'p', 'i', 'n', 'q', 'b', 'e', 'f', 'g']);
    expect([
      reader.text('t', { lengthMax: 3 }), reader.optionalText('o', { lengthMax: 3 }), reader.pattern('p', /^\d+$/, 2, 'digits'),
      reader.integer('i', 0, 5), reader.number('n', 0, 5), reader.positive('q', 5), reader.boolean('b'),
      reader.oneOf('e', ['b', 'a']), reader.optionalOneOf('g', ['a']), reader.optionalObject('g', []),
    ]).toEqual(['x', null, '12', 2, 1.5, 3, true, 'a', null, null]);
    expect(reader.object('f', []).path).toBe('c.f');
    expect(reader.optionalObject('f', [])!.path).toBe('c.f');
    expect(checker.error).toBeNull();
    expect(errorOf((c) => c.object({ t: 7 }, 'c', ['t']).integer('t', 0, 5))).toEqual({ code: 'invalid-value', field: 'c.t', message: "'c.t' must be between 0 and 5" });
  });
});
