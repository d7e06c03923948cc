// The numeric records with limit alarms and deadbands: ai, ao, longin, longout, int64in,
// int64out and calc share one processing (convert, time stamp, limit alarms, deadband monitors)
// and differ in their field tables, role and metadata rules.

import { EventMask } from '../pv';
import type { DbRecord } from '../record';
import { checkLimitAlarms } from './alarms';
import { loadConstant } from './constants';
import type { FieldTable } from './field-spec';
import { fieldMetadata, type MetadataRules } from './metadata';
import { postWithDeadbands } from './monitors';
import { scalarShape, type RecordType } from './record-type';

export interface AnalogRecordOptions {
  name: string;
  fields: FieldTable;
  devices: readonly string[];
  /** input: INP gives the initial value; output: DOL does and VAL is clipped to DRVH/DRVL; calc: code computes VAL. */
  role: 'input' | 'output' | 'calc';
  /** ao and calc: each pass sets UDF from whether VAL is NaN. */
  udfFollowsNaN?: boolean;
  /** Fields that follow VAL after the drive limits are applied (ao's OVAL, PVAL). */
  outputCopies?: readonly string[];
  /** Inputs whose constants load into fields of the record (calc's INPA→A …). */
  constantInputs?: ReadonlyMap<string, string>;
  metadata: MetadataRules;
}

export function analogRecordType(options: AnalogRecordOptions): RecordType {
  const { role } = options;
  return {
    name: options.name,
    fields: options.fields,
    devices: options.devices,
    valueKind: 'number',
    shape: (_record, spec) => scalarShape(spec),
    init(record, constants) {
      const link = role === 'input' ? 'INP' : 'DOL';
      if (role !== 'calc' && loadConstant(record, link, 'VAL', constants)) {
        record.assign('UDF', options.udfFollowsNaN && Number.isNaN(record.number('VAL')) ? 1 : 0);
      }
      for (const [input, target] of options.constantInputs ?? []) loadConstant(record, input, target, constants);
      const value = record.number('VAL');
      for (const last of ['MLST', 'ALST', 'LALM', ...(options.outputCopies ?? [])]) record.assign(last, value);
    },
    process(record) {
      if (role === 'output') applyDriveLimits(record);
      if (options.udfFollowsNaN) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
      const copiesChanged = (options.outputCopies ?? []).filter((copy) => !Object.is(record.number(copy), record.number('VAL')));
      for (const copy of copiesChanged) record.assign(copy, record.number('VAL'));
      record.stampTime();
      checkLimitAlarms(record);
      postWithDeadbands(record);
      for (const copy of copiesChanged) record.post(copy, EventMask.VALUE | EventMask.LOG);
    },
    metadata: (record, spec) => fieldMetadata(options.metadata, record, spec),
    enumStrings: () => [],
    afterPut: () => undefined,
  };
}

/** convert(): clip VAL to DRVL..DRVH when the limits are ordered. */
function applyDriveLimits(record: DbRecord): void {
  const high = record.number('DRVH');
  const low = record.number('DRVL');
  if (!(high > low)) return;
  const value = record.number('VAL');
  if (value > high) record.assign('VAL', high);
  else if (value < low) record.assign('VAL', low);
}
