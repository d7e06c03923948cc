import { menuSimm } from '../menus';
import { COMMON_FIELDS, inputLinkField, simulationFields } from './common-fields';
import { discreteRecordType, multiBitStateFields } from './discrete';
import { field, fieldTable } from './field-spec';

export const mbbiRecordType = discreteRecordType({
  name: 'mbbi',
  role: 'input',
  states: 'multiBit',
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'ENUM', { processPassive: true }),
    inputLinkField(),
    ...multiBitStateFields(),
    field('AFTC', 'DOUBLE'),
    field('AFVL', 'DOUBLE', { readOnly: true }),
    field('SVAL', 'ULONG'),
    ...simulationFields('input', menuSimm),
  ]),
});
