import { longoutOOPT, menuYesNo } from '../menus';
import { field, menuField } from './field-spec';
import { integerOutputType } from './integer';

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
});
