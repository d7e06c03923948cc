// Conversion of one element between DBF types, following what an IOC's dbConvert.c and
// dbFastLinkConv.c do for CA reads (native -> requested) and writes (sent -> native).
//
// Numbers between numeric types: a C cast, with one IOC exception: DOUBLE -> FLOAT goes through
// epicsConvertDoubleToFloat, which clamps to +/-FLT_MAX and moves non-zero magnitudes below
// FLT_MIN to +/-FLT_MIN instead of producing infinities or zero. Where the C cast is undefined
// (a fraction out of the integer's range, NaN, infinity) we take ECMAScript's ToInt16/ToUint8/
// ToUint16/ToInt32: truncate toward zero, NaN and infinities give 0, the rest wraps modulo 2^n.
// That is what the typed arrays a PV holds do on assignment, it matches C for every defined
// case, and it is deterministic where an IOC's result depends on the CPU.
//
// Numbers to STRING: integers in decimal, ENUM as its label (the number when it has none),
// FLOAT/DOUBLE as cvtFloatToString/cvtDoubleToString format them with the PV's PREC.
// STRING to numbers: as epicsParseInt16/UInt8/UInt16/Int32 (base 10) and epicsParseFloat/
// epicsParseDouble: blanks around the number are allowed, anything else, an empty string, or a
// value out of the type's range is refused. Unsigned types accept a minus sign and wrap, as
// strtoul does ("-1" is 255 for CHAR). STRING to ENUM first looks for an identical label.
// The empty string is refused as dbPut refuses it for array fields; for scalar fields rsrv's fast
// path would store 0, but a write that says nothing is more likely a mistake than a zero.

import { cvtDoubleToString, cvtFloatToString } from './dbr/cvt-fast';
import { Dbf } from './dbr/types';

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;
const DBL_MIN = 2.2250738585072014e-308;

export function toShort(value: number): number {
  return (value << 16) >> 16;
}

function toChar(value: number): number {
  return value & 0xff;
}

export function toEnum(value: number): number {
  return value & 0xffff;
}

function toLong(value: number): number {
  return value | 0;
}

/** epicsConvertDoubleToFloat. */
export function doubleToFloat(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return Math.fround(value);
  const magnitude = Math.abs(value);
  if (magnitude >= FLT_MAX) return value > 0 ? FLT_MAX : -FLT_MAX;
  if (magnitude <= FLT_MIN) return value > 0 ? FLT_MIN : -FLT_MIN;
  return Math.fround(value);
}

/** A number of DBF type `from` as DBF type `to` (both numeric). */
export function castNumber(value: number, from: number, to: number): number {
  switch (to) {
    case Dbf.SHORT:
      return toShort(value);
    case Dbf.FLOAT:
      return from === Dbf.DOUBLE ? doubleToFloat(value) : Math.fround(value);
    case Dbf.ENUM:
      return toEnum(value);
    case Dbf.CHAR:
      return toChar(value);
    case Dbf.LONG:
      return toLong(value);
    default:
      return value;
  }
}

/**
 * A number of DBF type `from` as text. `precision` is the PREC the IOC would use: the PV's for
 * reads, 6 (dbConvert's default when a record has none) for a number written to a STRING PV.
 * `enumStrings` name ENUM values; pass none where the IOC prints the index (writes).
 */
export function numberToString(value: number, from: number, precision: number, enumStrings: readonly string[]): string {
  switch (from) {
    case Dbf.FLOAT:
      return cvtFloatToString(value, precision);
    case Dbf.DOUBLE:
      return cvtDoubleToString(value, precision);
    case Dbf.ENUM:
      return value < enumStrings.length ? enumStrings[value]! : String(value);
    default:
      return String(value);
  }
}

const C_BLANKS = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;
const DECIMAL_INTEGER = /^[+-]?\d+$/;
const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEXADECIMAL = /^([+-]?)0[xX]([\da-fA-F]+)$/;
const NON_FINITE = /^([+-]?)(?:(inf(?:inity)?)|nan(?:\(\w*\))?)$/i;

/**
 * Text as a number of DBF type `to` (numeric), or undefined where the IOC refuses the text.
 * `enumStrings` are the labels an ENUM target matches first.
 */
export function parseNumber(text: string, to: number, enumStrings: readonly string[]): number | undefined {
  switch (to) {
    case Dbf.SHORT:
      return parseInteger(text, -0x8000, 0x7fff);
    case Dbf.FLOAT:
      return parseFloat32(text);
    case Dbf.ENUM: {
      const index = enumStrings.indexOf(text);
      return index >= 0 ? index : parseUnsigned(text, 0xffff);
    }
    case Dbf.CHAR:
      return parseUnsigned(text, 0xff);
    case Dbf.LONG:
      return parseInteger(text, -0x80000000, 0x7fffffff);
    default:
      return parseDouble(text);
  }
}

function parseInteger(text: string, min: number, max: number): number | undefined {
  const trimmed = text.replace(C_BLANKS, '');
  if (!DECIMAL_INTEGER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= min && value <= max ? value | 0 : undefined;
}

/** strtoul, then epicsParseUIntN's range check: a negated magnitude up to `max` wraps. */
function parseUnsigned(text: string, max: number): number | undefined {
  const value = parseInteger(text, -max, max);
  return value === undefined ? undefined : value & max;
}

/** epicsParseFloat: a double within a float's range (its underflow test looks at positive values only). */
function parseFloat32(text: string): number | undefined {
  const value = parseDouble(text);
  if (value === undefined) return undefined;
  const magnitude = Math.abs(value);
  if ((Number.isFinite(value) && magnitude >= FLT_MAX) || (value > 0 && magnitude <= FLT_MIN)) return undefined;
  return Math.fround(value);
}

/** epicsParseDouble: strtod over the whole text but for blanks; overflow and underflow are errors. */
function parseDouble(text: string): number | undefined {
  const trimmed = text.replace(C_BLANKS, '');
  const decimal = DECIMAL_FLOAT.exec(trimmed);
  if (decimal) {
    const value = Number(trimmed);
    if (!Number.isFinite(value)) return undefined;
    // strtod reports ERANGE for results that lose precision below DBL_MIN, down to zero.
    const underflow = Math.abs(value) < DBL_MIN && /[1-9]/.test(decimal[1]!);
    return underflow ? undefined : value;
  }
  const hexadecimal = HEXADECIMAL.exec(trimmed);
  if (hexadecimal) {
    const magnitude = parseInt(hexadecimal[2]!, 16);
    return hexadecimal[1] === '-' ? -magnitude : magnitude;
  }
  const nonFinite = NON_FINITE.exec(trimmed);
  if (!nonFinite) return undefined;
  if (nonFinite[2] === undefined) return NaN;
  return nonFinite[1] === '-' ? -Infinity : Infinity;
}
