import { menuConvert, menuSimm } from '../menus';
import { analogRecordType } from './analog';
import { COMMON_FIELDS, deadbandFields, displayFields, inputLinkField, limitAlarmFields, precisionField, simulationFields } from './common-fields';
import { field, fieldTable, menuField } from './field-spec';
import { endConversionPass, initLinearConversion, rawToEngineering, smooth } from './linear-conversion';
import { analogMetadata } from './metadata';
import type { DbRecord } from '../record';

/** devAiSoft's dpvt: records whose INP has been read once, from which smoothing starts. */
const SMOOTHED = new WeakSet<DbRecord>();

const VALUE_RANGE_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST', 'SVAL'];
const UNITLESS = ['ASLO', 'AOFF', 'SMOO'];

export const aiRecordType = analogRecordType({
  name: 'ai',
  role: 'input',
  udfFollowsNaN: true,
  init: (record) => initLinearConversion(record),
  afterRead(record, outcome, previous) {
    // devAiSoft smooths what it reads; devAiSoftRaw and SIMM RAW give RVAL to convert().
    if (outcome === 'value') record.assign('VAL', smooth(record, record.number('VAL'), previous, !SMOOTHED.has(record)));
    if (outcome === 'value') SMOOTHED.add(record);
    if (outcome === 'failed') SMOOTHED.delete(record);
    if (outcome === 'raw') rawToEngineering(record);
  },
  afterPost: endConversionPass,
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'DOUBLE', { processPassive: true }),
    inputLinkField(),
    precisionField(),
    menuField('LINR', menuConvert, { processPassive: true }),
    field('EGUF', 'DOUBLE', { processPassive: true }),
    field('EGUL', 'DOUBLE', { processPassive: true }),
    ...displayFields('DOUBLE'),
    field('AOFF', 'DOUBLE', { processPassive: true }),
    field('ASLO', 'DOUBLE', { processPassive: true, initial: '1' }),
    field('SMOO', 'DOUBLE'),
    ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
    field('AFTC', 'DOUBLE'),
    field('AFVL', 'DOUBLE', { readOnly: true }),
    ...deadbandFields('DOUBLE'),
    field('ESLO', 'DOUBLE', { processPassive: true, initial: '1' }),
    field('EOFF', 'DOUBLE', { processPassive: true }),
    field('ROFF', 'ULONG', { processPassive: true }),
    field('INIT', 'SHORT', { readOnly: true }),
    field('LBRK', 'SHORT', { readOnly: true }),
    field('RVAL', 'LONG', { processPassive: true }),
    field('ORAW', 'LONG', { readOnly: true }),
    field('SVAL', 'DOUBLE'),
    ...simulationFields('input', menuSimm),
  ]),
  metadata: analogMetadata({
    hasUnits: (spec) => spec.dbf === 'DOUBLE' && !UNITLESS.includes(spec.name),
    precisionFields: ['VAL'],
    displayFields: VALUE_RANGE_FIELDS,
    control: 'display',
    alarmsGated: true,
  }),
});
