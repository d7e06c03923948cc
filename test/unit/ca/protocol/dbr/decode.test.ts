import { Dbf, DbrType, dbrElementType, decodeDbr } from '../../../../../src/ca/protocol/dbr';
import { hex, SCALAR_SOURCES, string40 } from './fixtures';
import { LAYOUTS } from './layouts';

const STAMP = { secondsPastEpoch: 1_000_000_000, nanoseconds: 123_456_789 };
const ALARM = { status: 3, severity: 2 };

function layout(dbrType: number): Buffer {
  const found = LAYOUTS.find((candidate) => candidate.dbrType === dbrType);
  if (!found) throw new Error(`no layout for ${dbrType}`);
  return found.bytes;
}

describe('decodeDbr', () => {
  it.each(LAYOUTS.filter((l) => l.dbrType <= DbrType.CTRL_DOUBLE).map((l) => [l.name, l] as const))(
    '%s gives back the value it was made from',
    (_name, { dbrType, sourceType }) => {
      const decoded = decodeDbr(layout(dbrType), dbrType, 1);
      expect(decoded.dbrType).toBe(dbrType);
      expect(decoded.value).toEqual(SCALAR_SOURCES[sourceType]!.value());
      expect(dbrElementType(dbrType)).toBe(sourceType);
    },
  );

  it('reads a plain DBR as the value alone', () => {
    expect(decodeDbr(layout(DbrType.LONG), DbrType.LONG, 1)).toEqual({ dbrType: DbrType.LONG, value: Int32Array.of(-100000) });
  });

  it('reads STS status and severity past the pad', () => {
    expect(decodeDbr(layout(DbrType.STS_DOUBLE), DbrType.STS_DOUBLE, 1)).toEqual({
      dbrType: DbrType.STS_DOUBLE,
      value: Float64Array.of(-2.5),
      ...ALARM,
    });
  });

  it('reads the TIME stamp', () => {
    expect(decodeDbr(layout(DbrType.TIME_CHAR), DbrType.TIME_CHAR, 1)).toEqual({
      dbrType: DbrType.TIME_CHAR,
      value: Uint8Array.of(200),
      ...ALARM,
      timeStamp: STAMP,
    });
  });

  it('reads GR units and limits in the element type', () => {
    expect(decodeDbr(layout(DbrType.GR_CHAR), DbrType.GR_CHAR, 1)).toEqual({
      dbrType: DbrType.GR_CHAR,
      value: Uint8Array.of(200),
      ...ALARM,
      units: 'mV',
      upperDisplayLimit: 100,
      lowerDisplayLimit: 156,
      upperAlarmLimit: 90,
      upperWarningLimit: 80,
      lowerWarningLimit: 176,
      lowerAlarmLimit: 166,
    });
  });

  it('reads CTRL precision and control limits', () => {
    expect(decodeDbr(layout(DbrType.CTRL_FLOAT), DbrType.CTRL_FLOAT, 1)).toEqual({
      dbrType: DbrType.CTRL_FLOAT,
      value: Float32Array.of(1.5),
      ...ALARM,
      precision: 3,
      units: 'mV',
      upperDisplayLimit: 100,
      lowerDisplayLimit: -100,
      upperAlarmLimit: 90,
      upperWarningLimit: 80,
      lowerWarningLimit: -80,
      lowerAlarmLimit: -90,
      upperControlLimit: 95,
      lowerControlLimit: -95,
    });
  });

  it('reads GR/CTRL_ENUM labels', () => {
    for (const dbrType of [DbrType.GR_ENUM, DbrType.CTRL_ENUM]) {
      expect(decodeDbr(layout(dbrType), dbrType, 1)).toEqual({
        dbrType,
        value: Uint16Array.of(1),
        ...ALARM,
        enumStrings: ['Off', 'On'],
      });
    }
  });

  it('reads a 26-byte label without terminator whole', () => {
    const letters = '6162636465666768696a6b6c6d6e6f707172737475767778797a'; // "a".."z"
    const payload = hex('0000 0000', '0001', letters, '00'.repeat(15 * 26), '0000');
    expect(decodeDbr(payload, DbrType.GR_ENUM, 1).enumStrings).toEqual(['abcdefghijklmnopqrstuvwxyz']);
  });

  it('reads GR_STRING and CTRL_STRING as dbr_sts_string', () => {
    for (const dbrType of [DbrType.GR_STRING, DbrType.CTRL_STRING]) {
      expect(decodeDbr(hex('0001 0003', string40('78797a')), dbrType, 1)).toEqual({ dbrType, value: ['xyz'], status: 1, severity: 3 });
    }
  });

  it('reads the special types', () => {
    expect(decodeDbr(layout(DbrType.PUT_ACKT), DbrType.PUT_ACKT, 1)).toEqual({ dbrType: DbrType.PUT_ACKT, value: Uint16Array.of(1), ackt: 1 });
    expect(decodeDbr(layout(DbrType.PUT_ACKS), DbrType.PUT_ACKS, 1)).toEqual({ dbrType: DbrType.PUT_ACKS, value: Uint16Array.of(2), acks: 2 });
    expect(decodeDbr(layout(DbrType.STSACK_STRING), DbrType.STSACK_STRING, 1)).toEqual({
      dbrType: DbrType.STSACK_STRING,
      value: ['abc'],
      ...ALARM,
      ackt: 1,
      acks: 2,
    });
    expect(decodeDbr(layout(DbrType.CLASS_NAME), DbrType.CLASS_NAME, 1)).toEqual({
      dbrType: DbrType.CLASS_NAME,
      value: ['ai'],
      className: 'ai',
    });
  });

  it('reads arrays', () => {
    const payload = hex('0000 0001', '0000000000000000' /* stamp */, '0000 0001 fffe 7fff' /* pad, 1, -2, 32767 */);
    expect(decodeDbr(payload, DbrType.TIME_SHORT, 3).value).toEqual(Int16Array.of(1, -2, 32767));
    expect(decodeDbr(hex(string40('61'), string40('')), DbrType.STRING, 2).value).toEqual(['a', '']);
  });

  it('reads a lone DBR_STRING cut short after its terminator, as rsrv sends it', () => {
    expect(decodeDbr(hex('68656c6c6f00 0000' /* "hello", NUL, pad to 8 */), DbrType.STRING, 1).value).toEqual(['hello']);
  });

  it('refuses a payload too short for the count, and unknown types', () => {
    expect(() => decodeDbr(hex('0001'), DbrType.LONG, 1)).toThrow(RangeError);
    expect(() => decodeDbr(hex('0000 0000', '0000'), DbrType.STS_DOUBLE, 1)).toThrow(RangeError);
    expect(() => decodeDbr(hex('00'), 39, 1)).toThrow(RangeError);
  });

  it('stops at 39 bytes where a string has no terminator', () => {
    expect(decodeDbr(hex('41'.repeat(40)), DbrType.STRING, 1).value).toEqual(['A'.repeat(39)]);
  });

  it('keeps element types distinct from the source type', () => {
    expect(dbrElementType(DbrType.PUT_ACKT)).toBe(Dbf.ENUM);
    expect(dbrElementType(DbrType.CLASS_NAME)).toBe(Dbf.STRING);
  });
});
