import { castNumber, doubleToFloat, numberToString, parseNumber } from '../../../../src/ca/protocol/convert';
import { Dbf } from '../../../../src/ca/protocol/dbr';

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

describe('numberToString: DOUBLE as cvtDoubleToString formats it', () => {
  it.each([
    // fixed, built by truncating arithmetic with a round-half-up step
    [1.2345, 3, '1.234'], // 0.2345 is 0.23449999... in binary: truncated, not rounded
    [-1234.5678, 3, '-1234.568'],
    [0.5, 0, '1'],
    [1.5, 0, '2'],
    [-0.001, 2, '-0.00'],
    [Math.PI, 6, '3.141593'],
    [1e-9, 8, '0.00000000'],
    [9999999.999, 2, '10000000.00'],
    // beyond 1e7: printf("%.*f") with at most 3 decimals, ties to even
    [12345678.5, 0, '12345678'],
    [12345679.5, 0, '12345680'],
    [12345678.25, 1, '12345678.2'],
    [123456789.125, 2, '123456789.12'],
    [1e16, 3, '10000000000000000.000'],
    // beyond 1e16 or PREC above 8: printf("%*.*e", PREC + 7, PREC) with PREC at most 17
    [2e16, 3, ' 2.000e+16'],
    [2.5e17, 0, '  2e+17'],
    [1.5, 9, ' 1.500000000e+00'],
    [-1.5, 9, '-1.500000000e+00'],
    [1 / 3, 17, ' 3.33333333333333315e-01'],
    [1 / 3, 20, ' 3.33333333333333315e-01'],
    [1, -1, ' 1.00000000000000000e+00'], // a negative PREC is a large epicsUInt16
    [1e-320, 12, '9.999888671827e-321'],
    [NaN, 3, 'nan'],
    [Infinity, 3, '       inf'],
    [-Infinity, 3, '      -inf'],
  ])('%p with PREC %p is %p', (value, precision, text) => {
    expect(numberToString(value, Dbf.DOUBLE, precision, [])).toBe(text);
  });
});

describe('numberToString: FLOAT as cvtFloatToString formats it, in single precision', () => {
  it.each([
    [1.2345, 3, '1.235'],
    [0.1, 2, '0.10'],
    [0.1, 8, '0.10000000'],
    [-2.5, 4, '-2.5000'],
    [9.5, 0, '10'],
    [5e7, 2, '50000000.00'],
    [1.5e8, 2, '1.50e+08'], // from 1e8 on: "%*.*e" with width PREC + 6
    [1.5, 9, '1.500000000e+00'],
    [1 / 3, 15, '3.333333432674e-01'], // PREC at most 12
    [Infinity, 3, '      inf'],
    [NaN, 3, 'nan'],
  ])('%p with PREC %p is %p', (value, precision, text) => {
    expect(numberToString(Math.fround(value), Dbf.FLOAT, precision, [])).toBe(text);
  });
});

describe('numberToString: integers and enums', () => {
  it('writes integers in decimal, whatever PREC', () => {
    expect(numberToString(-32768, Dbf.SHORT, 3, [])).toBe('-32768');
    expect(numberToString(255, Dbf.CHAR, 3, [])).toBe('255');
    expect(numberToString(-2147483648, Dbf.LONG, 3, [])).toBe('-2147483648');
  });

  it('names an ENUM by its label, or by its number where it has none', () => {
    expect(numberToString(1, Dbf.ENUM, 0, ['Off', 'On'])).toBe('On');
    expect(numberToString(2, Dbf.ENUM, 0, ['Off', 'On'])).toBe('2');
    expect(numberToString(1, Dbf.ENUM, 0, ['Off', ''])).toBe('');
  });
});

describe('castNumber', () => {
  // Columns: to SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE (from DOUBLE)
  it.each([
    [2.9, [2, Math.fround(2.9), 2, 2, 2, 2.9]],
    [-2.9, [-2, Math.fround(-2.9), 65534, 254, -2, -2.9]],
    [70000.5, [4464, 70000.5, 4464, 112, 70000, 70000.5]],
    [3e9, [24064, 3e9, 24064, 0, -1294967296, 3e9]], // 0xb2d05e00 wraps
    [NaN, [0, NaN, 0, 0, 0, NaN]],
    [Infinity, [0, Infinity, 0, 0, 0, Infinity]],
    [1e300, [0, FLT_MAX, 0, 0, 0, 1e300]],
  ])('DOUBLE %p', (value, expected) => {
    const targets = [Dbf.SHORT, Dbf.FLOAT, Dbf.ENUM, Dbf.CHAR, Dbf.LONG, Dbf.DOUBLE];
    expect(targets.map((to) => castNumber(value, Dbf.DOUBLE, to))).toEqual(expected);
  });

  it('wraps integers into narrower and unsigned types', () => {
    expect(castNumber(-1, Dbf.SHORT, Dbf.ENUM)).toBe(65535);
    expect(castNumber(65535, Dbf.ENUM, Dbf.SHORT)).toBe(-1);
    expect(castNumber(-1, Dbf.LONG, Dbf.CHAR)).toBe(255);
    expect(castNumber(200, Dbf.CHAR, Dbf.SHORT)).toBe(200);
    expect(castNumber(2147483647, Dbf.LONG, Dbf.FLOAT)).toBe(2147483648);
  });

  it('clamps only DOUBLE -> FLOAT (epicsConvertDoubleToFloat); a FLOAT stays as it is', () => {
    const denormal = Math.fround(1e-40);
    expect(castNumber(denormal, Dbf.FLOAT, Dbf.FLOAT)).toBe(denormal);
    expect(castNumber(denormal, Dbf.DOUBLE, Dbf.FLOAT)).toBe(FLT_MIN);
  });
});

describe('doubleToFloat', () => {
  it.each([
    [0, 0],
    [1.5, 1.5],
    [0.1, Math.fround(0.1)],
    [1e39, FLT_MAX],
    [-1e39, -FLT_MAX],
    [1e-39, FLT_MIN],
    [-1e-39, -FLT_MIN],
    [Infinity, Infinity],
  ])('%p -> %p', (value, expected) => {
    expect(doubleToFloat(value)).toBe(expected);
  });
});

describe('parseNumber: text as epicsParse* reads it', () => {
  // Columns: SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE; undefined where the IOC refuses.
  const U = undefined;
  it.each([
    ['42', [42, 42, 42, 42, 42, 42]],
    [' \t-7\n', [-7, -7, 65529, 249, -7, -7]], // unsigned types take a sign and wrap, as strtoul
    ['-255', [-255, -255, 65281, 1, -255, -255]],
    ['-256', [-256, -256, 65280, U, -256, -256]],
    ['+300', [300, 300, 300, U, 300, 300]],
    ['007', [7, 7, 7, 7, 7, 7]],
    ['32768', [U, 32768, 32768, U, 32768, 32768]],
    ['65536', [U, 65536, U, U, 65536, 65536]],
    ['-2147483649', [U, -2147483648, U, U, U, -2147483649]],
    ['1.5', [U, 1.5, U, U, U, 1.5]], // strtol stops at the point: extraneous text
    ['1e3', [U, 1000, U, U, U, 1000]],
    ['.5', [U, 0.5, U, U, U, 0.5]],
    ['5.', [U, 5, U, U, U, 5]],
    ['0x1A', [U, 26, U, U, U, 26]],
    ['1e39', [U, U, U, U, U, 1e39]], // beyond FLT_MAX
    ['1e-39', [U, U, U, U, U, 1e-39]], // below FLT_MIN
    ['-1e-39', [U, Math.fround(-1e-39), U, U, U, -1e-39]], // epicsParseFloat checks underflow of positives only
    ['1e-320', [U, U, U, U, U, U]], // strtod's ERANGE for a denormal result
    ['1e309', [U, U, U, U, U, U]],
    ['-inf', [U, -Infinity, U, U, U, -Infinity]],
    ['Infinity', [U, Infinity, U, U, U, Infinity]],
    ['nan(1)', [U, NaN, U, U, U, NaN]],
    ['', [U, U, U, U, U, U]],
    ['  ', [U, U, U, U, U, U]],
    ['abc', [U, U, U, U, U, U]],
    ['12abc', [U, U, U, U, U, U]],
    ['1 2', [U, U, U, U, U, U]],
    ['1e', [U, U, U, U, U, U]],
    ['--1', [U, U, U, U, U, U]],
    ['\u00a07', [U, U, U, U, U, U]], // only C's blanks are skipped
  ])('%p', (text, expected) => {
    const targets = [Dbf.SHORT, Dbf.FLOAT, Dbf.ENUM, Dbf.CHAR, Dbf.LONG, Dbf.DOUBLE];
    expect(targets.map((to) => parseNumber(text, to, []))).toEqual(expected);
  });

  it('matches ENUM labels exactly before reading a state number', () => {
    const labels = ['Off', 'On', '0'];
    expect(parseNumber('On', Dbf.ENUM, labels)).toBe(1);
    expect(parseNumber('0', Dbf.ENUM, labels)).toBe(2);
    expect(parseNumber(' On', Dbf.ENUM, labels)).toBeUndefined();
    expect(parseNumber('on', Dbf.ENUM, labels)).toBeUndefined();
    expect(parseNumber('15', Dbf.ENUM, labels)).toBe(15);
  });
});
