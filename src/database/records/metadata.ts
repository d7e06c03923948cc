// DBR_GR/DBR_CTRL metadata of a record's fields, built as dbAccess getOptions builds it from a
// record support's get_units, get_precision, get_graphic_double, get_control_double and
// get_alarm_double: a record type lacking one leaves that part empty for all its fields.

import { isFloat, rangeOf } from '../dbf';
import { EMPTY_METADATA, type DisplayMetadata } from '../pv';
import type { DbRecord } from '../record';
import type { FieldSpec } from './field-spec';

export interface Limits {
  lower: number;
  upper: number;
}

export interface AlarmLimits {
  upperAlarm: number;
  upperWarning: number;
  lowerWarning: number;
  lowerAlarm: number;
}

/** A record type's metadata support; a hook returning undefined falls back as recGbl does. */
export interface MetadataRules {
  units?(record: DbRecord, spec: FieldSpec): string;
  /** Consulted for FLOAT and DOUBLE fields only. */
  precision?(record: DbRecord, spec: FieldSpec): number;
  /** undefined: the range of the field's type. */
  display?(record: DbRecord, spec: FieldSpec): Limits | undefined;
  control?(record: DbRecord, spec: FieldSpec): Limits | undefined;
  /** undefined: no alarm limits (NaN). */
  alarm?(record: DbRecord, spec: FieldSpec): AlarmLimits | undefined;
}

const NO_ALARM_LIMITS: AlarmLimits = { upperAlarm: NaN, upperWarning: NaN, lowerWarning: NaN, lowerAlarm: NaN };

export function fieldMetadata(rules: MetadataRules, record: DbRecord, spec: FieldSpec): DisplayMetadata {
  const shape = record.shape(spec);
  const typeRange = rangeOf(shape.dbf);
  const display = rules.display ? rules.display(record, spec) ?? typeRange : { lower: 0, upper: 0 };
  const control = rules.control ? rules.control(record, spec) ?? typeRange : { lower: 0, upper: 0 };
  const alarm = rules.alarm?.(record, spec) ?? NO_ALARM_LIMITS;
  return {
    ...EMPTY_METADATA,
    units: rules.units?.(record, spec) ?? '',
    precision: isFloat(shape.dbf) && rules.precision ? rules.precision(record, spec) : 0,
    upperDisplayLimit: display.upper,
    lowerDisplayLimit: display.lower,
    upperControlLimit: control.upper,
    lowerControlLimit: control.lower,
    upperAlarmLimit: alarm.upperAlarm,
    upperWarningLimit: alarm.upperWarning,
    lowerWarningLimit: alarm.lowerWarning,
    lowerAlarmLimit: alarm.lowerAlarm,
    enumStrings: enumStringsOf(record, spec),
  };
}

function enumStringsOf(record: DbRecord, spec: FieldSpec): readonly string[] {
  switch (spec.dbf) {
    case 'MENU':
      return spec.menu?.choices ?? [];
    case 'DEVICE':
      return record.deviceChoices;
    case 'ENUM':
      return spec.name === 'VAL' ? record.type.enumStrings(record) : [];
    default:
      return [];
  }
}

/** recGblGetPrec: PREC for the value fields, PREC within 0..15 (else 15) for other floating fields. */
export function precisionRule(valueFields: readonly string[]): MetadataRules['precision'] {
  return (record, spec) => {
    const precision = record.number('PREC');
    if (valueFields.includes(spec.name)) return precision;
    return precision < 0 || precision > 15 ? 15 : precision;
  };
}

export function limitsFrom(record: DbRecord, upper: string, lower: string): Limits {
  return { upper: record.number(upper), lower: record.number(lower) };
}

/**
 * The alarm limits of VAL from HIHI/HIGH/LOW/LOLO; `gated` reports NaN for a limit whose
 * severity is NO_ALARM (the analog and long records do, the int64 ones do not).
 */
export function valueAlarmLimits(gated: boolean): MetadataRules['alarm'] {
  return (record, spec) => {
    if (spec.name !== 'VAL') return undefined;
    const limit = (field: string, severity: string) => (!gated || record.number(severity) ? record.number(field) : NaN);
    return {
      upperAlarm: limit('HIHI', 'HHSV'),
      upperWarning: limit('HIGH', 'HSV'),
      lowerWarning: limit('LOW', 'LSV'),
      lowerAlarm: limit('LOLO', 'LLSV'),
    };
  };
}

export interface AnalogMetadataOptions {
  /** Which fields carry EGU as their units. */
  hasUnits(spec: FieldSpec): boolean;
  /** Fields whose precision is PREC itself; absent when the type has no precision support. */
  precisionFields?: readonly string[];
  /** Fields shown within HOPR/LOPR; the others get their type's range. */
  displayFields: readonly string[];
  /** Fields with the control limits below (default: displayFields). */
  controlFields?: readonly string[];
  /** display: HOPR/LOPR; drive: DRVH/DRVL; driveWhenOrdered: DRVH/DRVL if DRVH > DRVL, else HOPR/LOPR. */
  control: 'display' | 'drive' | 'driveWhenOrdered';
  alarmsGated: boolean;
}

/** The metadata rules of the analog and integer records, which all follow one pattern. */
export function analogMetadata(options: AnalogMetadataOptions): MetadataRules {
  const controlFields = options.controlFields ?? options.displayFields;
  return {
    units: (record, spec) => (options.hasUnits(spec) ? record.string('EGU') : ''),
    precision: options.precisionFields && precisionRule(options.precisionFields),
    display: (record, spec) => (options.displayFields.includes(spec.name) ? limitsFrom(record, 'HOPR', 'LOPR') : undefined),
    control(record, spec) {
      if (!controlFields.includes(spec.name)) return undefined;
      if (options.control === 'display') return limitsFrom(record, 'HOPR', 'LOPR');
      const drive = limitsFrom(record, 'DRVH', 'DRVL');
      return options.control === 'drive' || drive.upper > drive.lower ? drive : limitsFrom(record, 'HOPR', 'LOPR');
    },
    alarm: valueAlarmLimits(options.alarmsGated),
  };
}
