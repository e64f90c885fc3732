// A small validation kit for data decoded off the wire (`unknown`). Checks never throw: the first problem is
// recorded as a typed ChartError and later checks return harmless placeholders, so a validator reads as a
// straight list of fields and the caller looks at `checker.error` once at the end. First error wins, which
// also means a check on a placeholder can never replace the real error.
import type { ChartError, ChartErrorCode } from './results.js';

type Fields = Readonly<Record<string, unknown>>;

const noFields: Fields = Object.freeze({});

export interface TextRules {
  readonly lengthMax: number;
  /** Allows tab and line breaks (notes). */
  readonly multiline?: boolean;
  /** Allows the empty string (after trimming). */
  readonly allowEmpty?: boolean;
}

export class Checker {
  private firstError: ChartError | null = null;

  get error(): ChartError | null {
    return this.firstError;
  }

  fail(code: ChartErrorCode, field: string, message: string): void {
    if (this.firstError !== null) return;
    this.firstError = field === '' ? { code, message } : { code, field, message };
  }

  /** A reader over a plain object that may hold only `keys`. */
  object(value: unknown, path: string, keys: readonly string[]): FieldReader {
    if (value === undefined || value === null) {
      this.fail('missing-field', path, `${label(path)} is required`);
      return new FieldReader(this, path, noFields);
    }
    if (!isPlainObject(value)) {
      this.fail('malformed', path, `${label(path)} must be an object`);
      return new FieldReader(this, path, noFields);
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.fail('unknown-field', join(path, key), `unknown field '${key}' in ${label(path)}`);
    }
    return new FieldReader(this, path, value);
  }

  optionalObject(value: unknown, path: string, keys: readonly string[]): FieldReader | null {
    return value === undefined || value === null ? null : this.object(value, path, keys);
  }

  text(value: unknown, path: string, rules: TextRules): string {
    if (value === undefined || value === null) {
      this.fail('missing-field', path, `${label(path)} is required`);
      return '';
    }
    if (typeof value !== 'string') {
      this.fail('malformed', path, `${label(path)} must be text`);
      return '';
    }
    const text = value.trim();
    if (text.length === 0 && rules.allowEmpty !== true) {
      this.fail('missing-field', path, `${label(path)} must not be empty`);
      return '';
    }
    if (text.length > rules.lengthMax) {
      this.fail('too-long', path, `${label(path)} is longer than ${rules.lengthMax} characters`);
      return '';
    }
    const problem = textProblem(text, rules.multiline === true);
    if (problem !== null) {
      this.fail('invalid-value', path, `${label(path)} ${problem}`);
      return '';
    }
    return text;
  }

  optionalText(value: unknown, path: string, rules: TextRules): string | null {
    if (value === undefined || value === null) return null;
    const text = this.text(value, path, { ...rules, allowEmpty: true });
    return text === '' ? null : text;
  }

  /** Text matching `pattern` exactly (no trimming: identities are compared byte for byte). */
  pattern(value: unknown, path: string, pattern: RegExp, lengthMax: number, description: string): string {
    if (value === undefined || value === null) {
      this.fail('missing-field', path, `${label(path)} is required`);
      return '';
    }
    if (typeof value !== 'string') {
      this.fail('malformed', path, `${label(path)} must be text`);
      return '';
    }
    if (value.length > lengthMax) {
      this.fail('too-long', path, `${label(path)} is longer than ${lengthMax} characters`);
      return '';
    }
    if (!pattern.test(value)) {
      this.fail('invalid-value', path, `${label(path)} must be ${description}`);
      return '';
    }
    return value;
  }

  number(value: unknown, path: string, min: number, max: number): number {
    if (value === undefined || value === null) {
      this.fail('missing-field', path, `${label(path)} is required`);
      return min;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail('malformed', path, `${label(path)} must be a finite number`);
      return min;
    }
    if (value < min || value > max) {
      this.fail('invalid-value', path, `${label(path)} must be between ${min} and ${max}`);
      return min;
    }
    return value === 0 ? 0 : value; // -0 and 0 are one value; keep the encoding canonical
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    const number = this.number(value, path, min, max);
    if (!Number.isSafeInteger(number)) {
      this.fail('invalid-value', path, `${label(path)} must be a whole number`);
      return min;
    }
    return number;
  }

  /** A number in (0, max]. */
  positive(value: unknown, path: string, max: number): number {
    const number = this.number(value, path, 0, max);
    if (number <= 0) {
      this.fail('invalid-value', path, `${label(path)} must be greater than 0`);
      return 1;
    }
    return number;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value === 'boolean') return value;
    if (value === undefined || value === null) this.fail('missing-field', path, `${label(path)} is required`);
    else this.fail('malformed', path, `${label(path)} must be true or false`);
    return false;
  }

  oneOf<T extends string>(value: unknown, path: string, values: readonly [T, ...T[]]): T {
    if (value === undefined || value === null) {
      this.fail('missing-field', path, `${label(path)} is required`);
      return values[0];
    }
    const found = values.find((candidate) => candidate === value);
    if (found === undefined) {
      this.fail('invalid-value', path, `${label(path)} must be one of: ${values.join(', ')}`);
      return values[0];
    }
    return found;
  }

  optionalOneOf<T extends string>(value: unknown, path: string, values: readonly [T, ...T[]]): T | null {
    return value === undefined || value === null ? null : this.oneOf(value, path, values);
  }

  /** A list of at most `itemsMax` items; an absent list is empty. Each item is checked by the caller. */
  list(value: unknown, path: string, itemsMax: number): readonly unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail('malformed', path, `${label(path)} must be a list`);
      return [];
    }
    if (value.length > itemsMax) {
      this.fail('too-long', path, `${label(path)} has more than ${itemsMax} items`);
      return [];
    }
    return value as readonly unknown[];
  }
}

/** The fields of one object, each read with the path `${path}.${key}`. */
export class FieldReader {
  constructor(
    readonly checker: Checker,
    readonly path: string,
    private readonly fields: Fields,
  ) {}

  at(key: string): string {
    return join(this.path, key);
  }

  raw(key: string): unknown {
    return Object.hasOwn(this.fields, key) ? this.fields[key] : undefined;
  }

  text(key: string, rules: TextRules): string {
    return this.checker.text(this.raw(key), this.at(key), rules);
  }

  optionalText(key: string, rules: TextRules): string | null {
    return this.checker.optionalText(this.raw(key), this.at(key), rules);
  }

  pattern(key: string, pattern: RegExp, lengthMax: number, description: string): string {
    return this.checker.pattern(this.raw(key), this.at(key), pattern, lengthMax, description);
  }

  integer(key: string, min: number, max: number): number {
    return this.checker.integer(this.raw(key), this.at(key), min, max);
  }

  number(key: string, min: number, max: number): number {
    return this.checker.number(this.raw(key), this.at(key), min, max);
  }

  positive(key: string, max: number): number {
    return this.checker.positive(this.raw(key), this.at(key), max);
  }

  boolean(key: string): boolean {
    return this.checker.boolean(this.raw(key), this.at(key));
  }

  oneOf<T extends string>(key: string, values: readonly [T, ...T[]]): T {
    return this.checker.oneOf(this.raw(key), this.at(key), values);
  }

  optionalOneOf<T extends string>(key: string, values: readonly [T, ...T[]]): T | null {
    return this.checker.optionalOneOf(this.raw(key), this.at(key), values);
  }

  object(key: string, keys: readonly string[]): FieldReader {
    return this.checker.object(this.raw(key), this.at(key), keys);
  }

  optionalObject(key: string, keys: readonly string[]): FieldReader | null {
    return this.checker.optionalObject(this.raw(key), this.at(key), keys);
  }
}

/** A property of a plain object (to pick a validator by a tag before checking the rest), or undefined. */
export function peek(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function label(path: string): string {
  return path === '' ? 'the entry' : `'${path}'`;
}

function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Why a text cannot be stored: control characters (other than tab and line breaks in notes) or broken
 * UTF-16 (a lone surrogate would encode to U+FFFD and make two different texts hash alike). */
function textProblem(text: string, multiline: boolean): string | null {
  // Stryker disable next-line EqualityOperator: `<=` reads one code past the end, NaN, which no test below matches
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) {
      const allowed = multiline && (code === 0x09 || code === 0x0a || code === 0x0d);
      if (!allowed) return 'contains a control character';
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'is not well-formed text';
      index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return 'is not well-formed text';
    }
  }
  return null;
}
