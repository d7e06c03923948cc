import { menuSimm } from '../menus';
import { COMMON_FIELDS, outputFields, simulationFields } from './common-fields';
import { discreteRecordType, multiBitStateFields } from './discrete';
import { field, fieldTable } from './field-spec';

export const mbboRecordType = discreteRecordType({
  name: 'mbbo',
  role: 'output',
  states: 'multiBit',
  plainValueWithoutStates: true,
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'ENUM', { processPassive: true }),
    ...outputFields(field('IVOV', 'USHORT')),
    ...multiBitStateFields(),
    field('RBV', 'ULONG', { readOnly: true }),
    field('ORBV', 'ULONG', { readOnly: true }),
    ...simulationFields('output', menuSimm),
  ]),
});
