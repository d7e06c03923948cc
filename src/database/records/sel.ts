// sel: VAL chosen from A…L (read through INPA…INPL): the one SELN names (SELN read through NVL),
// or the highest, lowest or median of those that are not NaN, with the limit alarms and
// deadbands of the analog records, as selRecord.c does.

import { selSELM } from '../menus';
import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import type { DbRecord } from '../record';
import { analogRecordType } from './analog';
import { ARGUMENT_INPUTS, ARGUMENTS, argumentConstants, LAST_ARGUMENTS, postChangedArguments } from './arguments';
import { COMMON_FIELDS, deadbandFields, displayFields, limitAlarmFields, precisionField } from './common-fields';
import { field, fieldTable, menuField } from './field-spec';
import { analogMetadata } from './metadata';

const INPUTS = ARGUMENT_INPUTS;
const LIMIT_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST', ...ARGUMENTS, ...LAST_ARGUMENTS];

const SELM_SPECIFIED = 0;
const SELM_HIGH_SIGNAL = 1;
const SELM_LOW_SIGNAL = 2;
const SELM_MEDIAN_SIGNAL = 3;

export const selRecordType = analogRecordType({
  name: 'sel',
  role: 'calc',
  devices: [],
  constantInputs: new Map([['NVL', 'SELN'], ...argumentConstants()]),
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'DOUBLE', { readOnly: true }),
    menuField('SELM', selSELM),
    field('SELN', 'USHORT'),
    precisionField(),
    field('NVL', 'INLINK'),
    ...INPUTS.map((name) => field(name, 'INLINK')),
    ...displayFields('DOUBLE'),
    ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
    ...deadbandFields('DOUBLE').slice(0, 2),
    // init_record starts every input at NaN, so that one never read is left out of High/Low/Median.
    ...ARGUMENTS.map((name) => field(name, 'DOUBLE', { processPassive: true, initial: 'NaN' })),
    ...LAST_ARGUMENTS.map((name) => field(name, 'DOUBLE', { readOnly: true })),
    ...deadbandFields('DOUBLE').slice(2),
    field('NLST', 'USHORT', { readOnly: true }),
  ]),
  calculate: (record) => fetchValues(record) && select(record),
  afterPost: postSelectionAndInputs,
  metadata: analogMetadata({
    hasUnits: (spec) => spec.dbf === 'DOUBLE',
    precisionFields: ['VAL'],
    displayFields: LIMIT_FIELDS,
    control: 'display',
    alarmsGated: true,
  }),
});

/**
 * fetch_values: with SELM Specified, SELN through NVL and then only the input it names; otherwise
 * every input. As in selRecord.c, the outcome is that of the last read made.
 */
function fetchValues(record: DbRecord): boolean {
  if (record.number('SELM') === SELM_SPECIFIED) {
    if (!record.readLink('NVL', 'SELN')) return false;
    const selection = record.number('SELN');
    return selection >= ARGUMENTS.length || record.readLink(INPUTS[selection]!, ARGUMENTS[selection]!);
  }
  let read = true;
  for (const [index, input] of INPUTS.entries()) read = record.readLink(input, ARGUMENTS[index]!);
  return read;
}

/** do_sel: VAL and SELN by SELM; false (with an alarm) when nothing could be selected. */
function select(record: DbRecord): boolean {
  const values = ARGUMENTS.map((name) => record.number(name));
  const mode = record.number('SELM');
  if (mode === SELM_SPECIFIED) {
    const selection = record.number('SELN');
    if (selection >= values.length) {
      record.raiseAlarm(AlarmStatus.SOFT, AlarmSeverity.INVALID);
      return false;
    }
    record.assign('VAL', values[selection]!);
  } else if (mode === SELM_HIGH_SIGNAL || mode === SELM_LOW_SIGNAL) {
    const high = mode === SELM_HIGH_SIGNAL;
    let value = high ? -Infinity : Infinity;
    values.forEach((candidate, index) => {
      if (Number.isNaN(candidate) || !(high ? candidate > value : candidate < value)) return;
      value = candidate;
      record.assign('SELN', index);
    });
    record.assign('VAL', value);
  } else if (mode === SELM_MEDIAN_SIGNAL) {
    // SELN takes the number of inputs that are not NaN (selRecord.c does so); VAL the upper median.
    const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
    record.assign('SELN', sorted.length);
    record.assign('VAL', sorted[sorted.length >> 1] ?? NaN);
  } else {
    record.raiseAlarm(AlarmStatus.CALC, AlarmSeverity.INVALID);
    return false;
  }
  return true;
}

/** monitor(): SELN when it changed since NLST, and every input that changed since its L… copy. */
function postSelectionAndInputs(record: DbRecord, valueMask: number): void {
  const mask = valueMask | EventMask.VALUE | EventMask.LOG;
  if (record.number('NLST') !== record.number('SELN')) {
    record.assign('NLST', record.number('SELN'));
    record.post('SELN', mask);
  }
  postChangedArguments(record, valueMask);
}
