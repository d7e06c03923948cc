import { menuPost, menuYesNo } from '../menus';
import { COMMON_FIELDS, inputLinkField, simulationFields } from './common-fields';
import { fieldTable, menuField } from './field-spec';
import { longStringValueFields } from './long-string-fields';
import { textRecordType } from './text-records';

export const lsiRecordType = textRecordType({
  name: 'lsi',
  role: 'input',
  longString: true,
  devices: ['Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    ...longStringValueFields(),
    inputLinkField(),
    menuField('MPST', menuPost),
    menuField('APST', menuPost),
    ...simulationFields('input', menuYesNo),
  ]),
});
