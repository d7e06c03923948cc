import isValidUTF8 from '../../../overrides/utf-8-validate';

// overrides/utf-8-validate stands in for the utf-8-validate package (package.json "overrides"), so
// it must answer as utf-8-validate does: true exactly for well-formed UTF-8. The expected answers
// are those of RFC 3629 section 4 and the Unicode Standard's Table 3-7 ("Well-Formed UTF-8 Byte
// Sequences"): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.

const bytes = (...values: number[]) => Buffer.from(values);

describe('utf-8-validate override (on buffer.isUtf8)', () => {
  it.each([
    ['empty', bytes()],
    ['ASCII', Buffer.from('MEMTRACE:HEAP_USED', 'latin1')],
    ['two bytes, lowest (U+0080)', bytes(0xc2, 0x80)],
    ['two bytes, highest (U+07FF)', bytes(0xdf, 0xbf)],
    ['three bytes, lowest (U+0800)', bytes(0xe0, 0xa0, 0x80)],
    ['three bytes, below the surrogates (U+D7FF)', bytes(0xed, 0x9f, 0xbf)],
    ['three bytes, above the surrogates (U+E000)', bytes(0xee, 0x80, 0x80)],
    ['the replacement character itself (U+FFFD)', bytes(0xef, 0xbf, 0xbd)],
    ['four bytes, lowest (U+10000)', bytes(0xf0, 0x90, 0x80, 0x80)],
    ['four bytes, highest (U+10FFFF)', bytes(0xf4, 0x8f, 0xbf, 0xbf)],
    ['mixed text', Buffer.from('µs · Δt → 𝄞', 'utf8')],
  ])('accepts %s', (_name, buffer) => {
    expect(isValidUTF8(buffer)).toBe(true);
  });

  it.each([
    ['a lone continuation byte', bytes(0x80)],
    ['overlong NUL (C0 80)', bytes(0xc0, 0x80)],
    ['overlong two-byte form (C1 BF)', bytes(0xc1, 0xbf)],
    ['overlong three-byte form (E0 9F BF)', bytes(0xe0, 0x9f, 0xbf)],
    ['overlong four-byte form (F0 8F BF BF)', bytes(0xf0, 0x8f, 0xbf, 0xbf)],
    ['a high surrogate (U+D800)', bytes(0xed, 0xa0, 0x80)],
    ['a low surrogate (U+DFFF)', bytes(0xed, 0xbf, 0xbf)],
    ['above U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['a lead byte F5', bytes(0xf5, 0x80, 0x80, 0x80)],
    ['the byte FF', bytes(0x41, 0xff)],
    ['a sequence cut short', bytes(0x41, 0xe2, 0x82)],
    ['a lead byte followed by ASCII', bytes(0xc3, 0x41)],
    ['bad bytes after 64 good ones (past any short-input path)', Buffer.concat([Buffer.alloc(64, 0x61), bytes(0xed, 0xa0, 0x80)])],
  ])('refuses %s', (_name, buffer) => {
    expect(isValidUTF8(buffer)).toBe(false);
  });

  it('checks only the bytes of the view it is given', () => {
    const whole = bytes(0xff, 0x41, 0x42, 0xff);
    expect(isValidUTF8(whole.subarray(1, 3))).toBe(true);
    expect(isValidUTF8(whole)).toBe(false);
  });

  it('agrees with a fatal TextDecoder on strings of well-formed and ill-formed pieces', () => {
    // A fixed-seed generator (xorshift32) so that a failure can be replayed.
    let state = 0x2545f491;
    const next = (limit: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % limit;
    };
    const good = [[0x41], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xed, 0x9f, 0xbf], [0xf0, 0x9d, 0x84, 0x9e], [0xf4, 0x8f, 0xbf, 0xbf]];
    // Ill-formed alone, and some (a cut-short lead, a lone continuation) that may join a neighbour.
    const bad = [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0], [0xff]];
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const wellFormed = (buffer: Buffer) => {
      try {
        decoder.decode(buffer);
        return true;
      } catch {
        return false;
      }
    };
    const seen = { true: 0, false: 0 };
    for (let i = 0; i < 5000; i++) {
      // One piece in ten ill-formed: about half of the strings are well-formed.
      const pieces = Array.from({ length: 1 + next(12) }, () => (next(10) === 0 ? bad[next(bad.length)]! : good[next(good.length)]!));
      const buffer = Buffer.from(pieces.flat());
      const expected = wellFormed(buffer);
      if (isValidUTF8(buffer) !== expected) throw new Error(`disagrees on ${buffer.toString('hex')}: TextDecoder says ${String(expected)}`);
      seen[`${expected}`]++;
    }
    expect(seen.true).toBeGreaterThan(1000);
    expect(seen.false).toBeGreaterThan(1000);
  });
});
