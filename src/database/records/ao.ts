import { aoOIF, menuConvert, menuSimm } from '../menus';
import { analogRecordType } from './analog';
import { COMMON_FIELDS, deadbandFields, displayFields, driveLimitFields, limitAlarmFields, outputFields, precisionField, simulationFields } from './common-fields';
import { field, fieldTable, menuField } from './field-spec';
import { endConversionPass, engineeringToRaw, initLinearConversion } from './linear-conversion';
import { analogMetadata } from './metadata';
import { EventMask } from '../pv';

const VALUE_FIELDS = ['VAL', 'OVAL', 'PVAL'];
const LIMIT_FIELDS = [...VALUE_FIELDS, 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'];
const UNITLESS = ['ASLO', 'AOFF'];

export const aoRecordType = analogRecordType({
  name: 'ao',
  role: 'output',
  udfFollowsNaN: true,
  init(record) {
    initLinearConversion(record);
    record.assign('OVAL', record.number('VAL'));
    record.assign('PVAL', record.number('VAL'));
  },
  output: { field: 'OVAL', convert: engineeringToRaw },
  afterPost(record, mask) {
    if (record.number('OMOD')) record.post('OVAL', mask | EventMask.VALUE | EventMask.LOG);
    endConversionPass(record, mask);
  },
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'DOUBLE', { processPassive: true }),
    field('OVAL', 'DOUBLE'),
    ...outputFields(field('IVOV', 'DOUBLE')),
    field('OROC', 'DOUBLE'),
    menuField('OIF', aoOIF),
    precisionField(),
    menuField('LINR', menuConvert, { processPassive: true }),
    field('EGUF', 'DOUBLE', { processPassive: true }),
    field('EGUL', 'DOUBLE', { processPassive: true }),
    ...displayFields('DOUBLE'),
    field('ROFF', 'ULONG', { processPassive: true }),
    field('EOFF', 'DOUBLE', { processPassive: true }),
    field('ESLO', 'DOUBLE', { processPassive: true, initial: '1' }),
    ...driveLimitFields('DOUBLE'),
    field('AOFF', 'DOUBLE', { processPassive: true }),
    field('ASLO', 'DOUBLE', { processPassive: true }),
    ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
    ...deadbandFields('DOUBLE'),
    field('RVAL', 'LONG', { processPassive: true }),
    field('ORAW', 'LONG', { readOnly: true }),
    field('RBV', 'LONG', { readOnly: true }),
    field('ORBV', 'LONG', { readOnly: true }),
    field('PVAL', 'DOUBLE', { readOnly: true }),
    field('INIT', 'SHORT', { readOnly: true }),
    field('LBRK', 'SHORT', { readOnly: true }),
    field('OMOD', 'UCHAR', { readOnly: true }),
    ...simulationFields('output', menuSimm),
  ]),
  metadata: analogMetadata({
    hasUnits: (spec) => spec.dbf === 'DOUBLE' && !UNITLESS.includes(spec.name),
    precisionFields: VALUE_FIELDS,
    displayFields: [...LIMIT_FIELDS, 'IVOV'],
    controlFields: LIMIT_FIELDS,
    control: 'drive',
    alarmsGated: true,
  }),
});
