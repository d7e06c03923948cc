import { integerInputType } from './integer';

export const int64inRecordType = integerInputType({
  name: 'int64in',
  dbf: 'INT64',
  devices: ['Soft Channel', 'Async Soft Channel'],
  alarmsGated: false,
});
