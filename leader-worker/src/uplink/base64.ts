// Command bytes travel to central as base64 inside JSON. Neither Node 20 nor every Chrome a clinic runs has
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
