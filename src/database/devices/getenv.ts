// Base's "getenv" (devEnviron.c): a stringin or lsi reads the environment variable its INP
// "@NAME" names each time it processes, cut to what VAL holds; a variable that is not set gives
// an empty VAL with UDF and a UDF alarm saying "No such ENV".

import { AlarmStatus } from '../pv';
import { truncateUtf8 } from '../text';
import type { DeviceBinding, DeviceSupport } from './device-support';

export function getenvSupport(env: Readonly<{ [name: string]: string | undefined }> = process.env): DeviceSupport {
  return {
    name: 'getenv',
    recordTypes: ['stringin', 'lsi'],
    bind(record, name): DeviceBinding {
      const valueSpec = record.type.fields.get('VAL')!;
      return {
        ownsValue: true,
        read(r) {
          const value = env[name];
          if (value === undefined) {
            r.assign('VAL', '');
            r.assign('UDF', 1);
            r.raiseAlarm(AlarmStatus.UDF, r.number('UDFS'), 'No such ENV');
            return 'failed';
          }
          r.assign('VAL', truncateUtf8(value, r.shape(valueSpec).size - 1));
          return 'value';
        },
      };
    },
  };
}
