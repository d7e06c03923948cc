import { Dbf, DbrType, dbrPayloadSize, decodeDbr, encodeDbr } from '../../../../../src/ca/protocol/dbr';
import { encodeInto, hex, source, string40, zeros } from './fixtures';

describe('encodeDbr with a count other than the current length', () => {
  const doubles = source({ type: Dbf.DOUBLE, value: Float64Array.of(1, 2, 3) });

  it('zero-fills elements past the current length', () => {
    const size = dbrPayloadSize(DbrType.TIME_DOUBLE, 5);
    expect(size).toBe(24 + 4 * 8);
    const { written, after } = encodeInto(size, (target, offset) => encodeDbr(target, offset, DbrType.TIME_DOUBLE, 5, doubles));
    expect(written.toString('hex')).toBe(
      hex(
        '0003 0002', // status, severity
        '3b9aca00 075bcd15', // stamp
        '00000000', // RISC_pad
        '3ff0000000000000 4000000000000000 4008000000000000', // 1, 2, 3
        zeros(16), // elements 4 and 5
      ).toString('hex'),
    );
    expect(after).toBe(0xaa);
  });

  it('sends only the first elements when the count is smaller', () => {
    const { written } = encodeInto(4, (target, offset) => encodeDbr(target, offset, DbrType.SHORT, 2, doubles));
    expect(written.toString('hex')).toBe('00010002');
  });

  it('does the same for strings, converting each element', () => {
    const pv = source({ type: Dbf.LONG, value: Int32Array.of(-7, 42) });
    const { written } = encodeInto(44 + 2 * 40, (target, offset) => encodeDbr(target, offset, DbrType.STS_STRING, 3, pv));
    expect(written.toString('hex')).toBe(hex('0003 0002', string40('2d37') /* "-7" */, string40('3432') /* "42" */, zeros(40)).toString('hex'));
  });

  it('overwrites stale bytes of a reused buffer in pads and zero-filled tails', () => {
    const chars = source({ type: Dbf.CHAR, value: Uint8Array.of(1, 2) });
    const { written } = encodeInto(dbrPayloadSize(DbrType.CTRL_CHAR, 4), (target, offset) => encodeDbr(target, offset, DbrType.CTRL_CHAR, 4, chars));
    expect(written.subarray(20).toString('hex')).toBe('00' /* RISC_pad */ + '0102' + '0000');
  });

  it('round-trips a waveform through decodeDbr', () => {
    const wave = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
    const pv = source({ type: Dbf.FLOAT, value: wave });
    const target = Buffer.alloc(dbrPayloadSize(DbrType.GR_FLOAT, 1000));
    encodeDbr(target, 0, DbrType.GR_FLOAT, 1000, pv);
    expect(decodeDbr(target, DbrType.GR_FLOAT, 1000).value).toEqual(wave);
  });
});
