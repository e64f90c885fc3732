// Patient search as you type, from memory, within one frame at 50,000 patients. Four indexes over patient
// ordinals (a patient's position in registration order):
//   - name tokens: a sorted array of distinct folded tokens (binary search finds every token with a given
//     prefix as one contiguous range) and, per token, the ordinals carrying it (sorted);
//   - fuzzy neighbours: a deletion neighbourhood (SymSpell): every token under itself and under each
//     one-character deletion, so a query token's neighbours within one edit are a handful of map lookups;
//   - identifiers: compacted value -> ordinals (exact);
//   - phones: reversed digits, sorted, so a phone suffix is a prefix range.
// A multi-word query drives from its most selective word (fewest postings, counted with a cap) and checks
// the other words against that patient's few tokens; the walk stops at the result limit.
import { assert } from '../invariants/assert.js';
import { fuzzyTokenLengthMin, phoneQueryDigitsMin, searchQueryLengthMax, searchQueryTokensMax } from './limits.js';
import type { SearchMatch } from './records.js';
import { compactIdentifier, nameTokens, phoneDigits, singleDeletions, withinOneEdit } from './text-folding.js';

/** What one patient is found by. */
export interface SearchableFields {
  readonly names: readonly string[];
  readonly identifiers: readonly string[];
  readonly phones: readonly string[];
}

export interface SearchCandidate {
  readonly ordinal: number;
  readonly matchedBy: SearchMatch;
}

interface IndexedKeys {
  readonly tokens: readonly string[];
  readonly identifiers: readonly string[];
  readonly reversedPhones: readonly string[];
}

const noKeys: IndexedKeys = { tokens: [], identifiers: [], reversedPhones: [] };
const phoneLikeQuery = /^[+\d\s().-]+$/;

export class PatientSearchIndex {
  private readonly keysByOrdinal: IndexedKeys[] = [];
  // Invariant: sorted ascending, no duplicates; every token has non-empty postings.
  // Stryker disable next-line ArrayDeclaration: a placeholder token in upper case is the prefix of no folded query word
  private readonly sortedTokens: string[] = [];
  // Invariant: each list is sorted ascending, without duplicates.
  private readonly postings = new Map<string, number[]>();
  // Invariant: each list is sorted ascending, without duplicates.
  private readonly neighbours = new Map<string, string[]>();
  private readonly identifiers = new Map<string, number[]>();
  // Invariant: sorted by (key, ordinal); the two arrays move together.
  // Stryker disable next-line ArrayDeclaration: a placeholder key sorts after every digit key, so no phone walk reaches it
  private readonly phoneKeys: string[] = [];
  private readonly phoneOrdinals: number[] = [];

  /** Indexes patient `ordinal` under `fields`, replacing what it was indexed under before. */
  set(ordinal: number, fields: SearchableFields): void {
    assert(Number.isSafeInteger(ordinal) && ordinal >= 0 && ordinal <= this.keysByOrdinal.length, 'search ordinals are dense');
    const previous = this.keysByOrdinal[ordinal] ?? noKeys;
    const next: IndexedKeys = {
      tokens: unique(fields.names.flatMap(nameTokens)),
      identifiers: unique(fields.identifiers.map(compactIdentifier).filter((key) => key.length > 0)),
      // Stryker disable next-line MethodExpression,ConditionalExpression,EqualityOperator: a phone query has 4+ digits, never the empty key
      reversedPhones: unique(fields.phones.map(reversedPhoneKey).filter((key) => key.length > 0)),
    };
    for (const token of previous.tokens) if (!next.tokens.includes(token)) this.removeToken(token, ordinal);
    for (const token of next.tokens) if (!previous.tokens.includes(token)) this.addToken(token, ordinal);
    // Stryker disable next-line ArrowFunction: an emptied identifier list left in the map is read as no patient; it only keeps memory
    for (const key of previous.identifiers) if (!next.identifiers.includes(key)) removeSorted(this.identifiers.get(key), ordinal, () => this.identifiers.delete(key));
    for (const key of next.identifiers) if (!previous.identifiers.includes(key)) insertSorted(getOrCreate(this.identifiers, key), ordinal);
    for (const key of previous.reversedPhones) if (!next.reversedPhones.includes(key)) this.removePhone(key, ordinal);
    for (const key of next.reversedPhones) if (!previous.reversedPhones.includes(key)) this.addPhone(key, ordinal);
    this.keysByOrdinal[ordinal] = next;
  }

  /** Identifier matches first, then phone-suffix matches, then name-prefix, then fuzzy name matches. */
  search(query: string, limit: number): SearchCandidate[] {
    const text = query.slice(0, searchQueryLengthMax);
    const results: SearchCandidate[] = [];
    const taken = new Set<number>();
    const add = (ordinal: number, matchedBy: SearchMatch): boolean => {
      if (!taken.has(ordinal)) {
        taken.add(ordinal);
        results.push({ ordinal, matchedBy });
      }
      return results.length >= limit;
    };
    const identifier = compactIdentifier(text);
    for (const ordinal of this.identifiers.get(identifier) ?? []) if (add(ordinal, 'identifier')) return results;
    if (phoneLikeQuery.test(text) && this.searchPhone(text, add)) return results;
    const tokens = unique(nameTokens(text)).slice(0, searchQueryTokensMax);
    if (this.searchNames(tokens, false, add)) return results;
    // Stryker disable next-line ConditionalExpression: with no word of four letters the fuzzy pass matches as the name pass did
    if (tokens.some((token) => token.length >= fuzzyTokenLengthMin)) this.searchNames(tokens, true, add);
    return results;
  }

  private searchPhone(text: string, add: (ordinal: number, matchedBy: SearchMatch) => boolean): boolean {
    const key = reversedPhoneKey(text);
    if (key.length < phoneQueryDigitsMin) return false;
    for (let index = lowerBound(this.phoneKeys, key); index < this.phoneKeys.length; index++) {
      if (!this.phoneKeys[index]!.startsWith(key)) break;
      if (add(this.phoneOrdinals[index]!, 'phone')) return true;
    }
    return false;
  }

  /** Walks the cheapest query token's candidate tokens; true once the result limit is reached. */
  private searchNames(queryTokens: readonly string[], fuzzy: boolean, add: (ordinal: number, matchedBy: SearchMatch) => boolean): boolean {
    // Decided once per word, so the driver's candidates and the check of each patient agree.
    const typoTolerant = queryTokens.map((queryToken) => fuzzy && queryToken.length >= fuzzyTokenLengthMin);
    let driver: string[] = [];
    let driverCost = Number.POSITIVE_INFINITY;
    queryTokens.forEach((queryToken, position) => {
      const candidates = this.candidateTokens(queryToken, typoTolerant[position]!, driverCost);
      if (candidates !== null) {
        driver = candidates.tokens;
        driverCost = candidates.cost;
      }
    });
    const matchedBy: SearchMatch = fuzzy ? 'name-fuzzy' : 'name';
    for (const token of driver) {
      for (const ordinal of this.postings.get(token)!) {
        const patientTokens = this.keysByOrdinal[ordinal]!.tokens;
        const matches = (queryToken: string, position: number): boolean =>
          patientTokens.some((patientToken) => tokenMatches(queryToken, patientToken, typoTolerant[position]!));
        if (queryTokens.every(matches)) {
          if (add(ordinal, matchedBy)) return true;
        }
      }
    }
    return false;
  }

  /**
   * The index tokens `queryToken` matches (by prefix; with `typoTolerant`, also within one edit) and their
   * total postings, or null as soon as that total reaches `costCap` (a driver as cheap is already known).
   */
  private candidateTokens(queryToken: string, typoTolerant: boolean, costCap: number): { tokens: string[]; cost: number } | null {
    const tokens: string[] = [];
    let cost = 0;
    for (const group of [typoTolerant ? this.fuzzyNeighbours(queryToken) : [], this.prefixTokens(queryToken)]) {
      for (const token of group) {
        tokens.push(token);
        cost += this.postings.get(token)!.length;
        if (cost >= costCap) return null;
      }
    }
    return { tokens, cost };
  }

  /** Index tokens starting with `queryToken`, in order; lazily, so a pruned walk stops early. */
  private *prefixTokens(queryToken: string): Generator<string> {
    for (let index = lowerBound(this.sortedTokens, queryToken); index < this.sortedTokens.length; index++) {
      const token = this.sortedTokens[index]!;
      if (!token.startsWith(queryToken)) return;
      yield token;
    }
  }

  /** Index tokens within one edit of `queryToken` and not starting with it (those come by prefix). */
  private fuzzyNeighbours(queryToken: string): string[] {
    const found: string[] = [];
    for (const key of [queryToken, ...singleDeletions(queryToken)]) {
      // Stryker disable next-line ArrayDeclaration: a placeholder with capitals and spaces is more than one edit from any folded query word
      for (const token of this.neighbours.get(key) ?? []) {
        if (!found.includes(token) && !token.startsWith(queryToken) && withinOneEdit(queryToken, token)) found.push(token);
      }
    }
    return found;
  }

  private addToken(token: string, ordinal: number): void {
    const list = this.postings.get(token);
    if (list !== undefined) {
      insertSorted(list, ordinal);
      return;
    }
    this.postings.set(token, [ordinal]);
    this.sortedTokens.splice(lowerBound(this.sortedTokens, token), 0, token);
    // Sorted, so the lists (and so result order) depend only on which tokens exist, not on their history:
    // a machine restored from a snapshot answers exactly as the original.
    for (const key of neighbourKeys(token)) {
      const list = getOrCreate(this.neighbours, key);
      list.splice(lowerBound(list, token), 0, token);
    }
  }

  private removeToken(token: string, ordinal: number): void {
    // Stryker disable next-line BlockStatement: an emptied token left behind adds no patient and no cost to a walk; it only keeps memory
    removeSorted(this.postings.get(token), ordinal, () => {
      this.postings.delete(token);
      const index = lowerBound(this.sortedTokens, token);
      // Stryker disable next-line ConditionalExpression: a token with postings is in sortedTokens (both are written together in addToken)
      assert(this.sortedTokens[index] === token, 'an indexed token is in the sorted token array');
      this.sortedTokens.splice(index, 1);
      for (const key of neighbourKeys(token)) {
        const list = this.neighbours.get(key)!;
        list.splice(list.indexOf(token), 1);
        // Stryker disable next-line ConditionalExpression: an emptied neighbour list is read as no token; it only keeps memory
        if (list.length === 0) this.neighbours.delete(key);
      }
    });
  }

  private addPhone(key: string, ordinal: number): void {
    let index = lowerBound(this.phoneKeys, key);
    // Stryker disable next-line EqualityOperator: a patient is listed once under a key, so no listed ordinal equals `ordinal`
    while (this.phoneKeys[index] === key && this.phoneOrdinals[index]! < ordinal) index++;
    this.phoneKeys.splice(index, 0, key);
    this.phoneOrdinals.splice(index, 0, ordinal);
  }

  private removePhone(key: string, ordinal: number): void {
    let index = lowerBound(this.phoneKeys, key);
    // Stryker disable next-line ConditionalExpression: (key, ordinal) is listed, and entries under key come first from lowerBound
    while (this.phoneKeys[index] === key && this.phoneOrdinals[index] !== ordinal) index++;
    // Stryker disable next-line ConditionalExpression: set removes only phones a patient had, so the loop stops on it
    assert(this.phoneKeys[index] === key, 'an indexed phone is in the phone array');
    this.phoneKeys.splice(index, 1);
    this.phoneOrdinals.splice(index, 1);
  }
}

function tokenMatches(queryToken: string, patientToken: string, typoTolerant: boolean): boolean {
  return patientToken.startsWith(queryToken) || (typoTolerant && withinOneEdit(queryToken, patientToken));
}

/** Keys a token is filed under in the deletion neighbourhood: itself (if long enough to be one deletion
 * away from a fuzzy query token) and its one-character deletions (if itself fuzzy-length). */
function neighbourKeys(token: string): string[] {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: no key shorter than three letters is looked up; memory only
  if (token.length < fuzzyTokenLengthMin - 1) return [];
  // Stryker disable next-line ConditionalExpression: no key shorter than three letters is looked up (a query word of 4+ and its deletions)
  if (token.length < fuzzyTokenLengthMin) return [token];
  return unique([token, ...singleDeletions(token)]);
}

/** Digits reversed, trunk zeros dropped: '+256 772 123456' and '0772123456' share the suffix '772123456'. */
function reversedPhoneKey(phone: string): string {
  const digits = phoneDigits(phone).replace(/^0+/, '');
  let reversed = '';
  for (let index = digits.length - 1; index >= 0; index--) reversed += digits[index];
  return reversed;
}

/** The first index whose item is >= `key` (code-unit order). */
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Inserts `value`, which `list` does not hold: `set` adds only the keys a patient did not have. */
function insertSorted(list: number[], value: number): void {
  let index = list.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: list[-1] is undefined, never > value, and value is never listed
  while (index > 0 && list[index - 1]! > value) index--; // new ordinals are the largest: O(1) in practice
  list.splice(index, 0, value);
}

function removeSorted(list: number[] | undefined, value: number, onEmpty: () => void): void {
  assert(list !== undefined, 'a removed key was indexed');
  const index = list.indexOf(value);
  // Stryker disable next-line ConditionalExpression: set removes only keys a patient had, so the ordinal is always listed
  assert(index >= 0, 'a removed key listed the ordinal');
  list.splice(index, 1);
  // Stryker disable next-line ConditionalExpression: an emptied list left in its map is read as no patient; it only keeps memory
  if (list.length === 0) onEmpty();
}

function getOrCreate<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
