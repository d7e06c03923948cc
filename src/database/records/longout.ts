import { longoutOOPT, menuYesNo } from '../menus';
import type { DbRecord } from '../record';
import { field, menuField } from './field-spec';
import { integerOutputType } from './integer';
import { outputWanted } from './output-condition';

/** longoutRecord.c's outpvt: records whose next On Change pass writes whatever VAL is (first pass, OUT changed with OOCH YES). */
const OUTPUT_FORCED = new WeakSet<DbRecord>();
const ON_CHANGE = 1;

export const longoutRecordType = integerOutputType({
  name: 'longout',
  dbf: 'LONG',
  devices: ['Soft Channel', 'Async Soft Channel'],
  alarmsGated: true,
  extraFields: [
    field('PVAL', 'LONG'),
    menuField('OOCH', menuYesNo, { initial: '1' }),
    menuField('OOPT', longoutOOPT),
  ],
  init(record) {
    record.assign('PVAL', record.number('VAL'));
    OUTPUT_FORCED.add(record);
  },
  shouldWrite(record) {
    const value = record.number('VAL');
    const option = record.number('OOPT');
    const wanted = (option === ON_CHANGE && OUTPUT_FORCED.has(record)) || outputWanted(option, value, record.number('PVAL'), 0);
    record.assign('PVAL', value);
    OUTPUT_FORCED.delete(record);
    return wanted;
  },
  afterPut(record, spec) {
    if (spec.name === 'OUT' && record.number('OOCH')) OUTPUT_FORCED.add(record);
  },
});
