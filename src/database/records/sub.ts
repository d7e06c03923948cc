// sub: reads A…L through INPA…INPL, then calls the subroutine SNAM names (registered by code; INAM
// names one run once at initialisation), which sets VAL; limit alarms and deadbands follow as in
// the analog records. A subroutine returning a promise keeps the record active until it settles,
// as an asynchronous subroutine does in subRecord.c. With SNAM empty the record is held active
// (PACT set, never processed, its UDF alarm kept) until a put names a subroutine, as subRecord.c's
// init_record and special do.

import { menuAlarmSevr } from '../menus';
import { AlarmSeverity, AlarmStatus } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import type { SubroutineStatus } from '../subroutines';
import { checkLimitAlarms } from './alarms';
import { ARGUMENT_INPUTS, ARGUMENTS, argumentConstants, argumentInput, LAST_ARGUMENTS, postChangedArguments } from './arguments';
import { COMMON_FIELDS, deadbandFields, displayFields, limitAlarmFields, precisionField } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField, stringField, type FieldSpec } from './field-spec';
import { fieldMetadata, limitsFrom, valueAlarmLimits, type MetadataRules } from './metadata';
import { postWithDeadbands } from './monitors';
import { scalarShape, type RecordType } from './record-type';

const SNAM_EMPTY = 'SNAM is empty';

const VALUE_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'];

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'DOUBLE', { processPassive: true }),
  stringField('INAM', 40, { readOnly: true }),
  stringField('SNAM', 40),
  field('SADR', 'NOACCESS', { readOnly: true }),
  ...ARGUMENT_INPUTS.map((name) => field(name, 'INLINK')),
  ...displayFields('DOUBLE'),
  ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }).slice(0, 4),
  precisionField(),
  menuField('BRSV', menuAlarmSevr, { processPassive: true }),
  ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }).slice(4),
  ...deadbandFields('DOUBLE').slice(0, 2),
  ...ARGUMENTS.map((name) => field(name, 'DOUBLE', { processPassive: true })),
  ...LAST_ARGUMENTS.map((name) => field(name, 'DOUBLE', { readOnly: true })),
  ...deadbandFields('DOUBLE').slice(2),
]);

/** An argument's metadata is that of what its INP link reads (dbGetUnits, dbGetPrecision…). */
function linked(record: DbRecord, spec: FieldSpec) {
  const input = argumentInput(spec.name);
  return input === undefined ? undefined : record.links.get(input)?.targetMetadata();
}

const valueAlarms = valueAlarmLimits(true);

const metadata: MetadataRules = {
  units: (record, spec) => (spec.dbf !== 'DOUBLE' ? '' : argumentInput(spec.name) ? linked(record, spec)?.units ?? '' : record.string('EGU')),
  precision(record, spec) {
    const precision = record.number('PREC');
    if (spec.name === 'VAL') return precision;
    if (argumentInput(spec.name)) return linked(record, spec)?.precision ?? precision;
    return precision < 0 || precision > 15 ? 15 : precision;
  },
  display(record, spec) {
    if (VALUE_FIELDS.includes(spec.name)) return limitsFrom(record, 'HOPR', 'LOPR');
    const target = linked(record, spec);
    return target && { lower: target.lowerDisplayLimit, upper: target.upperDisplayLimit };
  },
  control: (record, spec) => (VALUE_FIELDS.includes(spec.name) ? limitsFrom(record, 'HOPR', 'LOPR') : undefined),
  alarm(record, spec) {
    if (spec.name === 'VAL') return valueAlarms!(record, spec);
    const target = linked(record, spec);
    return target && {
      upperAlarm: target.upperAlarmLimit,
      upperWarning: target.upperWarningLimit,
      lowerWarning: target.lowerWarningLimit,
      lowerAlarm: target.lowerAlarmLimit,
    };
  },
};

export const subRecordType: RecordType = {
  name: 'sub',
  fields,
  devices: [],
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    for (const [input, argument] of argumentConstants()) loadConstant(record, input, argument, constants);
    const initialise = record.subroutine(record.string('INAM'));
    if (initialise) void Promise.resolve(initialise(record)).catch(() => undefined);
    if (!record.string('SNAM')) {
      record.holdActive(SNAM_EMPTY);
      return;
    }
    for (const last of ['MLST', 'ALST', 'LALM']) record.assign(last, record.number('VAL'));
  },
  process(record): ProcessOutcome {
    if (!fetchValues(record)) return finish(record);
    const subroutine = record.subroutine(record.string('SNAM'));
    // SNAM emptied while an asynchronous subroutine ran: the pass that follows has none to call (do_sub's BAD_SUB).
    if (!subroutine) {
      record.raiseAlarm(AlarmStatus.BAD_SUB, AlarmSeverity.INVALID, SNAM_EMPTY);
      return finish(record);
    }
    let status: ReturnType<typeof subroutine>;
    try {
      status = subroutine(record);
    } catch (error) {
      return failed(record, error);
    }
    if (!(status instanceof Promise)) {
      judge(record, status);
      return finish(record);
    }
    status.then(
      (settled) => record.completeAsync(() => (judge(record, settled), finish(record))),
      (error: unknown) => record.completeAsync(() => failed(record, error)),
    );
    return ASYNC;
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut(record, spec) {
    if (spec.name !== 'SNAM') return;
    if (record.string('SNAM')) record.releaseHold();
    else record.holdActive(SNAM_EMPTY);
  },
  validate(field, data, host) {
    if (field !== 'SNAM' && field !== 'INAM') return undefined;
    const reason = host.subroutines.refusal(data as string);
    return reason === undefined ? undefined : { reason };
  },
};

/** fetch_values: A…L from their links, stopping at the first that fails. */
function fetchValues(record: DbRecord): boolean {
  return ARGUMENT_INPUTS.every((input, index) => record.readLink(input, ARGUMENTS[index]!));
}

/** do_sub's verdict: a negative status is a SOFT alarm of severity BRSV, else UDF follows VAL. */
function judge(record: DbRecord, status: SubroutineStatus): void {
  if (typeof status === 'number' && status < 0) record.raiseAlarm(AlarmStatus.SOFT, record.number('BRSV'));
  else record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
}

/** A subroutine that threw or rejected failed: SOFT/BRSV, its message in AMSG. */
function failed(record: DbRecord, error: unknown): ProcessOutcome {
  record.raiseAlarm(AlarmStatus.SOFT, record.number('BRSV'), error instanceof Error ? error.message : String(error));
  return finish(record);
}

/** The end of a pass: time stamp, limit alarms, VAL by deadband and the arguments that changed. */
function finish(record: DbRecord): ProcessOutcome {
  record.stampTime();
  checkLimitAlarms(record);
  postChangedArguments(record, postWithDeadbands(record));
}
