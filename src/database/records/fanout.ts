// fanout: forward-links up to sixteen records (LNK0…LNKF), all of them, the one SELN (+OFFS)
// names, or those whose bits SELN (shifted by SHFT) sets, as fanoutRecord.c does.

import { fanoutSELM } from '../menus';
import { EventMask } from '../pv';
import { COMMON_FIELDS } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField } from './field-spec';
import { LINK_DIGITS, selectedLinks } from './link-selection';
import { fieldMetadata } from './metadata';
import { scalarShape, type RecordType } from './record-type';

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'LONG', { processPassive: true }),
  menuField('SELM', fanoutSELM),
  field('SELN', 'USHORT', { initial: '1' }),
  field('SELL', 'INLINK'),
  field('OFFS', 'SHORT', { initial: '0' }),
  field('SHFT', 'SHORT', { initial: '-1' }),
  ...LINK_DIGITS.map((digit) => field(`LNK${digit}`, 'FWDLINK')),
]);

export const fanoutRecordType: RecordType = {
  name: 'fanout',
  fields,
  devices: [],
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    loadConstant(record, 'SELL', 'SELN', constants);
  },
  process(record) {
    const previousSelection = record.number('SELN');
    const mask = selectedLinks(record, 'always') ?? 0;
    LINK_DIGITS.forEach((digit, index) => {
      if (mask & (1 << index)) record.links.get(`LNK${digit}`)?.scanForward();
    });
    record.assign('UDF', 0);
    record.stampTime();
    const events = record.resetAlarms();
    if (events) record.post('VAL', events);
    if (record.number('SELN') !== previousSelection) record.post('SELN', events | EventMask.VALUE | EventMask.LOG);
  },
  // fanoutRecord.c has no get_units, get_precision or limits.
  metadata: (record, spec) => fieldMetadata({}, record, spec),
  enumStrings: () => [],
  afterPut: () => undefined,
};
