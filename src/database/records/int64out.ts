import { integerOutputType } from './integer';

export const int64outRecordType = integerOutputType({
  name: 'int64out',
  dbf: 'INT64',
  devices: ['Soft Channel', 'Async Soft Channel'],
  alarmsGated: false,
});
