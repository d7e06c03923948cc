import { integerInputType } from './integer';

export const longinRecordType = integerInputType({
  name: 'longin',
  dbf: 'LONG',
  devices: ['Soft Channel', 'Async Soft Channel'],
  alarmsGated: true,
});
