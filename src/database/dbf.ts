// DBF field types as dbFldTypes.h names them, and how each reaches a CA client: the DBR type
// rsrv serves it as (dbDBRnewToDBRold), the C cast a stored value goes through, the range
// DBR_GR/CTRL report for it (recGbl getMaxRangeValues) and how a .db file spells its values.

import { FieldType, NUMERIC_FIELD_ARRAYS, type FieldValue } from './pv';

export type DbfType =
  | 'STRING'
  | 'CHAR'
  | 'UCHAR'
  | 'SHORT'
  | 'USHORT'
  | 'LONG'
  | 'ULONG'
  | 'INT64'
  | 'UINT64'
  | 'FLOAT'
  | 'DOUBLE'
  | 'ENUM'
  | 'MENU'
  | 'DEVICE'
  | 'INLINK'
  | 'OUTLINK'
  | 'FWDLINK'
  | 'NOACCESS';

/** The element types a waveform's FTVL may name, in menuFtype order. */
export const FTVL_TYPES: readonly DbfType[] = ['STRING', 'CHAR', 'UCHAR', 'SHORT', 'USHORT', 'LONG', 'ULONG', 'INT64', 'UINT64', 'FLOAT', 'DOUBLE', 'ENUM'];

/** PVLINK_STRINGSZ: the CHAR-array length of a link field read with the `$` suffix. */
export const LINK_STRING_SIZE = 1024;

const DBR_OF_DBF: Readonly<Record<DbfType, FieldType | undefined>> = {
  STRING: FieldType.STRING,
  CHAR: FieldType.CHAR,
  UCHAR: FieldType.CHAR,
  SHORT: FieldType.SHORT,
  USHORT: FieldType.LONG,
  LONG: FieldType.LONG,
  ULONG: FieldType.DOUBLE,
  INT64: FieldType.DOUBLE,
  UINT64: FieldType.DOUBLE,
  FLOAT: FieldType.FLOAT,
  DOUBLE: FieldType.DOUBLE,
  ENUM: FieldType.ENUM,
  MENU: FieldType.ENUM,
  DEVICE: FieldType.ENUM,
  INLINK: FieldType.STRING,
  OUTLINK: FieldType.STRING,
  FWDLINK: FieldType.STRING,
  NOACCESS: undefined,
};

/** The DBR type a field of this DBF type is served as; undefined for DBF_NOACCESS. */
export function dbrTypeOf(dbf: DbfType): FieldType | undefined {
  return DBR_OF_DBF[dbf];
}

export function isLink(dbf: DbfType): boolean {
  return dbf === 'INLINK' || dbf === 'OUTLINK' || dbf === 'FWDLINK';
}

/** Fields holding text in the record: strings and link addresses. */
export function isText(dbf: DbfType): boolean {
  return dbf === 'STRING' || isLink(dbf);
}

export function isEnumLike(dbf: DbfType): boolean {
  return dbf === 'ENUM' || dbf === 'MENU' || dbf === 'DEVICE';
}

export function isFloat(dbf: DbfType): boolean {
  return dbf === 'FLOAT' || dbf === 'DOUBLE';
}

/** A number as the C assignment into a field of this type leaves it (wrapping, truncating, rounding). */
export function narrow(dbf: DbfType, n: number): number {
  if (dbf === 'DOUBLE') return n;
  if (dbf === 'FLOAT') return Math.fround(n);
  if (!Number.isFinite(n)) return 0;
  const i = Math.trunc(n);
  switch (dbf) {
    case 'CHAR':
      return (i << 24) >> 24;
    case 'UCHAR':
      return i & 0xff;
    case 'SHORT':
      return (i << 16) >> 16;
    case 'USHORT':
    case 'ENUM':
    case 'MENU':
    case 'DEVICE':
      return i & 0xffff;
    case 'LONG':
      return i | 0;
    case 'ULONG':
      return i >>> 0;
    case 'UINT64':
      return i < 0 ? 0 : i;
    default:
      return i;
  }
}

/** The limits DBR_GR/CTRL report for a field without its own limits (recGbl getMaxRangeValues). */
export function rangeOf(dbf: DbfType): { lower: number; upper: number } {
  switch (dbf) {
    case 'CHAR':
      return { lower: -128, upper: 127 };
    case 'UCHAR':
      return { lower: 0, upper: 255 };
    case 'SHORT':
      return { lower: -32768, upper: 32767 };
    case 'USHORT':
    case 'ENUM':
      return { lower: 0, upper: 65535 };
    case 'LONG':
      return { lower: -2147483648, upper: 2147483647 };
    case 'ULONG':
      return { lower: 0, upper: 4294967295 };
    case 'INT64':
      return { lower: -9223372036854775808, upper: 9223372036854775808 };
    case 'UINT64':
      return { lower: 0, upper: 18446744073709551615 };
    case 'FLOAT':
      return { lower: -1e30, upper: 1e30 };
    case 'DOUBLE':
      return { lower: -1e300, upper: 1e300 };
    default:
      return { lower: 0, upper: 0 };
  }
}

/** `count` elements of the DBR type a DBF type is served as, zeroed (empty strings for STRING). */
export function allocate(dbf: DbfType, count: number): FieldValue {
  const dbr = dbrTypeOf(dbf);
  if (dbr === undefined) throw new TypeError(`DBF_${dbf} has no DBR type`);
  if (dbr === FieldType.STRING) return new Array<string>(count).fill('');
  return new NUMERIC_FIELD_ARRAYS[dbr](count);
}

/** One number as a FieldValue of the DBR type a DBF type is served as. */
export function scalarValue(dbf: DbfType, n: number): FieldValue {
  const array = allocate(dbf, 1) as Exclude<FieldValue, string[]>;
  array[0] = n;
  return array;
}

/** One element of each numeric DBR type, written and read back by servedNumber. */
const SCRATCH = Object.fromEntries(Object.entries(NUMERIC_FIELD_ARRAYS).map(([type, Elements]) => [type, new Elements(1)])) as {
  [Type in keyof typeof NUMERIC_FIELD_ARRAYS]: InstanceType<(typeof NUMERIC_FIELD_ARRAYS)[Type]>;
};

/** scalarValue's element, without the array: the number as the DBR type a numeric DBF type is served as holds it. */
export function servedNumber(dbf: DbfType, n: number): number {
  const dbr = dbrTypeOf(dbf);
  if (dbr === undefined || dbr === FieldType.STRING) throw new TypeError(`DBF_${dbf} is not served as a number`);
  const element = SCRATCH[dbr];
  element[0] = n;
  return element[0];
}

/** Why a .db value is not a number of this type, or the number. */
export type ParsedNumber = { ok: true; value: number } | { ok: false; reason: string };

const INTEGER = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\s*$/;
const FLOAT = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0x[0-9a-f]+|inf(?:inity)?|nan)\s*$/i;

/**
 * A .db file's text for a numeric field, read as dbPutStringNum reads it: integers in C notation
 * (0x hex, leading-0 octal) for the integer types, strtod notation for FLOAT/DOUBLE, and an
 * empty value meaning 0. Out-of-range integers wrap as the C cast does.
 */
export function parseDbNumber(dbf: DbfType, text: string): ParsedNumber {
  if (text === '') return { ok: true, value: 0 };
  if (isFloat(dbf)) {
    if (!FLOAT.test(text)) return { ok: false, reason: `"${text}" is not a number` };
    const t = text.trim().toLowerCase().replace(/^\+/, '');
    const negative = t.startsWith('-');
    const magnitude = t.replace(/^-/, '');
    const value =
      magnitude === 'nan' ? NaN : magnitude.startsWith('inf') ? Infinity : magnitude.startsWith('0x') ? parseInt(magnitude.slice(2), 16) : Number(magnitude);
    return { ok: true, value: narrow(dbf, negative ? -value : value) };
  }
  const match = INTEGER.exec(text);
  if (!match) return { ok: false, reason: `"${text}" is not an integer` };
  const [, sign, digits] = match as unknown as [string, string, string];
  const magnitude = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits.startsWith('0') ? parseInt(digits, 8) : Number(digits);
  return { ok: true, value: narrow(dbf, sign === '-' ? -magnitude : magnitude) };
}
