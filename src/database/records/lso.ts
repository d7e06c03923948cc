import { menuPost, menuYesNo } from '../menus';
import { COMMON_FIELDS, outputFields, simulationFields } from './common-fields';
import { fieldTable, menuField, stringField } from './field-spec';
import { longStringValueFields } from './long-string-fields';
import { textRecordType } from './text-records';

export const lsoRecordType = textRecordType({
  name: 'lso',
  role: 'output',
  longString: true,
  undefinedSeverity: 'INVALID',
  devices: ['Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    ...longStringValueFields(),
    ...outputFields(stringField('IVOV', 40)),
    menuField('MPST', menuPost),
    menuField('APST', menuPost),
    ...simulationFields('output', menuYesNo),
  ]),
});
