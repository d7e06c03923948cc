import { Dbf, DbrType, decodeDbrForWrite, type DbrValue } from '../../../../../src/ca/protocol/dbr';
import { hex, string40, zeros } from './fixtures';

const LABELS = ['Off', 'On'];

function written(payload: Buffer, dbrType: number, count: number, nativeType: number, enumStrings = LABELS): DbrValue {
  const result = decodeDbrForWrite(payload, dbrType, count, nativeType, enumStrings);
  if (!result.ok) throw new Error(`unexpected ${result.error}: ${result.message}`);
  return result.value;
}

function refusal(payload: Buffer, dbrType: number, count: number, nativeType: number, enumStrings = LABELS) {
  const result = decodeDbrForWrite(payload, dbrType, count, nativeType, enumStrings);
  if (result.ok) throw new Error(`accepted as ${String(result.value)}`);
  return result.error;
}

// Each plain DBR type sent, into a PV of each native type (dbPut conversions).
const SENT = [
  { name: 'STRING "42"', dbrType: DbrType.STRING, bytes: hex(string40('3432')) },
  { name: 'SHORT -2', dbrType: DbrType.SHORT, bytes: hex('fffe') },
  { name: 'FLOAT 2.75', dbrType: DbrType.FLOAT, bytes: hex('40300000') },
  { name: 'ENUM 1', dbrType: DbrType.ENUM, bytes: hex('0001') },
  { name: 'CHAR 200', dbrType: DbrType.CHAR, bytes: hex('c8') },
  { name: 'LONG 70000', dbrType: DbrType.LONG, bytes: hex('00011170') },
  { name: 'DOUBLE -1234.5678', dbrType: DbrType.DOUBLE, bytes: hex('c0934a456d5cfaad') },
];

// Rows: as SENT. Columns: native STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE.
const EXPECTED: readonly (readonly DbrValue[])[] = [
  [['42'], Int16Array.of(42), Float32Array.of(42), Uint16Array.of(42), Uint8Array.of(42), Int32Array.of(42), Float64Array.of(42)],
  [['-2'], Int16Array.of(-2), Float32Array.of(-2), Uint16Array.of(65534), Uint8Array.of(254), Int32Array.of(-2), Float64Array.of(-2)],
  // a number put to a STRING field is formatted with dbConvert's default precision, 6
  [['2.750000'], Int16Array.of(2), Float32Array.of(2.75), Uint16Array.of(2), Uint8Array.of(2), Int32Array.of(2), Float64Array.of(2.75)],
  // an ENUM put to a STRING field is its index, not a label
  [['1'], Int16Array.of(1), Float32Array.of(1), Uint16Array.of(1), Uint8Array.of(1), Int32Array.of(1), Float64Array.of(1)],
  [['200'], Int16Array.of(200), Float32Array.of(200), Uint16Array.of(200), Uint8Array.of(200), Int32Array.of(200), Float64Array.of(200)],
  [['70000'], Int16Array.of(4464), Float32Array.of(70000), Uint16Array.of(4464), Uint8Array.of(112), Int32Array.of(70000), Float64Array.of(70000)],
  [
    ['-1234.567800'],
    Int16Array.of(-1234),
    Float32Array.of(-1234.5678),
    Uint16Array.of(64302),
    Uint8Array.of(46),
    Int32Array.of(-1234),
    Float64Array.of(-1234.5678),
  ],
];

describe('decodeDbrForWrite conversions', () => {
  const cases = SENT.flatMap(({ name, dbrType, bytes }, row) => EXPECTED[row]!.map((value, nativeType) => [name, nativeType, dbrType, bytes, value] as const));
  it.each(cases)('%s into native type %i', (_name, nativeType, dbrType, bytes, value) => {
    expect(written(bytes, dbrType, 1, nativeType)).toEqual(value);
  });

  it('takes the value part of STS, TIME, GR and CTRL types', () => {
    const sts = hex('0003 0002', '00000000' /* RISC_pad */, '400c000000000000' /* 3.5 */);
    expect(written(sts, DbrType.STS_DOUBLE, 1, Dbf.DOUBLE)).toEqual(Float64Array.of(3.5));
    const time = hex('0000 0000', zeros(8) /* stamp */, '0000' /* pad0 */, '00' /* pad1 */, '07');
    expect(written(time, DbrType.TIME_CHAR, 1, Dbf.LONG)).toEqual(Int32Array.of(7));
    const timeString = hex('0000 0000', zeros(8), string40('4f6e'));
    expect(written(timeString, DbrType.TIME_STRING, 1, Dbf.ENUM)).toEqual(Uint16Array.of(1));
    const ctrl = hex('0000 0000', '0002 0000' /* precision, pad */, zeros(8) /* units */, zeros(64) /* limits */, 'c004000000000000');
    expect(written(ctrl, DbrType.CTRL_DOUBLE, 1, Dbf.DOUBLE)).toEqual(Float64Array.of(-2.5));
  });

  it('takes GR_STRING and CTRL_STRING writes in the dbr_sts_string layout', () => {
    for (const dbrType of [DbrType.GR_STRING, DbrType.CTRL_STRING]) {
      expect(written(hex('0000 0000', string40('2d3132')), dbrType, 1, Dbf.SHORT)).toEqual(Int16Array.of(-12));
    }
  });

  it('matches enum labels first, then state numbers, leaving the range check to the PV', () => {
    expect(written(hex(string40('4f6e')), DbrType.STRING, 1, Dbf.ENUM)).toEqual(Uint16Array.of(1)); // "On"
    expect(written(hex(string40('2031')), DbrType.STRING, 1, Dbf.ENUM)).toEqual(Uint16Array.of(1)); // " 1"
    expect(written(hex(string40('37')), DbrType.STRING, 1, Dbf.ENUM)).toEqual(Uint16Array.of(7)); // "7"
    expect(written(hex(string40('31')), DbrType.STRING, 1, Dbf.ENUM, ['1', '0'])).toEqual(Uint16Array.of(0)); // label "1"
    expect(refusal(hex(string40('4d61796265')), DbrType.STRING, 1, Dbf.ENUM)).toBe('putFail'); // "Maybe"
  });

  it('accepts a lone DBR_STRING sent as its text rounded up to 8 bytes', () => {
    expect(written(hex('332e3700 00000000' /* "3.7", NUL, padding */), DbrType.STRING, 1, Dbf.DOUBLE)).toEqual(Float64Array.of(3.7));
    expect(written(hex('616200'), DbrType.STRING, 1, Dbf.STRING)).toEqual(['ab']);
  });

  it('converts arrays element by element', () => {
    const longs = hex('00000001 ffffffff 7fffffff');
    expect(written(longs, DbrType.LONG, 3, Dbf.DOUBLE)).toEqual(Float64Array.of(1, -1, 2147483647));
    const strings = hex(string40('31'), string40('2d322e35'), string40('31653130'));
    expect(written(strings, DbrType.STRING, 3, Dbf.FLOAT)).toEqual(Float32Array.of(1, -2.5, 1e10));
    expect(written(hex('000a ffff'), DbrType.SHORT, 2, Dbf.STRING)).toEqual(['10', '-1']);
  });

  it('keeps only the first 39 bytes of a string without terminator', () => {
    expect(written(hex('41'.repeat(40)), DbrType.STRING, 1, Dbf.STRING)).toEqual(['A'.repeat(39)]);
  });

  it('clamps a DOUBLE beyond float range into a FLOAT PV', () => {
    expect(written(hex('7e37e43c8800759c' /* 1e300 */), DbrType.DOUBLE, 1, Dbf.FLOAT)).toEqual(Float32Array.of(3.4028234663852886e38));
  });

  it('passes PUT_ACKT and PUT_ACKS through unconverted', () => {
    expect(written(hex('0001'), DbrType.PUT_ACKT, 1, Dbf.DOUBLE)).toEqual(Uint16Array.of(1));
    expect(written(hex('0003'), DbrType.PUT_ACKS, 1, Dbf.STRING)).toEqual(Uint16Array.of(3));
  });
});

describe('decodeDbrForWrite refusals', () => {
  it('refuses text that is no number of the native type', () => {
    const abc = hex(string40('616263'));
    for (const nativeType of [Dbf.SHORT, Dbf.FLOAT, Dbf.CHAR, Dbf.LONG, Dbf.DOUBLE]) {
      expect(refusal(abc, DbrType.STRING, 1, nativeType)).toBe('putFail');
    }
    expect(refusal(hex(string40('')), DbrType.STRING, 1, Dbf.DOUBLE)).toBe('putFail'); // empty
    expect(refusal(hex(string40('312e35')), DbrType.STRING, 1, Dbf.LONG)).toBe('putFail'); // "1.5": strtol stops at "."
    expect(refusal(hex(string40('3332373638')), DbrType.STRING, 1, Dbf.SHORT)).toBe('putFail'); // "32768"
    expect(refusal(hex(string40('316534303030')), DbrType.STRING, 1, Dbf.DOUBLE)).toBe('putFail'); // "1e4000"
  });

  it('fails the whole write when one element fails', () => {
    const strings = hex(string40('31'), string40('78'));
    const result = decodeDbrForWrite(strings, DbrType.STRING, 2, Dbf.DOUBLE, []);
    expect(result).toEqual({ ok: false, error: 'putFail', message: 'cannot convert "x" to DBF_DOUBLE' });
  });

  it('refuses unknown DBR types as badType', () => {
    for (const dbrType of [39, -1, 1.5, 1000]) expect(refusal(hex(zeros(64)), dbrType, 1, Dbf.DOUBLE)).toBe('badType');
  });

  it('refuses STSACK_STRING and CLASS_NAME writes as rsrv does, with putFail', () => {
    expect(refusal(hex(zeros(48)), DbrType.STSACK_STRING, 1, Dbf.STRING)).toBe('putFail');
    expect(refusal(hex(zeros(40)), DbrType.CLASS_NAME, 1, Dbf.STRING)).toBe('putFail');
  });

  it('refuses a payload shorter than the count needs, and a count below 1', () => {
    expect(refusal(hex('0000 0000 0000'), DbrType.STS_DOUBLE, 1, Dbf.DOUBLE)).toBe('putFail');
    expect(refusal(hex('00000001 00000002'), DbrType.LONG, 3, Dbf.LONG)).toBe('putFail');
    expect(refusal(hex(string40('31')), DbrType.STRING, 2, Dbf.LONG)).toBe('putFail');
    expect(refusal(hex(''), DbrType.STRING, 1, Dbf.STRING)).toBe('putFail');
    expect(refusal(hex('0001'), DbrType.SHORT, 0, Dbf.SHORT)).toBe('putFail');
  });
});
