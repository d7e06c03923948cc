// The numeric records with limit alarms and deadbands: ai, ao, longin, longout, int64in,
// int64out, calc and calcout share one processing (read or compute, convert, time stamp, limit
// alarms, write, deadband monitors) and differ in their field tables, role, hooks and metadata.

import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { checkLimitAlarms } from './alarms';
import { loadConstant } from './constants';
import type { FieldTable } from './field-spec';
import { fieldMetadata, type MetadataRules } from './metadata';
import { postWithDeadbands } from './monitors';
import { scalarShape, type LinkConstants, type RecordType } from './record-type';
import { initSimulation, resumingSimulation, SIMULATION_DELAYED } from './simulation';
import { fetchDesiredOutput, readInput, writeOutput, type ReadOutcome } from './soft-channel';

export interface AnalogRecordOptions {
  name: string;
  fields: FieldTable;
  devices: readonly string[];
  /** input: reads INP; output: fetches DOL, clips VAL to DRVH/DRVL and writes OUT; calc: `calculate` computes VAL. */
  role: 'input' | 'output' | 'calc';
  /** ai, ao and calc: a pass that read or computed VAL sets UDF from whether it is NaN. */
  udfFollowsNaN?: boolean;
  /** Inputs whose constants load into fields of the record (calc's INPA→A …). */
  constantInputs?: ReadonlyMap<string, string>;
  /** Extra initialisation (ai/ao conversions). */
  init?(record: DbRecord, constants: LinkConstants): void;
  /** ai: what follows a read (conversion of RVAL, smoothing); `previous` is VAL before it. */
  afterRead?(record: DbRecord, outcome: ReadOutcome, previous: number): void;
  /** calc: computes VAL; false when it could not (the alarm is raised). */
  calculate?(record: DbRecord): boolean;
  /** Outputs: the field written to OUT (ao: OVAL) and the conversion from VAL to it. */
  output?: { field: string; convert(record: DbRecord): void };
  /** longout: whether this pass writes OUT (OOPT), once IVOA let it; absent: every pass. */
  shouldWrite?(record: DbRecord): boolean;
  /** special(): a field was written (longout: OUT changed, calc: CALC). */
  afterPut?: RecordType['afterPut'];
  /** special() refusing a value (calc: a CALC that does not compile). */
  validate?: RecordType['validate'];
  /** The end of a pass: what it posts besides VAL (ao's OVAL and RVAL), given the VAL mask. */
  afterPost?(record: DbRecord, mask: number): void;
  metadata: MetadataRules;
}

export function analogRecordType(options: AnalogRecordOptions): RecordType {
  const { role } = options;
  return {
    name: options.name,
    fields: options.fields,
    devices: options.devices,
    deviceLink: role === 'input' ? 'INP' : role === 'output' ? 'OUT' : undefined,
    valueKind: 'number',
    shape: (_record, spec) => scalarShape(spec),
    init(record, constants) {
      const link = role === 'input' ? 'INP' : 'DOL';
      if (role !== 'calc' && loadConstant(record, link, 'VAL', constants)) {
        record.assign('UDF', options.udfFollowsNaN && Number.isNaN(record.number('VAL')) ? 1 : 0);
      }
      for (const [input, target] of options.constantInputs ?? []) loadConstant(record, input, target, constants);
      initSimulation(record, constants);
      options.init?.(record, constants);
      const value = record.number('VAL');
      for (const last of ['MLST', 'ALST', 'LALM']) record.assign(last, value);
    },
    process(record): ProcessOutcome {
      const previousTime = record.time;
      if (role === 'input' && readValue(record, options) === SIMULATION_DELAYED) return ASYNC;
      if (role === 'calc') calculateValue(record, options);
      if (role === 'output' && !resumingSimulation(record)) prepareOutput(record, options);
      record.stampTime();
      checkLimitAlarms(record, previousTime);
      if (role === 'output' && writeValue(record, options) === SIMULATION_DELAYED) return ASYNC;
      const mask = postWithDeadbands(record);
      options.afterPost?.(record, mask);
    },
    metadata: (record, spec) => fieldMetadata(options.metadata, record, spec),
    enumStrings: () => [],
    afterPut: options.afterPut ?? (() => undefined),
    validate: options.validate,
  };
}

function readValue(record: DbRecord, options: AnalogRecordOptions): ReadOutcome {
  const previous = record.number('VAL');
  const outcome = readInput(record);
  if (outcome === SIMULATION_DELAYED) return outcome;
  options.afterRead?.(record, outcome, previous);
  if (outcome === 'failed') return outcome;
  if (options.udfFollowsNaN) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
  else if (outcome !== 'unchanged') record.assign('UDF', 0);
  return outcome;
}

function calculateValue(record: DbRecord, options: AnalogRecordOptions): void {
  if (options.calculate?.(record)) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
}

function prepareOutput(record: DbRecord, options: AnalogRecordOptions): void {
  const fetched = fetchDesiredOutput(record);
  if (fetched) {
    applyDriveLimits(record);
    options.output?.convert(record);
  }
  if (options.udfFollowsNaN) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
  else if (fetched && !record.linkIsConstant('DOL')) record.assign('UDF', 0);
}

function writeValue(record: DbRecord, options: AnalogRecordOptions): boolean | typeof SIMULATION_DELAYED {
  const useIvov = () => {
    record.assign('VAL', record.number('IVOV'));
    options.output?.convert(record);
  };
  return writeOutput(record, options.output?.field ?? 'VAL', useIvov, options.shouldWrite && (() => options.shouldWrite!(record)));
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
