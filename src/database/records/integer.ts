// longin/int64in and longout/int64out differ only in the value's DBF type, a few output fields
// and whether VAL's alarm limits are hidden when their severity is NO_ALARM.

import { menuYesNo } from '../menus';
import { analogRecordType, type AnalogRecordOptions } from './analog';
import { COMMON_FIELDS, deadbandFields, displayFields, driveLimitFields, inputLinkField, limitAlarmFields, outputFields, simulationFields } from './common-fields';
import { field, fieldTable, type FieldSpec } from './field-spec';
import { analogMetadata } from './metadata';
import type { RecordType } from './record-type';

export interface IntegerRecordOptions {
  name: string;
  dbf: 'LONG' | 'INT64';
  devices: readonly string[];
  alarmsGated: boolean;
}

const LIMIT_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'];

function valueFields(dbf: 'LONG' | 'INT64'): FieldSpec[] {
  return [...displayFields(dbf), ...limitAlarmFields(dbf, { severitiesAreProperties: false }), ...deadbandFields(dbf)];
}

export function integerInputType(options: IntegerRecordOptions): RecordType {
  const { dbf } = options;
  return analogRecordType({
    ...options,
    role: 'input',
    fields: fieldTable(COMMON_FIELDS, [
      field('VAL', dbf, { processPassive: true }),
      inputLinkField(),
      ...valueFields(dbf),
      field('AFTC', 'DOUBLE'),
      field('AFVL', 'DOUBLE', { readOnly: true }),
      field('SVAL', dbf),
      ...simulationFields('input', menuYesNo),
    ]),
    metadata: analogMetadata({
      hasUnits: (spec) => spec.dbf === dbf,
      displayFields: [...LIMIT_FIELDS, 'SVAL'],
      control: 'display',
      alarmsGated: options.alarmsGated,
    }),
  });
}

/** What an output type adds: fields, and the hooks of AnalogRecordOptions it needs (longout's OOPT). */
type IntegerOutputOptions = IntegerRecordOptions & { extraFields?: readonly FieldSpec[] } & Pick<AnalogRecordOptions, 'init' | 'shouldWrite' | 'afterPut'>;

export function integerOutputType(options: IntegerOutputOptions): RecordType {
  const { dbf } = options;
  return analogRecordType({
    ...options,
    role: 'output',
    fields: fieldTable(COMMON_FIELDS, [
      field('VAL', dbf, { processPassive: true }),
      ...outputFields(field('IVOV', dbf)),
      ...driveLimitFields(dbf),
      ...valueFields(dbf),
      ...simulationFields('output', menuYesNo),
      ...(options.extraFields ?? []),
    ]),
    metadata: analogMetadata({
      hasUnits: (spec) => spec.dbf === dbf,
      displayFields: LIMIT_FIELDS,
      control: 'driveWhenOrdered',
      alarmsGated: options.alarmsGated,
    }),
  });
}
