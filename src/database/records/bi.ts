import { menuSimm } from '../menus';
import { COMMON_FIELDS, inputLinkField, simulationFields } from './common-fields';
import { binaryStateFields, discreteRecordType } from './discrete';
import { field, fieldTable } from './field-spec';

export const biRecordType = discreteRecordType({
  name: 'bi',
  role: 'input',
  states: 'binary',
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    inputLinkField(),
    field('VAL', 'ENUM', { processPassive: true }),
    ...binaryStateFields(),
    field('SVAL', 'ULONG'),
    ...simulationFields('input', menuSimm),
  ]),
});
