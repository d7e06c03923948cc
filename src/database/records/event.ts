// event: posts the event its VAL names (a name, or a number 1…255) each time it processes, so that
// the records with SCAN "Event" and that EVNT process; VAL may be read from INP (devEventSoft) or,
// simulated, from SIOL, as eventRecord.c does.

import { menuYesNo } from '../menus';
import { EventMask } from '../pv';
import { ASYNC, type ProcessOutcome } from '../record';
import { COMMON_FIELDS, inputLinkField, simulationFields } from './common-fields';
import { loadConstant } from './constants';
import { fieldTable, stringField } from './field-spec';
import { fieldMetadata } from './metadata';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, SIMULATION_DELAYED } from './simulation';
import { readInput } from './soft-channel';

const fields = fieldTable(COMMON_FIELDS, [
  stringField('VAL', 40),
  inputLinkField(),
  ...simulationFields('input', menuYesNo).slice(0, 1),
  stringField('SVAL', 40),
  ...simulationFields('input', menuYesNo).slice(1),
]);

export const eventRecordType: RecordType = {
  name: 'event',
  fields,
  devices: ['Soft Channel'],
  deviceLink: 'INP',
  valueKind: 'string',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    initSimulation(record, constants);
    if (loadConstant(record, 'INP', 'VAL', constants)) record.assign('UDF', 0);
  },
  process(record): ProcessOutcome {
    const outcome = readInput(record);
    if (outcome === SIMULATION_DELAYED) return ASYNC;
    if (outcome === 'value' || outcome === 'simulated') record.assign('UDF', 0);
    record.postEvent(record.string('VAL'));
    record.stampTime();
    record.post('VAL', record.resetAlarms() | EventMask.VALUE);
  },
  // eventRecord.c has no get_units, get_precision or limits.
  metadata: (record, spec) => fieldMetadata({}, record, spec),
  enumStrings: () => [],
  afterPut: () => undefined,
};
