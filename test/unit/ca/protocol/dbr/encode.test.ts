import { Dbf, DbrType, dbrPayloadSize, encodeDbr } from '../../../../../src/ca/protocol/dbr';
import { encodeInto, hex, SCALAR_SOURCES, source, string40, zeros } from './fixtures';
import { LAYOUTS } from './layouts';

describe('encodeDbr layouts (db_access.h, big-endian)', () => {
  it('has a fixture for every DBR type 0..38', () => {
    expect(LAYOUTS.map((layout) => layout.dbrType)).toEqual(Array.from({ length: 39 }, (_, type) => type));
  });

  it.each(LAYOUTS.map((layout) => [layout.name, layout] as const))('%s', (_name, layout) => {
    expect(dbrPayloadSize(layout.dbrType, 1)).toBe(layout.bytes.length);
    const { written, before, after } = encodeInto(layout.bytes.length, (target, offset) =>
      encodeDbr(target, offset, layout.dbrType, 1, SCALAR_SOURCES[layout.sourceType]!),
    );
    expect(written.toString('hex')).toBe(layout.bytes.toString('hex'));
    expect([before, after]).toEqual([0xaa, 0xaa]);
  });
});

describe('encodeDbr details', () => {
  it('sends GR/CTRL precision only for FLOAT and DOUBLE PVs, as dbAccess does', () => {
    const long = source({ type: Dbf.LONG, value: Int32Array.of(7), precision: 4 });
    const { written } = encodeInto(dbrPayloadSize(DbrType.GR_DOUBLE, 1), (target, offset) => encodeDbr(target, offset, DbrType.GR_DOUBLE, 1, long));
    expect(written.subarray(4, 8).toString('hex')).toBe('00000000'); // precision 0, RISC_pad0
    expect(written.subarray(64).toString('hex')).toBe('401c000000000000'); // value 7.0
  });

  it('fills all 16 enum label slots, cutting labels to 25 bytes and a NUL', () => {
    const labels = Array.from({ length: 17 }, (_, i) => String.fromCharCode(0x41 + i)); // "A".."Q"
    labels[15] = 'abcdefghijklmnopqrstuvwxyz'; // 26 letters
    const pv = source({ type: Dbf.ENUM, value: Uint16Array.of(15), enumStrings: labels });
    const { written } = encodeInto(424, (target, offset) => encodeDbr(target, offset, DbrType.CTRL_ENUM, 1, pv));
    const slots = Array.from({ length: 15 }, (_, i) => (0x41 + i).toString(16) + zeros(25)).join('');
    const expected = hex(
      '0003 0002', // status, severity
      '0010', // no_str 16: the 17th label does not fit
      slots, // "A".."O"
      '6162636465666768696a6b6c6d6e6f707172737475767778 79 00', // "a".."y" (25 bytes), NUL
      '000f', // value 15
    );
    expect(written.toString('hex')).toBe(expected.toString('hex'));
  });

  it('cuts strings to 39 bytes of UTF-8 without splitting a character', () => {
    const text = 'x'.repeat(38) + 'é'; // 38 + 2 bytes: the é does not fit
    const pv = source({ type: Dbf.STRING, value: [text] });
    const { written } = encodeInto(40, (target, offset) => encodeDbr(target, offset, DbrType.STRING, 1, pv));
    expect(written.toString('hex')).toBe('78'.repeat(38) + '0000');
    const fits = source({ type: Dbf.STRING, value: ['x'.repeat(37) + 'é'] }); // exactly 39 bytes
    const { written: whole } = encodeInto(40, (target, offset) => encodeDbr(target, offset, DbrType.STRING, 1, fits));
    expect(whole.toString('hex')).toBe('78'.repeat(37) + 'c3a9' + '00');
  });

  it('cuts units to 7 bytes and a NUL', () => {
    const pv = source({ type: Dbf.SHORT, value: Int16Array.of(1), units: 'furlongs' });
    const { written } = encodeInto(26, (target, offset) => encodeDbr(target, offset, DbrType.GR_SHORT, 1, pv));
    expect(written.subarray(4, 12).toString('hex')).toBe('6675726c6f6e6700'); // "furlong", NUL
  });

  it('answers CLASS_NAME with the record type and zeros for further elements', () => {
    const pv = source({ type: Dbf.DOUBLE, value: Float64Array.of(0), className: 'calcout' });
    const { written } = encodeInto(80, (target, offset) => encodeDbr(target, offset, DbrType.CLASS_NAME, 2, pv));
    expect(written.toString('hex')).toBe(hex(string40('63616c636f7574'), zeros(40)).toString('hex'));
  });

  it('refuses a count below 1 and an unknown type', () => {
    const pv = SCALAR_SOURCES[Dbf.DOUBLE]!;
    const target = Buffer.alloc(64);
    expect(() => encodeDbr(target, 0, DbrType.DOUBLE, 0, pv)).toThrow(RangeError);
    expect(() => encodeDbr(target, 0, 39, 1, pv)).toThrow(RangeError);
  });
});
