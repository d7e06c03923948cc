// Which Normative Type a PV is served as, and the conversions both ways, as QSRV serves a
// record's fields: NTScalar of the field's type with display, control and valueAlarm; NTScalarArray
// for arrays; NTEnum for DBF_ENUM; NTScalar string for text held in CHAR arrays (`REC.FIELD$`, and
// waveforms tagged info(Q:form, "String")), so that a client sees text, not bytes.

import { AlarmStatus, FieldType, NUMERIC_FIELD_ARRAYS, POSIX_TIME_AT_EPICS_EPOCH, type FieldValue, type ProcessVariable } from '../../database/pv';
import {
  DISPLAY_FORMS,
  NT_ENUM,
  ntScalar,
  ntScalarArray,
  type BitSet,
  type NTEnumFields,
  type NTScalarFields,
  type PVStructure,
  type ScalarType,
  type StructureDesc,
} from '../protocol';
import { TablePv, tableMapping } from './nt-table';

/** QSRV's element types: DBF_CHAR is epicsInt8, so a CHAR waveform is byte[] (ubyte[] for DBF_UCHAR). */
const SCALAR_TYPES: Record<FieldType, ScalarType> = {
  [FieldType.STRING]: 'string',
  [FieldType.SHORT]: 'short',
  [FieldType.FLOAT]: 'float',
  [FieldType.ENUM]: 'ushort',
  [FieldType.CHAR]: 'byte',
  [FieldType.LONG]: 'int',
  [FieldType.DOUBLE]: 'double',
};

/**
 * pvData's alarm status (0 none, 1 device, 2 driver, 3 record, 4 db, 5 conf, 6 undefined, 7 client)
 * per EPICS STAT, as both QSRVs map it (pvxs ioc/iocsource.cpp, pva2pva pvif.cpp).
 */
const ALARM_STATUS: readonly number[] = [0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 3, 3, 3, 3, 3, 2, 4, 4, 4, 4];
const UNDEFINED_STATUS = 6;
const STATUS_NAMES = Object.keys(AlarmStatus);

export type PutOutcome = { ok: true; value: FieldValue } | { ok: false; message: string } | { ok: true; value: undefined };

export interface NtMapping {
  readonly type: StructureDesc;
  /** Stores the PV's current state in `into`, marking in `changed` the fields whose value is new. */
  fill(into: PVStructure, changed?: BitSet): void;
  /** The value a PUT's fields give, in the PV's native type; `value` undefined when the PUT sets no value. */
  putValue(from: PVStructure, bits: BitSet): PutOutcome;
}

export function ntMappingOf(pv: ProcessVariable): NtMapping {
  if (pv instanceof TablePv) return tableMapping(pv);
  if (pv.type === FieldType.ENUM) return enumMapping(pv);
  if (pv.isText) return textMapping(pv);
  const elementType = pv.unsignedChar ? 'ubyte' : SCALAR_TYPES[pv.type];
  const array = pv.maxElements > 1;
  const type = array ? ntScalarArray(elementType) : ntScalar(elementType);
  return {
    type,
    fill(into, changed) {
      const value = pv.value();
      const fields: NTScalarFields = { value: array ? value : (value[0] ?? defaultOf(elementType)), ...common(pv), ...metadataOf(pv, elementType) };
      into.assign(fields as never, changed);
    },
    putValue(from, bits) {
      if (!covers(from, bits, 'value')) return { ok: true, value: undefined };
      const value = from.get('value');
      const elements = array ? Array.from(value as ArrayLike<unknown>) : [value];
      return { ok: true, value: toNative(pv, elements.slice(0, pv.maxElements)) };
    },
  };
}

function enumMapping(pv: ProcessVariable): NtMapping {
  return {
    type: NT_ENUM,
    fill(into, changed) {
      const fields: NTEnumFields = {
        value: { index: pv.value()[0] as number, choices: pv.metadata().enumStrings },
        ...common(pv),
        display: { description: descriptionOf(pv) },
      };
      into.assign(fields as never, changed);
    },
    putValue(from, bits) {
      if (!covers(from, bits, 'value.index')) return { ok: true, value: undefined };
      const index = from.get('value.index') as number;
      if (index < 0 || index > 0xffff) return { ok: false, message: `${pv.name}: no state ${index}` };
      return { ok: true, value: Uint16Array.of(index) };
    },
  };
}

function textMapping(pv: ProcessVariable): NtMapping {
  const type = ntScalar('string');
  return {
    type,
    fill(into, changed) {
      const bytes = pv.value() as Uint8Array;
      const end = bytes.indexOf(0);
      const value = Buffer.from(bytes.buffer, bytes.byteOffset, end < 0 ? bytes.length : end).toString('utf8');
      into.assign({ value, ...common(pv), ...metadataOf(pv, 'string') }, changed);
    },
    putValue(from, bits) {
      if (!covers(from, bits, 'value')) return { ok: true, value: undefined };
      const text = Buffer.from(from.get('value') as string, 'utf8');
      // Room for the terminating NUL, as a CA client writing `caput -S` leaves it.
      const length = Math.min(text.length, pv.maxElements - 1);
      const bytes = new Uint8Array(length + 1);
      bytes.set(text.subarray(0, length));
      return { ok: true, value: bytes };
    },
  };
}

function common(pv: ProcessVariable): Pick<NTScalarFields, 'alarm' | 'timeStamp'> {
  const alarm = pv.alarm();
  const time = pv.timeStamp();
  return {
    alarm: {
      severity: alarm.severity,
      status: ALARM_STATUS[alarm.status] ?? UNDEFINED_STATUS,
      // The record's own message (AMSG) when it gives one, else the status's name, as QSRV does.
      message: alarm.message || (alarm.status === 0 ? '' : (STATUS_NAMES[alarm.status] ?? '')),
    },
    timeStamp: {
      secondsPastEpoch: BigInt(time.secondsPastEpoch + POSIX_TIME_AT_EPICS_EPOCH),
      nanoseconds: time.nanoseconds,
      userTag: 0,
    },
  };
}

function metadataOf(pv: ProcessVariable, type: ScalarType): Pick<NTScalarFields, 'display' | 'control' | 'valueAlarm'> {
  const meta = pv.metadata();
  const description = descriptionOf(pv);
  if (type === 'string') return { display: { description, units: meta.units } };
  return {
    display: {
      limitLow: meta.lowerDisplayLimit,
      limitHigh: meta.upperDisplayLimit,
      description,
      units: meta.units,
      precision: meta.precision,
      form: { index: 0, choices: DISPLAY_FORMS },
    },
    control: { limitLow: meta.lowerControlLimit, limitHigh: meta.upperControlLimit, minStep: 0 },
    valueAlarm: {
      lowAlarmLimit: meta.lowerAlarmLimit,
      lowWarningLimit: meta.lowerWarningLimit,
      highWarningLimit: meta.upperWarningLimit,
      highAlarmLimit: meta.upperAlarmLimit,
    },
  };
}

const descriptionOf = (pv: ProcessVariable): string => pv.description?.() ?? '';

const defaultOf = (type: ScalarType): string | number => (type === 'string' ? '' : 0);

/** Whether a PUT's BitSet sets the field: its own bit, or that of a structure above it. */
function covers(pv: PVStructure, bits: BitSet, name: string): boolean {
  const target = pv.bitOf(name);
  const nodes = pv.type.nodes;
  for (let bit = bits.nextSetBit(0); bit >= 0 && bit <= target; bit = bits.nextSetBit(bit + 1)) {
    if (bit === target) return true;
    const node = nodes[bit]!;
    if (node.kind === 'structure' && target < bit + node.nodes.length) return true;
  }
  return false;
}

/** The elements arrive in the served type (numbers for the numeric ones), so only the container changes. */
function toNative(pv: ProcessVariable, elements: unknown[]): FieldValue {
  if (pv.type === FieldType.STRING) return elements.map(String);
  return NUMERIC_FIELD_ARRAYS[pv.type].from(elements as number[]);
}
