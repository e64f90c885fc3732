// How names, phones and identifiers are compared in search: case- and accent-insensitive name tokens,
// phone digits, compacted identifiers, and a bounded edit distance for typos. Search only; stored values
// are kept exactly as entered.

/** Letters that do not decompose into a base letter plus marks. */
const foldedLetters: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't',
};
const combiningMarks = /\p{M}+/gu;
const apostrophes = /['’ʼ`]/g;
const nonWordRuns = /[^\p{L}\p{N}]+/u;
const specialLetters = /[ßæœøđðłþıħŧ]/g;

/** Lower case, accents removed: 'Ndèye Öztürk' -> 'ndeye ozturk'. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(combiningMarks, '')
    .toLowerCase()
    .replace(specialLetters, (letter) => foldedLetters[letter] ?? letter);
}

/** Searchable tokens of a name: folded, apostrophes dropped ("O'Brien" -> 'obrien'), split on anything else. */
export function nameTokens(text: string): string[] {
  return foldText(text).replace(apostrophes, '').split(nonWordRuns).filter((token) => token.length > 0);
}

/** Only the digits of a phone number. */
export function phoneDigits(text: string): string {
  let digits = '';
  for (const character of text) if (character >= '0' && character <= '9') digits += character;
  return digits;
}

/** An identifier as people type it: case, spaces, dashes, dots and slashes do not matter. */
export function compactIdentifier(text: string): string {
  return foldText(text).replace(/[\s./-]+/g, '');
}

/**
 * Whether two strings are within one edit: one substitution, insertion, deletion, or a swap of two adjacent
 * characters (optimal string alignment distance <= 1). O(length), no allocation.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const lengthDifference = a.length - b.length;
  if (lengthDifference > 1 || lengthDifference < -1) return false;
  if (lengthDifference !== 0) {
    const [longer, shorter] = lengthDifference > 0 ? [a, b] : [b, a];
    let index = 0;
    while (index < shorter.length && longer.charCodeAt(index) === shorter.charCodeAt(index)) index++;
    for (let rest = index; rest < shorter.length; rest++) {
      if (longer.charCodeAt(rest + 1) !== shorter.charCodeAt(rest)) return false;
    }
    return true;
  }
  let first = 0;
  while (first < a.length && a.charCodeAt(first) === b.charCodeAt(first)) first++;
  if (first === a.length) return true;
  const transposed = first + 1 < a.length
    && a.charCodeAt(first) === b.charCodeAt(first + 1) && a.charCodeAt(first + 1) === b.charCodeAt(first);
  const resumeAt = transposed ? first + 2 : first + 1;
  for (let index = resumeAt; index < a.length; index++) {
    if (a.charCodeAt(index) !== b.charCodeAt(index)) return false;
  }
  return true;
}

/** Every string made by deleting one character (the deletion neighbourhood of fuzzy search). */
export function singleDeletions(token: string): string[] {
  const deletions: string[] = [];
  for (let index = 0; index < token.length; index++) {
    const deletion = token.slice(0, index) + token.slice(index + 1);
    if (deletions[deletions.length - 1] !== deletion) deletions.push(deletion);
  }
  return deletions;
}
