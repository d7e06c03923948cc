// The interface between the IOC database and the protocol servers: what a server may ask of a PV
// and how it hears about changes. Servers read through it; records and groups implement it.

/** DBF types a PV can have natively, numbered as CA numbers its plain DBR types. */
export const FieldType = { STRING: 0, SHORT: 1, FLOAT: 2, ENUM: 3, CHAR: 4, LONG: 5, DOUBLE: 6 } as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

/**
 * A PV's elements in its native type; a scalar is an array of one. Strings are JS strings
 * (at most 39 bytes on the wire as DBR_STRING); the numeric types are the typed arrays whose
 * element matches the DBR element (CHAR is unsigned, as dbr_char_t).
 */
export type FieldValue = string[] | Int16Array | Float32Array | Uint16Array | Uint8Array | Int32Array | Float64Array;

/** The typed array that holds the elements of each numeric FieldType. */
export const NUMERIC_FIELD_ARRAYS = {
  [FieldType.SHORT]: Int16Array,
  [FieldType.FLOAT]: Float32Array,
  [FieldType.ENUM]: Uint16Array,
  [FieldType.CHAR]: Uint8Array,
  [FieldType.LONG]: Int32Array,
  [FieldType.DOUBLE]: Float64Array,
} as const;

/** Seconds and nanoseconds past the EPICS epoch, 1990-01-01 00:00:00 UTC. */
export interface EpicsTimeStamp {
  secondsPastEpoch: number;
  nanoseconds: number;
}

/** Seconds between the POSIX epoch and the EPICS epoch. */
export const POSIX_TIME_AT_EPICS_EPOCH = 631152000;

export function timeStampFromMillis(millis: number): EpicsTimeStamp {
  const seconds = Math.floor(millis / 1000);
  return {
    secondsPastEpoch: seconds - POSIX_TIME_AT_EPICS_EPOCH,
    nanoseconds: Math.round((millis - seconds * 1000) * 1e6),
  };
}

/** What time stamps are read from: the OS wall clock (milliseconds) and a monotonic clock (nanoseconds). */
export interface Clocks {
  wallMillis(): number;
  monotonicNanos(): bigint;
}

/** A wall clock further than this from the last anchor has been stepped (settimeofday, NTP's step): anchor again. */
const STEP_NS = 2_000_000n;

/**
 * The current time as EPICS' General Time gives it with the OS clock as provider
 * (epicsGeneralTime.c): the wall clock, in nanoseconds between its milliseconds by the monotonic
 * clock, following the wall clock when it is stepped, and never going backwards (after a step
 * back, the last time given until the clock passes it, as generalTime's lastProvidedTime).
 */
export function timeSource(clocks: Clocks): () => EpicsTimeStamp {
  let monotonicAtAnchor = clocks.monotonicNanos();
  let wallAtAnchor = BigInt(clocks.wallMillis()) * 1_000_000n;
  let last = 0n;
  return () => {
    const monotonic = clocks.monotonicNanos();
    const wall = BigInt(clocks.wallMillis()) * 1_000_000n;
    let ns = monotonic - monotonicAtAnchor + wallAtAnchor;
    if (ns - wall > STEP_NS || wall - ns > STEP_NS) {
      monotonicAtAnchor = monotonic;
      wallAtAnchor = wall;
      ns = wall;
    }
    if (ns < last) ns = last;
    last = ns;
    const seconds = Number(ns / 1_000_000_000n);
    return { secondsPastEpoch: seconds - POSIX_TIME_AT_EPICS_EPOCH, nanoseconds: Number(ns % 1_000_000_000n) };
  };
}

export const timeStampNow: () => EpicsTimeStamp = timeSource({ wallMillis: () => Date.now(), monotonicNanos: () => process.hrtime.bigint() });

/** alarm.h: epicsAlarmSeverity and epicsAlarmCondition, the values STAT and SEVR take. */
export const AlarmSeverity = { NO_ALARM: 0, MINOR: 1, MAJOR: 2, INVALID: 3 } as const;
export const AlarmStatus = {
  NO_ALARM: 0,
  READ: 1,
  WRITE: 2,
  HIHI: 3,
  HIGH: 4,
  LOLO: 5,
  LOW: 6,
  STATE: 7,
  COS: 8,
  COMM: 9,
  TIMEOUT: 10,
  HWLIMIT: 11,
  CALC: 12,
  SCAN: 13,
  LINK: 14,
  SOFT: 15,
  BAD_SUB: 16,
  UDF: 17,
  DISABLE: 18,
  SIMM: 19,
  READ_ACCESS: 20,
  WRITE_ACCESS: 21,
} as const;

export interface AlarmState {
  status: number;
  severity: number;
  /** ACKT: whether transient alarms must be acknowledged. */
  acknowledgeTransient: boolean;
  /** ACKS: the highest unacknowledged severity. */
  acknowledgeSeverity: number;
  /** AMSG: why the record is in alarm, when it says; pvAccess serves it as alarm.message. */
  message?: string;
}

/** What DBR_GR and DBR_CTRL carry, as the record's fields give it. */
export interface DisplayMetadata {
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
  /** Labels of an ENUM PV, index = value. Empty for other types. */
  enumStrings: readonly string[];
}

export const EMPTY_METADATA: DisplayMetadata = Object.freeze({
  units: '',
  precision: 0,
  upperDisplayLimit: 0,
  lowerDisplayLimit: 0,
  upperAlarmLimit: 0,
  upperWarningLimit: 0,
  lowerWarningLimit: 0,
  lowerAlarmLimit: 0,
  upperControlLimit: 0,
  lowerControlLimit: 0,
  enumStrings: Object.freeze([]),
});

/** Who is asking, as the client introduced itself (CLIENT_NAME, HOST_NAME) and as the socket shows it. */
export interface ClientIdentity {
  user: string;
  host: string;
  address: string;
}

export interface AccessRights {
  read: boolean;
  write: boolean;
  /** Why there is no write access when it is not the access rules' doing (a value its device support owns): the text a refused put carries. */
  readonly noWriteReason?: string;
}

/**
 * The answer to a client's write. `readOnly` maps to ECA_NOWTACCESS, `rejected` (a value the PV
 * refuses: out of range, not meaningful) to ECA_PUTFAIL. A refused write must change nothing.
 * `failed`: code deciding on the write threw or rejected (`cause`); the client sees ECA_PUTFAIL
 * and the server logs the cause.
 */
export type WriteResult =
  { ok: true } | { ok: false; error: 'readOnly' | 'rejected'; message: string } | { ok: false; error: 'failed'; message: string; cause: unknown };

export const WRITE_OK: WriteResult = Object.freeze({ ok: true });

/**
 * A write with completion (CA's WRITE_NOTIFY, a pvAccess put with block=true): its result waits
 * until the processing it started has finished. Aborting `signal` (the client's channel or circuit went)
 * cancels the wait; the result then settles but is not to be answered.
 */
export interface PutCompletion {
  readonly signal: AbortSignal;
}

/**
 * Whether a client's write processes the record, as QSRV's pvRequest option record._options.process
 * asks: 'passive' as dbPutField (a put to PROC, or to a PP field of a passive record), 'always'
 * ("true"), or 'never' ("false"). CA's puts are 'passive'.
 */
export type PutProcessing = 'passive' | 'always' | 'never';

/** What a posted change concerns (db_access.h DBE_*): a listener compares it to its subscription's mask. */
export const EventMask = { VALUE: 1, LOG: 2, ALARM: 4, PROPERTY: 8 } as const;

/** Called with the EventMask bits of what changed. */
export type PvListener = (mask: number) => void;

/** What a protocol server reads, writes and watches. */
export interface ProcessVariable {
  readonly name: string;
  readonly type: FieldType;
  /** The element capacity (NELM); a channel's native count. */
  readonly maxElements: number;
  /** The record type, answered to DBR_CLASS_NAME. */
  readonly className: string;
  /**
   * A CHAR array that holds text (a `$` long-string channel, or a waveform tagged
   * info(Q:form, "String") as QSRV reads it): pvAccess serves it as a string.
   */
  readonly isText?: boolean;
  /**
   * CHAR elements that are unsigned in the record (DBF_UCHAR; CA's DBR_CHAR is unsigned whatever
   * the field): pvAccess serves them as ubyte, DBF_CHAR's as byte, as QSRV does.
   */
  readonly unsignedChar?: boolean;
  /**
   * false for a PV whose clients' writes are not logged (a high-rate setpoint), as a record
   * tagged info(logClientWrites, "NO") asks; every other write is logged at INFO.
   */
  readonly logClientWrites?: boolean;
  /**
   * True for a PV built by memtrace-ioc itself that runs no user code (an NTTable of results): the
   * servers call it without the guard, which would also hide what kind of PV it is.
   */
  readonly runsNoUserCode?: boolean;
  /** The current elements (their length is the current count). Owned by the PV: read, never keep. */
  value(): FieldValue;
  /**
   * value()'s one element when the PV is a numeric scalar, without the array a read would
   * otherwise make; undefined when it is not (text, arrays). Optional: servers fall back to value().
   */
  scalar?(): number | undefined;
  alarm(): AlarmState;
  timeStamp(): EpicsTimeStamp;
  metadata(): DisplayMetadata;
  /** DESC: what the PV is; pvAccess serves it as display.description (CA has no place for it). */
  description?(): string;
  accessRights(client: ClientIdentity): AccessRights;
  /**
   * A client's write, already converted to the native type. The PV may refuse with a reason.
   * With `completion`, the result waits for the processing the write started; `processing` says
   * whether it processes (undefined: 'passive'). A PV that has no processing may ignore both.
   */
  write(value: FieldValue, client: ClientIdentity, completion?: PutCompletion, processing?: PutProcessing): WriteResult | Promise<WriteResult>;
  /** A client's alarm acknowledgement (DBR_PUT_ACKT / DBR_PUT_ACKS). */
  acknowledgeAlarm(kind: 'transient' | 'severity', value: number, client: ClientIdentity): WriteResult;
  /** Hear of every posted change; returns the function that stops listening. */
  subscribe(listener: PvListener): () => void;
}

/** Finds PVs by name; `undefined` when this IOC does not serve the name. */
export interface PvProvider {
  find(name: string): ProcessVariable | undefined;
  /**
   * Whether find(name) would give a PV, without making one: name searches ask it of every name
   * a client looks for, most of which are never connected to.
   */
  serves?(name: string): boolean;
  /**
   * Hear when `accessRights` may answer differently than before (access security rules
   * replaced, a record moved to another group); returns the function that stops listening.
   */
  subscribeAccessChanges?(listener: () => void): () => void;
}

/** Whether `provider` serves `name`: by its serves() when it has one, else by finding the PV. */
export function providerServes(provider: PvProvider, name: string): boolean {
  return provider.serves ? provider.serves(name) : provider.find(name) !== undefined;
}
