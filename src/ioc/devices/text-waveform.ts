/**
 * Text for a CHAR waveform of `capacity` elements: cut at the last line boundary that fits with
 * its NUL terminator, so that a client never sees half a line (nor half a UTF-8 character).
 */
export function fitText(text: string, capacity: number): string {
  const room = capacity - 1;
  if (Buffer.byteLength(text, 'utf8') <= room) return text;
  const bytes = Buffer.from(text, 'utf8');
  const cut = bytes.lastIndexOf(0x0a, room);
  return cut > 0 ? bytes.toString('utf8', 0, cut) : bytes.toString('utf8', 0, room).replace(/\uFFFD$/, '');
}
