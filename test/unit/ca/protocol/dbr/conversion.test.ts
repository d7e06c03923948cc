// Every native type read as every plain DBR type: what rsrv's dbGet conversions give.

import { Dbf, dbrPayloadSize, encodeDbr } from '../../../../../src/ca/protocol/dbr';
import { encodeInto, source, string40 } from './fixtures';

const NATIVES = [
  { name: 'STRING "42"', pv: source({ type: Dbf.STRING, value: ['42'] }) },
  { name: 'SHORT -2', pv: source({ type: Dbf.SHORT, value: Int16Array.of(-2) }) },
  { name: 'FLOAT 2.75, PREC 2', pv: source({ type: Dbf.FLOAT, value: Float32Array.of(2.75), precision: 2 }) },
  { name: 'ENUM 1 of Off/On', pv: source({ type: Dbf.ENUM, value: Uint16Array.of(1), enumStrings: ['Off', 'On'] }) },
  { name: 'CHAR 200', pv: source({ type: Dbf.CHAR, value: Uint8Array.of(200) }) },
  { name: 'LONG 70000', pv: source({ type: Dbf.LONG, value: Int32Array.of(70000) }) },
  { name: 'DOUBLE -1234.5678, PREC 3', pv: source({ type: Dbf.DOUBLE, value: Float64Array.of(-1234.5678), precision: 3 }) },
];

// Rows: native types as above. Columns: DBR_STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE.
const EXPECTED: readonly (readonly string[])[] = [
  [string40('3432'), '002a', '42280000', '002a', '2a', '0000002a', '4045000000000000'],
  // integers wrap into unsigned types: -2 is 0xfffe as ENUM, 0xfe as CHAR
  [string40('2d32'), 'fffe', 'c0000000', 'fffe', 'fe', 'fffffffe', 'c000000000000000'],
  // "2.75"; 2.75 truncates to 2
  [string40('322e3735'), '0002', '40300000', '0002', '02', '00000002', '4006000000000000'],
  // the label "On"
  [string40('4f6e'), '0001', '3f800000', '0001', '01', '00000001', '3ff0000000000000'],
  [string40('323030'), '00c8', '43480000', '00c8', 'c8', '000000c8', '4069000000000000'],
  // 70000 wraps to 4464 (0x1170) as SHORT/ENUM, to 0x70 as CHAR
  [string40('3730303030'), '1170', '4788b800', '1170', '70', '00011170', '40f1170000000000'],
  // "-1234.568" (cvtDoubleToString, PREC 3); -1234 as SHORT/LONG, wrapped as ENUM/CHAR; nearest float
  [string40('2d313233342e353638'), 'fb2e', 'c49a522b', 'fb2e', '2e', 'fffffb2e', 'c0934a456d5cfaad'],
];

describe('native type -> requested plain DBR type', () => {
  const cases = NATIVES.flatMap(({ name, pv }, native) => EXPECTED[native]!.map((bytes, requested) => [name, requested, pv, bytes] as const));
  it.each(cases)('%s as DBR type %i', (_name, requested, pv, bytes) => {
    const { written } = encodeInto(dbrPayloadSize(requested, 1), (target, offset) => encodeDbr(target, offset, requested, 1, pv));
    expect(written.toString('hex')).toBe(bytes);
  });

  it('reads an ENUM without a label for its value as the number', () => {
    const pv = source({ type: Dbf.ENUM, value: Uint16Array.of(5), enumStrings: ['Off', 'On'] });
    const { written } = encodeInto(40, (target, offset) => encodeDbr(target, offset, Dbf.STRING, 1, pv));
    expect(written.toString('hex')).toBe(string40('35'));
  });

  it('reads a STRING PV that holds no number as 0 in numeric types', () => {
    const pv = source({ type: Dbf.STRING, value: ['n/a', ' 12 '] });
    const { written } = encodeInto(4, (target, offset) => encodeDbr(target, offset, Dbf.SHORT, 2, pv));
    expect(written.toString('hex')).toBe('0000000c');
  });

  it('clamps a DOUBLE beyond float range to FLT_MAX as epicsConvertDoubleToFloat does', () => {
    const pv = source({ type: Dbf.DOUBLE, value: Float64Array.of(1e300, -1e-300) });
    const { written } = encodeInto(8, (target, offset) => encodeDbr(target, offset, Dbf.FLOAT, 2, pv));
    expect(written.toString('hex')).toBe('7f7fffff' + '80800000'); // FLT_MAX, -FLT_MIN
  });
});
