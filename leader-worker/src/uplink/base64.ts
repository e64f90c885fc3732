// Command bytes travel to central as base64 inside JSON (and back to bytes for the binary upload body). Neither Node 20 nor every Chrome a clinic runs has
// Uint8Array.prototype.toBase64 yet, and btoa wants a binary string built char by char: this encodes straight
// from the bytes, in one pass.
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    parts.push(alphabet[triple >> 18]!, alphabet[(triple >> 12) & 63]!, alphabet[(triple >> 6) & 63]!, alphabet[triple & 63]!);
  }
  const left = bytes.length - index;
  if (left === 1) {
    const single = bytes[index]! << 16;
    parts.push(alphabet[single >> 18]!, alphabet[(single >> 12) & 63]!, '==');
  } else if (left === 2) {
    const pair = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    parts.push(alphabet[pair >> 18]!, alphabet[(pair >> 12) & 63]!, alphabet[(pair >> 6) & 63]!, '=');
  }
  return parts.join('');
}

const values = new Map([...alphabet].map((character, value) => [character, value]));

/** The bytes of canonical base64 (standard alphabet, padded), as bytesToBase64 writes it. */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('base64 text is a whole number of 4-character groups');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let written = 0;
  for (let index = 0; index < text.length; index += 4) {
    let group = 0;
    for (let offset = 0; offset < 4; offset++) {
      const character = text[index + offset]!;
      const value = character === '=' ? 0 : values.get(character);
      if (value === undefined) throw new Error(`not base64: ${JSON.stringify(character)}`);
      group = (group << 6) | value;
    }
    for (let shift = 16; shift >= 0 && written < bytes.length; shift -= 8) bytes[written++] = (group >> shift) & 255;
  }
  return bytes;
}
