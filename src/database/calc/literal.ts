// Numeric literals, read as postfix.c reads them on Linux: epicsParseDouble (glibc strtod) for
// decimals, Inf and NaN, and epicsParseUInt32 (strtoul, base 0) for 0x… (libcom/src/misc/epicsStdlib.c).

export interface Literal {
  readonly value: number;
  /** Offset just past the literal. */
  readonly end: number;
}

const DECIMAL = /\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
// strtod's "INF"/"INFINITY" and "NAN"/"NAN(n-char-sequence)".
const INFINITY = /inf(?:inity)?/iy;
const NOT_A_NUMBER = /nan(?:\([0-9A-Za-z_]*\))?/iy;
const HEX = /0x([0-9A-Fa-f]+)/iy;
const DBL_MIN = 2.2250738585072014e-308;
const UINT32_MAX = 0xffffffff;

/** A decimal, Inf or NaN literal at `offset`, or undefined where base reports a bad literal. */
export function readDecimalLiteral(text: string, offset: number): Literal | undefined {
  const infinity = matchAt(INFINITY, text, offset);
  if (infinity) return { value: Infinity, end: offset + infinity.length };
  const notANumber = matchAt(NOT_A_NUMBER, text, offset);
  if (notANumber) return { value: NaN, end: offset + notANumber.length };
  const decimal = matchAt(DECIMAL, text, offset);
  if (!decimal) return undefined; // a lone '.': strtod converts nothing
  const value = Number(decimal);
  // strtod sets ERANGE on overflow and on underflow (glibc: a tiny inexact result, i.e. zero from
  // non-zero digits or a subnormal), and epicsParseDouble refuses both.
  if (!Number.isFinite(value)) return undefined;
  if (value === 0 ? /[1-9]/.test(mantissa(decimal)) : value < DBL_MIN) return undefined;
  return { value, end: offset + decimal.length };
}

/**
 * A 0x… literal at `offset`. Its 32 bits are kept as a signed integer (postfix.c stores the
 * epicsUInt32 as LITERAL_INT, read back as epicsInt32), so 0xffffffff is -1. "0x" with no hex
 * digit reads as 0, as strtoul does, and leaves the x to be refused as a syntax error.
 */
export function readHexLiteral(text: string, offset: number): Literal | undefined {
  const hex = HEX.exec(setAt(HEX, offset, text));
  if (!hex) return { value: 0, end: offset + 1 };
  const value = parseInt(hex[1]!, 16);
  if (value > UINT32_MAX) return undefined;
  return { value: value | 0, end: offset + hex[0].length };
}

function mantissa(decimal: string): string {
  const exponent = decimal.search(/[eE]/);
  return exponent < 0 ? decimal : decimal.slice(0, exponent);
}

function matchAt(pattern: RegExp, text: string, offset: number): string | undefined {
  return pattern.exec(setAt(pattern, offset, text))?.[0];
}

/** Sticky patterns match only at lastIndex. */
function setAt(pattern: RegExp, offset: number, text: string): string {
  pattern.lastIndex = offset;
  return text;
}
