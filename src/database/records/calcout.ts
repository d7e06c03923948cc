// calcout (calcoutRecord.c): VAL computed by CALC as calc does, then — when OOPT says so — OVAL
// (VAL, or OCAL's result with DOPT "Use OCAL") written to OUT after ODLY seconds, IVOA deciding
// what an INVALID record writes, and OEVT posted with each write. INAV…INLV and OUTV tell
// whether each link is constant, local, or an external (CA) one and whether it is connected.

import { calcoutDOPT, calcoutINAV, calcoutOOPT, menuIvoa } from '../menus';
import { AlarmStatus, EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { checkLimitAlarms } from './alarms';
import { ARGUMENTS, argumentFields, checkExpression, compileExpression, evaluate, expressionField, fetchArguments, INPUT_LINKS, postArguments } from './calc-support';
import { COMMON_FIELDS, deadbandFields, displayFields, limitAlarmFields, precisionField } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField, stringField } from './field-spec';
import { analogMetadata, fieldMetadata } from './metadata';
import { postWithDeadbands } from './monitors';
import { outputWanted } from './output-condition';
import { scalarShape, type RecordType } from './record-type';
import { writeOutput } from './soft-channel';

const LIMIT_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'];
const LINKS = [...INPUT_LINKS, 'OUT'];
const VALIDITY_FIELDS = [...ARGUMENTS.map((name) => `IN${name}V`), 'OUTV'];
const USE_OCAL = 1;
/** calcoutINAV: what a link is. */
const EXTERNAL_UNCONNECTED = 0;
const EXTERNAL_CONNECTED = 1;
const LOCAL = 2;
const CONSTANT = 3;

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'DOUBLE'),
  field('PVAL', 'DOUBLE'),
  expressionField('CALC'),
  field('CLCV', 'LONG'),
  ...argumentFields(),
  field('OUT', 'OUTLINK'),
  ...VALIDITY_FIELDS.map((name) => menuField(name, calcoutINAV, { readOnly: true, initial: name === 'OUTV' ? '0' : '1' })),
  menuField('OOPT', calcoutOOPT),
  field('ODLY', 'DOUBLE'),
  field('DLYA', 'USHORT', { readOnly: true }),
  menuField('DOPT', calcoutDOPT),
  expressionField('OCAL'),
  field('OCLV', 'LONG'),
  stringField('OEVT', 40),
  menuField('IVOA', menuIvoa),
  field('IVOV', 'DOUBLE'),
  ...displayFields('DOUBLE'),
  precisionField(),
  ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
  ...deadbandFields('DOUBLE'),
  field('OVAL', 'DOUBLE'),
  field('POVL', 'DOUBLE'),
]);

const metadata = analogMetadata({
  hasUnits: (spec) => spec.dbf === 'DOUBLE' && !ARGUMENTS.includes(spec.name) && spec.name !== 'ODLY',
  precisionFields: ['VAL', 'OVAL', 'PVAL'],
  displayFields: LIMIT_FIELDS,
  control: 'display',
  alarmsGated: true,
});

export const calcoutRecordType: RecordType = {
  name: 'calcout',
  fields,
  devices: ['Soft Channel', 'Async Soft Channel'],
  deviceLink: 'OUT',
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    for (let i = 0; i < ARGUMENTS.length; i++) loadConstant(record, INPUT_LINKS[i]!, ARGUMENTS[i]!, constants);
    compileExpression(record, 'CALC');
    compileExpression(record, 'OCAL');
    updateLinkValidity(record);
    const value = record.number('VAL');
    for (const last of ['PVAL', 'MLST', 'ALST', 'LALM']) record.assign(last, value);
    record.assign('POVL', record.number('OVAL'));
  },
  process(record): ProcessOutcome {
    updateLinkValidity(record);
    if (fetchArguments(record) && evaluate(record, 'CALC')) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
    checkLimitAlarms(record);
    record.stampTime();
    const value = record.number('VAL');
    const wanted = outputWanted(record.number('OOPT'), value, record.number('PVAL'), record.number('MDEL'));
    record.assign('PVAL', value);
    if (wanted && record.number('ODLY') > 0) return delayOutput(record);
    if (wanted) executeOutput(record);
    monitor(record);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut(record, spec) {
    if (spec.name === 'CALC' || spec.name === 'OCAL') compileExpression(record, spec.name);
  },
  linksChanged: updateLinkValidity,
  validate: (name, data) => (name === 'CALC' || name === 'OCAL' ? checkExpression(data as string) : undefined),
};

/** ODLY: PACT stays set (DLYA 1) until the output is written ODLY seconds later, then the pass ends. */
function delayOutput(record: DbRecord): ProcessOutcome {
  record.assign('DLYA', 1);
  record.post('DLYA', EventMask.VALUE);
  record.requestDelayed(record.number('ODLY'), () => {
    record.completeAsync(() => {
      record.stampTime();
      record.assign('DLYA', 0);
      record.post('DLYA', EventMask.VALUE);
      executeOutput(record);
      monitor(record);
    });
  });
  return ASYNC;
}

/** execOutput: OVAL from VAL or OCAL, then written unless IVOA holds it back; OEVT follows a write. */
function executeOutput(record: DbRecord): void {
  if (record.number('DOPT') === USE_OCAL) {
    if (evaluate(record, 'OCAL', 'OVAL')) record.assign('UDF', Number.isNaN(record.number('OVAL')) ? 1 : 0);
  } else {
    record.assign('OVAL', record.number('VAL'));
  }
  if (record.number('UDF')) record.raiseAlarm(AlarmStatus.UDF, record.number('UDFS'));
  const written = writeOutput(record, 'OVAL', () => record.assign('OVAL', record.number('IVOV')));
  const event = record.string('OEVT');
  if (written === true && event !== '') record.postEvent(event);
}

function monitor(record: DbRecord): void {
  const mask = postWithDeadbands(record);
  postArguments(record, mask);
  if (Object.is(record.number('POVL'), record.number('OVAL'))) return;
  record.post('OVAL', mask | EventMask.VALUE | EventMask.LOG);
  record.assign('POVL', record.number('OVAL'));
}

/** checkLinks: INAV…INLV and OUTV, posted when they change. */
function updateLinkValidity(record: DbRecord): void {
  for (let i = 0; i < LINKS.length; i++) {
    const link = record.links.get(LINKS[i]!);
    const validity = !link || link.isConstant ? CONSTANT : !link.isVolatile ? LOCAL : link.isConnected ? EXTERNAL_CONNECTED : EXTERNAL_UNCONNECTED;
    const name = VALIDITY_FIELDS[i]!;
    if (record.number(name) === validity) continue;
    record.assign(name, validity);
    record.post(name, EventMask.VALUE);
  }
}
