// Base's "Soft Timestamp" (devTimestamp.c): each read takes the record's time stamp as
// recGblGetTimeStamp does and gives it as VAL: a stringin formats it by the strftime format after
// "@" (epicsTimeToStrftime; an empty format gives an empty string, as in base), an ai gives its
// seconds past the EPICS epoch (1990) with the nanoseconds as the fraction.

import type { DeviceBinding, DeviceSupport } from './device-support';
import { formatTimeStamp } from './strftime';

/** stringin's VAL: 40 bytes with the NUL (MAX_STRING_SIZE). */
const STRING_CAPACITY = 40;

export const softTimestamp: DeviceSupport = {
  name: 'Soft Timestamp',
  recordTypes: ['ai', 'stringin'],
  bind(record, format): DeviceBinding {
    if (record.type.name === 'ai') {
      return {
        ownsValue: true,
        read(r) {
          r.stampTime();
          r.assign('VAL', r.time.secondsPastEpoch + r.time.nanoseconds * 1e-9);
          return 'value';
        },
      };
    }
    return {
      ownsValue: true,
      read(r) {
        r.stampTime();
        r.assign('VAL', formatTimeStamp(format, r.time, STRING_CAPACITY));
        return 'value';
      },
    };
  },
};
