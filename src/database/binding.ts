// The typed handle by which code drives a loaded record: read and set its value, alarm and time
// stamp, change its other fields, and hear of (and possibly refuse) clients' writes to VAL.

import { parseFieldText } from './db-value';
import { allocate, isEnumLike, isText, narrow } from './dbf';
import { decodeWrite, type FieldData } from './field-codec';
import type { MaybeLater, Verdict } from './guard';
import { timeStampFromMillis, type ClientIdentity, type EpicsTimeStamp, type FieldValue } from './pv';
import type { DbRecord } from './record';
import type { IoScanSource } from './scan/io-scan';
import type { FieldSpec } from './records/field-spec';
import type { ValueKind } from './records/record-type';
import { textToChars, truncateUtf8 } from './text';

/** What each kind of record's VAL is to code. */
export interface RecordValues {
  /** ai ao longin longout int64in int64out calc bi bo mbbi mbbo (enum records: the state index). */
  number: number;
  /** stringin stringout lsi lso. */
  string: string;
  /** waveform: the elements in use, in the DBR type they are served as (strings for FTVL STRING). */
  array: FieldValue;
}

/** What `set` accepts for an array record: elements, or text for a CHAR/UCHAR waveform. */
export type ArrayInput = FieldValue | readonly number[] | readonly string[] | string;

type Input<K extends ValueKind> = K extends 'array' ? ArrayInput : RecordValues[K];

export interface SetOptions {
  /** An alarm to raise with this value (the record's own limit and state alarms still apply; the most severe wins). */
  severity?: number;
  /** The alarm status going with `severity`; SOFT when not given. */
  status?: number;
  /** AMSG: the alarm message. */
  message?: string;
  /** The value's time stamp; now when not given. */
  timeStamp?: EpicsTimeStamp | Date;
}

export interface RecordAlarm {
  status: number;
  severity: number;
  message: string;
}

/**
 * Decides on a client's write to VAL: a string refuses it with that reason, at once or (a promise)
 * later. A listener that throws or rejects refuses the write too; the server logs why.
 */
export type WriteListener<T> = (value: T, client: ClientIdentity) => MaybeLater<Verdict>;

export interface RecordHandle<K extends ValueKind = ValueKind> {
  readonly name: string;
  /** The record type, e.g. "ai". */
  readonly recordType: string;
  readonly kind: K;
  get(): RecordValues[K];
  /** Sets VAL and processes the record: alarms, time stamp and monitors follow as for a client write. */
  set(value: Input<K>, options?: SetOptions): void;
  alarm(): RecordAlarm;
  timeStamp(): EpicsTimeStamp;
  /** A scalar field's value (menu fields give their index). */
  field(name: string): number | string;
  /** Writes a scalar field in .db notation or as a number, with the posts and processing of a client write. */
  setField(name: string, value: number | string): void;
  /** An info tag of the record. */
  info(name: string): string | undefined;
  /** Hears of clients' writes to VAL before they take effect; returns the function that stops listening. */
  onWrite(listener: WriteListener<RecordValues[K]>): () => void;
  /**
   * Makes `source` this record's I/O interrupt source (undefined: none), as device support's
   * get_ioint_info does: while SCAN is "I/O Intr", each `source.request()` processes the record.
   */
  attachIoScan(source: IoScanSource | undefined): void;
}

export function recordHandle<K extends ValueKind>(record: DbRecord, kind: K): RecordHandle<K> {
  const valueSpec = record.type.fields.get('VAL')!;
  return {
    name: record.name,
    recordType: record.type.name,
    kind,
    get: () => copyOut(record.get('VAL')) as RecordValues[K],
    set(value, options = {}) {
      const { timeStamp, ...alarm } = options;
      const stamp = timeStamp instanceof Date ? timeStampFromMillis(timeStamp.getTime()) : timeStamp;
      record.update(toFieldData(record, valueSpec, value), { ...alarm, ...(stamp ? { timeStamp: stamp } : {}) });
    },
    alarm: () => ({ status: record.number('STAT'), severity: record.number('SEVR'), message: record.string('AMSG') }),
    timeStamp: () => record.time,
    field: (name) => record.get(scalarSpec(record, name).name) as number | string,
    setField(name, value) {
      const spec = scalarSpec(record, name);
      if (spec.readOnly) throw new Error(`${record.name}.${name} is read-only`);
      const numeric = typeof value === 'number' && !isText(spec.dbf) && !isEnumLike(spec.dbf);
      const parsed = numeric ? { ok: true as const, data: narrow(spec.dbf, value) } : parseFieldText(spec, String(value), record.deviceChoices);
      if (!parsed.ok) throw new Error(`cannot set ${record.name}.${name}: ${parsed.reason}`);
      const refused = record.put(spec, parsed.data);
      if (refused !== undefined) throw new Error(`cannot set ${record.name}.${name}: ${refused}`);
    },
    info: (name) => record.infos.get(name),
    onWrite: (listener) => record.onWrite((value, client) => listener(copyOut(value) as RecordValues[K], client)),
    attachIoScan: (source) => record.attachIoScan(source),
  };
}

function scalarSpec(record: DbRecord, name: string): FieldSpec {
  const spec = record.type.fields.get(name);
  const shape = spec && record.shape(spec);
  if (!spec || !shape || shape.array || shape.dbf === 'NOACCESS') {
    throw new Error(`${record.type.name} record ${record.name} has no scalar field ${name}`);
  }
  return spec;
}

/** Arrays are copied so that code cannot change a record behind its back. */
function copyOut(data: FieldData): FieldData {
  return typeof data === 'object' ? data.slice() : data;
}

/** A value as `set` takes it, in the form the record keeps in VAL: what device support's read stores. */
export function valueData(record: DbRecord, value: ArrayInput | number | string): FieldData {
  return toFieldData(record, record.type.fields.get('VAL')!, value);
}

function toFieldData(record: DbRecord, spec: FieldSpec, value: Input<ValueKind>): FieldData {
  const shape = record.shape(spec);
  if (shape.array) {
    const elements = typeof value === 'string' ? textToChars(value) : (value as ArrayInput & object);
    if (elements.length === 0) return allocate(shape.dbf, 0);
    const input = Array.isArray(elements) && typeof elements[0] !== 'string' ? Float64Array.from(elements as number[]) : (elements as FieldValue);
    const decoded = decodeWrite(shape, input.slice(0, shape.elements), false, 0);
    if (!decoded.ok) throw new Error(`${record.name}: ${decoded.reason}`);
    return decoded.data;
  }
  if (typeof value === 'string' && typeof record.get('VAL') === 'string') return truncateUtf8(value, shape.size - 1);
  if (typeof value === 'number' && typeof record.get('VAL') === 'number') return narrow(shape.dbf, value);
  throw new TypeError(`${record.name} takes a ${typeof record.get('VAL')}, not ${typeof value}`);
}
