// Field text is bytes in a C record; here it is a JS string measured and cut in UTF-8 bytes.

/** DBR_STRING carries at most 39 bytes and a NUL. */
export const MAX_DBR_STRING_BYTES = 39;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` that fits `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Text as a NUL-terminated CHAR array; `length` pads with NULs (fixed fields) or, if absent, fits the text. */
export function textToChars(text: string, length?: number): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  const chars = new Uint8Array(length ?? bytes.length + 1);
  chars.set(bytes.subarray(0, chars.length - 1));
  return chars;
}

/** A CHAR array as text: up to the first NUL. */
export function charsToText(chars: Uint8Array): string {
  const end = chars.indexOf(0);
  return Buffer.from(chars.buffer, chars.byteOffset, end < 0 ? chars.length : end).toString('utf8');
}
