import type { BitSet } from './bit-set';
import type { PlainStructure, PVStructure, ScalarValue } from './pv-structure';
import { scalar, scalarArray, structure, type ScalarType, type StructureDesc } from './type-descriptor';

// The Normative Types that QSRV serves for a record's fields, laid out as pvxs's QSRV builds them
// (ioc/singlesource.cpp: NTScalar with display, control, valueAlarm and display.form; NTEnum for
// DBF_ENUM). pva2pva's older QSRV differs in sub-structure ids and limit types; see the tests.

export const NT_SCALAR_ID = 'epics:nt/NTScalar:1.0';
export const NT_SCALAR_ARRAY_ID = 'epics:nt/NTScalarArray:1.0';
export const NT_ENUM_ID = 'epics:nt/NTEnum:1.0';

export const ALARM_T = structure('alarm_t', {
  severity: scalar('int'),
  status: scalar('int'),
  message: scalar('string'),
});

/** secondsPastEpoch counts from the POSIX epoch, not from CA's 1990 one. */
export const TIME_T = structure('time_t', {
  secondsPastEpoch: scalar('long'),
  nanoseconds: scalar('int'),
  userTag: scalar('int'),
});

export const ENUM_T = structure('enum_t', {
  index: scalar('int'),
  choices: scalarArray('string'),
});

/** Values of display.form.choices, in the order of display.form.index, as QSRV fills them. */
export const DISPLAY_FORMS: readonly string[] = ['Default', 'String', 'Binary', 'Decimal', 'Hex', 'Exponential', 'Engineering'];

const isNumeric = (type: ScalarType): boolean => type !== 'boolean' && type !== 'string';

/** Limits have the value's own type; meta-data of non-numeric values is description and units. */
function metaFields(type: ScalarType): Record<string, StructureDesc> {
  if (!isNumeric(type)) return { display: structure('', { description: scalar('string'), units: scalar('string') }) };
  const limit = scalar(type);
  const severity = scalar('int');
  return {
    display: structure('', {
      limitLow: limit,
      limitHigh: limit,
      description: scalar('string'),
      units: scalar('string'),
      precision: scalar('int'),
      form: ENUM_T,
    }),
    control: structure('', { limitLow: limit, limitHigh: limit, minStep: limit }),
    valueAlarm: structure('', {
      active: scalar('boolean'),
      lowAlarmLimit: limit,
      lowWarningLimit: limit,
      highWarningLimit: limit,
      highAlarmLimit: limit,
      lowAlarmSeverity: severity,
      lowWarningSeverity: severity,
      highWarningSeverity: severity,
      highAlarmSeverity: severity,
      hysteresis: scalar('double'),
    }),
  };
}

// One descriptor per value type, so that a TypeRegistry, which goes by identity, caches them.
const ntScalars = new Map<ScalarType, StructureDesc>();
const ntScalarArrays = new Map<ScalarType, StructureDesc>();

/** NTScalar for a scalar record field (and NTScalar string for the long-text PVs). */
export function ntScalar(valueType: ScalarType): StructureDesc {
  let type = ntScalars.get(valueType);
  if (type === undefined) {
    type = structure(NT_SCALAR_ID, { value: scalar(valueType), alarm: ALARM_T, timeStamp: TIME_T, ...metaFields(valueType) });
    ntScalars.set(valueType, type);
  }
  return type;
}

/** NTScalarArray for a waveform-like field. */
export function ntScalarArray(elementType: ScalarType): StructureDesc {
  let type = ntScalarArrays.get(elementType);
  if (type === undefined) {
    type = structure(NT_SCALAR_ARRAY_ID, {
      value: scalarArray(elementType),
      alarm: ALARM_T,
      timeStamp: TIME_T,
      ...metaFields(elementType),
    });
    ntScalarArrays.set(elementType, type);
  }
  return type;
}

/** NTEnum for bi, bo, mbbi, mbbo. */
export const NT_ENUM = structure(NT_ENUM_ID, {
  value: ENUM_T,
  alarm: ALARM_T,
  timeStamp: TIME_T,
  display: structure('', { description: scalar('string') }),
});

export interface AlarmFields {
  readonly severity?: number;
  readonly status?: number;
  readonly message?: string;
}

export interface TimeStampFields {
  readonly secondsPastEpoch?: bigint | number;
  readonly nanoseconds?: number;
  readonly userTag?: number;
}

type Limit = number | bigint;

export interface NTScalarFields {
  readonly value?: ScalarValue | ArrayLike<ScalarValue>;
  readonly alarm?: AlarmFields;
  readonly timeStamp?: TimeStampFields;
  readonly display?: {
    readonly limitLow?: Limit;
    readonly limitHigh?: Limit;
    readonly description?: string;
    readonly units?: string;
    readonly precision?: number;
    readonly form?: { readonly index?: number; readonly choices?: readonly string[] };
  };
  readonly control?: { readonly limitLow?: Limit; readonly limitHigh?: Limit; readonly minStep?: Limit };
  readonly valueAlarm?: {
    readonly active?: boolean;
    readonly lowAlarmLimit?: Limit;
    readonly lowWarningLimit?: Limit;
    readonly highWarningLimit?: Limit;
    readonly highAlarmLimit?: Limit;
    readonly lowAlarmSeverity?: number;
    readonly lowWarningSeverity?: number;
    readonly highWarningSeverity?: number;
    readonly highAlarmSeverity?: number;
    readonly hysteresis?: number;
  };
}

export interface NTEnumFields {
  readonly value?: { readonly index?: number; readonly choices?: readonly string[] };
  readonly alarm?: AlarmFields;
  readonly timeStamp?: TimeStampFields;
  readonly display?: { readonly description?: string };
}

/**
 * Fills an NTScalar, NTScalarArray or NTEnum from a plain object of the fields to set, marking
 * in `changed` those whose value is new (see PVStructure.assign).
 */
export function fillNormativeType(pv: PVStructure, fields: NTScalarFields | NTEnumFields, changed?: BitSet): void {
  pv.assign(fields as PlainStructure, changed);
}
