import { menuSimm } from '../menus';
import { COMMON_FIELDS, outputFields, simulationFields } from './common-fields';
import { binaryStateFields, discreteRecordType } from './discrete';
import { field, fieldTable } from './field-spec';

/** HIGH, the seconds a momentary bo stays at 1, is served with bo's own metadata but not acted on. */
const HIGH_LIMIT_SECONDS = 100000;

export const boRecordType = discreteRecordType({
  name: 'bo',
  role: 'output',
  states: 'binary',
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
