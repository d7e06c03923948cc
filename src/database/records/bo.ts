import { menuSimm } from '../menus';
import type { DbRecord } from '../record';
import { COMMON_FIELDS, outputFields, simulationFields } from './common-fields';
import { binaryStateFields, discreteRecordType } from './discrete';
import { field, fieldTable } from './field-spec';

/** boRecord.c's get_control_double: HIGH's control range. */
const HIGH_LIMIT_SECONDS = 100000;

/** The momentary timer of each bo that has one pending (boRecord.c's rpvt callback). */
const MOMENTARY = new WeakMap<DbRecord, () => void>();

/**
 * A momentary bo: a pass that leaves VAL 1 with HIGH > 0 (re)starts a timer, after which VAL
 * goes back to 0 and the record processes again, writing OUT and posting its monitors. A
 * record still active then waits another HIGH seconds (boRecord.c's myCallbackFunc).
 */
function startMomentary(record: DbRecord): void {
  const seconds = record.number('HIGH');
  if (record.number('VAL') !== 1 || !(seconds > 0)) return;
  MOMENTARY.get(record)?.();
  const cancel = record.requestDelayed(seconds, () => {
    MOMENTARY.delete(record);
    if (record.isActive) {
      startMomentary(record);
      return;
    }
    record.assign('VAL', 0);
    record.process();
  });
  MOMENTARY.set(record, cancel);
}

export const boRecordType = discreteRecordType({
  name: 'bo',
  role: 'output',
  states: 'binary',
  afterWrite: startMomentary,
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'ENUM', { processPassive: true }),
    ...outputFields(field('IVOV', 'USHORT')),
    field('HIGH', 'DOUBLE'),
    ...binaryStateFields(),
    field('RBV', 'ULONG', { readOnly: true }),
    field('ORBV', 'ULONG', { readOnly: true }),
    ...simulationFields('output', menuSimm),
  ]),
  metadata: {
    units: (_record, spec) => (spec.name === 'HIGH' ? 's' : ''),
    precision: (_record, spec) => (spec.name === 'HIGH' ? 2 : 0),
    control: (_record, spec) => (spec.name === 'HIGH' ? { lower: 0, upper: HIGH_LIMIT_SECONDS } : undefined),
  },
});
