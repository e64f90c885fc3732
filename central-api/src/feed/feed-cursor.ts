// Feed cursors: opaque to clinics, a clinic id and a position in that clinic's feed inside. The clinic id
// makes a cursor of one clinic's feed useless (400) on another's, rather than silently skipping items.
const cursorPattern = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/(0|[1-9][0-9]{0,15})$/;

/** Sequence 0 is the position before the first item: the cursor of an empty page at the start. */
export function encodeFeedCursor(clinicId: string, sequence: number): string {
  return Buffer.from(`${clinicId.toLowerCase()}/${sequence}`, 'utf8').toString('base64url');
}

/** The sequence a cursor of this clinic's feed stands for, or undefined for anything that is not one. */
export function decodeFeedCursor(clinicId: string, cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const match = cursorPattern.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null || match[1] !== clinicId.toLowerCase()) return undefined;
  const sequence = Number(match[2]);
  return Number.isSafeInteger(sequence) ? sequence : undefined;
}
