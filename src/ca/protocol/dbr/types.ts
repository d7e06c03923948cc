// The DBR vocabulary of db_access.h: request type codes, the element types their values are
// made of, and the shapes the codec reads from and hands back.

/** DBR_xxx: what a client asks for or sends (db_access.h numbering). */
export const DbrType = {
  STRING: 0,
  SHORT: 1,
  FLOAT: 2,
  ENUM: 3,
  CHAR: 4,
  LONG: 5,
  DOUBLE: 6,
  STS_STRING: 7,
  STS_SHORT: 8,
  STS_FLOAT: 9,
  STS_ENUM: 10,
  STS_CHAR: 11,
  STS_LONG: 12,
  STS_DOUBLE: 13,
  TIME_STRING: 14,
  TIME_SHORT: 15,
  TIME_FLOAT: 16,
  TIME_ENUM: 17,
  TIME_CHAR: 18,
  TIME_LONG: 19,
  TIME_DOUBLE: 20,
  GR_STRING: 21,
  GR_SHORT: 22,
  GR_FLOAT: 23,
  GR_ENUM: 24,
  GR_CHAR: 25,
  GR_LONG: 26,
  GR_DOUBLE: 27,
  CTRL_STRING: 28,
  CTRL_SHORT: 29,
  CTRL_FLOAT: 30,
  CTRL_ENUM: 31,
  CTRL_CHAR: 32,
  CTRL_LONG: 33,
  CTRL_DOUBLE: 34,
  PUT_ACKT: 35,
  PUT_ACKS: 36,
  STSACK_STRING: 37,
  CLASS_NAME: 38,
} as const;
export type DbrTypeCode = (typeof DbrType)[keyof typeof DbrType];

const LAST_DBR_TYPE = DbrType.CLASS_NAME;

/** DBF_xxx of db_access.h: the type of one value element, and of a PV's native field. */
export const Dbf = { STRING: 0, SHORT: 1, FLOAT: 2, ENUM: 3, CHAR: 4, LONG: 5, DOUBLE: 6 } as const;
export type DbfType = (typeof Dbf)[keyof typeof Dbf];

/** The plain, STS, TIME, GR and CTRL families each hold one DBR per DBF type, in DBF order. */
export const DBF_TYPE_COUNT = 7;

/** Wire size of one element, indexed by DBF type (dbr_string_t is 40 bytes). */
// A tuple, so that indexing it with a DbfType needs no check.
export const ELEMENT_SIZE = [40, 2, 4, 2, 1, 4, 8] as const satisfies readonly number[];

export function isDbfType(type: number): type is DbfType {
  return Number.isInteger(type) && type >= Dbf.STRING && type <= Dbf.DOUBLE;
}

export const DBF_NAMES: readonly string[] = ['DBF_STRING', 'DBF_SHORT', 'DBF_FLOAT', 'DBF_ENUM', 'DBF_CHAR', 'DBF_LONG', 'DBF_DOUBLE'];

export function isDbrType(type: number): boolean {
  return Number.isInteger(type) && type >= DbrType.STRING && type <= LAST_DBR_TYPE;
}

/** What a client may read or monitor: everything but the two acknowledgements, which are write-only. */
export function isReadableDbrType(dbrType: number): boolean {
  return isDbrType(dbrType) && dbrType !== DbrType.PUT_ACKT && dbrType !== DbrType.PUT_ACKS;
}

/**
 * What a client may write: rsrv's WRITE (db_access.c dbChannel_put) takes the value part of every
 * plain, STS, TIME, GR and CTRL type, and PUT_ACKT/PUT_ACKS; STSACK_STRING and CLASS_NAME it
 * refuses with ECA_PUTFAIL.
 */
export function isWritableDbrType(dbrType: number): boolean {
  return isDbrType(dbrType) && dbrType <= DbrType.PUT_ACKS;
}

/** Elements in one element type; a scalar is an array of one. CHAR is unsigned, as dbr_char_t. */
export type DbrValue = string[] | Int16Array | Float32Array | Uint16Array | Uint8Array | Int32Array | Float64Array;
export type NumericDbrValue = Exclude<DbrValue, string[]>;

export interface DbrTimeStamp {
  secondsPastEpoch: number;
  nanoseconds: number;
}

/** What a DBR is made from. ProcessVariable (src/database/pv.ts) has this shape. */
export interface DbrSource {
  /** Native element type, a DBF type. */
  readonly type: number;
  readonly className: string;
  value(): DbrValue;
  /** value()'s one element, without an array, when the source is a numeric scalar; undefined otherwise. */
  scalar?(): number | undefined;
  alarm(): { status: number; severity: number; acknowledgeTransient: boolean; acknowledgeSeverity: number };
  timeStamp(): DbrTimeStamp;
  metadata(): {
    units: string;
    precision: number;
    upperDisplayLimit: number;
    lowerDisplayLimit: number;
    upperAlarmLimit: number;
    upperWarningLimit: number;
    lowerWarningLimit: number;
    lowerAlarmLimit: number;
    upperControlLimit: number;
    lowerControlLimit: number;
    enumStrings: readonly string[];
  };
}
export type DbrMetadata = ReturnType<DbrSource['metadata']>;

/** A DBR as a client reads it: only the fields its type carries are present. */
export interface DecodedDbr {
  dbrType: number;
  /** The elements in the DBR's element type (PUT_ACKT/PUT_ACKS: the acknowledgement; CLASS_NAME: the name). */
  value: DbrValue;
  status?: number;
  severity?: number;
  timeStamp?: DbrTimeStamp;
  units?: string;
  precision?: number;
  upperDisplayLimit?: number;
  lowerDisplayLimit?: number;
  upperAlarmLimit?: number;
  upperWarningLimit?: number;
  lowerWarningLimit?: number;
  lowerAlarmLimit?: number;
  upperControlLimit?: number;
  lowerControlLimit?: number;
  /** GR_ENUM/CTRL_ENUM: the labels, no_str of them. */
  enumStrings?: string[];
  ackt?: number;
  acks?: number;
  className?: string;
}

/**
 * The fields a family puts before the value, for one element type. Encoders zero the whole
 * header first, so pads and unused slots need no code of their own.
 */
export interface DbrHeader {
  /** Bytes before the first value element, indexed by DBF type. */
  readonly valueOffset: readonly number[];
  encode(target: Buffer, offset: number, elementType: number, source: DbrSource): void;
  decode(payload: Buffer, offset: number, elementType: number, into: DecodedDbr): void;
}

/** Everything about one DBR type: its value's place and type, and how the whole is read and written. */
export interface DbrCodec {
  readonly elementType: DbfType;
  readonly valueOffset: number;
  encode(target: Buffer, offset: number, count: number, source: DbrSource): void;
  decode(payload: Buffer, offset: number, count: number): DecodedDbr;
}
