import { menuYesNo, stringoutPOST } from '../menus';
import { COMMON_FIELDS, outputFields, simulationFields } from './common-fields';
import { fieldTable, menuField, stringField } from './field-spec';
import { textRecordType } from './text-records';

export const stringoutRecordType = textRecordType({
  name: 'stringout',
  role: 'output',
  longString: false,
  undefinedSeverity: 'UDFS',
  devices: ['Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    stringField('VAL', 40, { processPassive: true }),
    stringField('OVAL', 40, { readOnly: true }),
    ...outputFields(stringField('IVOV', 40)),
    menuField('MPST', stringoutPOST),
    menuField('APST', stringoutPOST),
    ...simulationFields('output', menuYesNo),
  ]),
});
