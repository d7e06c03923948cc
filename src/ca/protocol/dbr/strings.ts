// Fixed-size C strings inside DBRs: dbr_string_t (40), units (8), enum labels (26).

/**
 * Writes `text` as UTF-8 into a `size`-byte slot and NUL-fills the rest. At most `size - 1`
 * bytes of text go in, so the slot always ends in a terminator; Buffer.write never splits a
 * character, so truncation cuts at a character boundary.
 */
export function writeCString(target: Buffer, offset: number, size: number, text: string): void {
  const written = target.write(text, offset, size - 1, 'utf8');
  target.fill(0, offset + written, offset + size);
}

/**
 * Reads the text before the first NUL, looking at no more than `maxBytes` bytes nor past the
 * payload. The IOC forces a terminator into the last byte of strings and units, so callers pass
 * `size - 1` for those; enum labels may fill all 26 bytes.
 */
export function readCString(payload: Buffer, offset: number, maxBytes: number): string {
  const limit = Math.min(offset + maxBytes, payload.length);
  let end = offset;
  while (end < limit && payload[end] !== 0) end++;
  return payload.toString('utf8', offset, end);
}
