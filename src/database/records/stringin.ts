import { menuYesNo, stringinPOST } from '../menus';
import { COMMON_FIELDS, inputLinkField, simulationFields } from './common-fields';
import { fieldTable, menuField, stringField } from './field-spec';
import { textRecordType } from './text-records';

export const stringinRecordType = textRecordType({
  name: 'stringin',
  role: 'input',
  longString: false,
  devices: ['Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    stringField('VAL', 40, { processPassive: true }),
    stringField('OVAL', 40, { readOnly: true }),
    inputLinkField(),
    menuField('MPST', stringinPOST),
    menuField('APST', stringinPOST),
    stringField('SVAL', 40, { processPassive: true }),
    ...simulationFields('input', menuYesNo),
  ]),
});
