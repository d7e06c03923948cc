// Base's "General Time" (devGeneralTime.c) over this IOC's one time provider. Record time stamps
// here come from the OS clock read once at start and advanced by Node's monotonic clock
// (timeStampNow), which is what an IOC with only its OS clock provider has: the provider is named
// "OS Clock", as base names that provider. generalTime counts the times its provider answered
// with a time older than the last one it gave and then gives the last one again; this clock does
// the same for what @TIME reads. There is no time-event provider, so @BESTTEP says "No working
// providers" in a READ/MAJOR alarm, as base does then.

import { AlarmSeverity, AlarmStatus, timeStampNow, type EpicsTimeStamp } from '../pv';
import type { DbRecord } from '../record';
import type { ReadOutcome } from '../records/soft-channel';
import type { DeviceBinding, DeviceSupport } from './device-support';
import { lookUpParameter } from './parameter-table';

const PROVIDER = 'OS Clock';
const NO_PROVIDER = 'No working providers';

/** epicsTimeGetCurrent through generalTime: the current time, never earlier than the last one given, with the count of refusals. */
export class GeneralTimeClock {
  private last: EpicsTimeStamp = { secondsPastEpoch: 0, nanoseconds: 0 };
  errors = 0;

  /** `source`: the time provider (timeStampNow, which is monotonic itself; others may not be). */
  constructor(private readonly source: () => EpicsTimeStamp = timeStampNow) {}

  now(): EpicsTimeStamp {
    const time = this.source();
    const older =
      time.secondsPastEpoch < this.last.secondsPastEpoch || (time.secondsPastEpoch === this.last.secondsPastEpoch && time.nanoseconds < this.last.nanoseconds);
    if (older) {
      this.errors++;
      return this.last;
    }
    this.last = time;
    return time;
  }
}

type Read = (record: DbRecord, clock: GeneralTimeClock) => ReadOutcome;

const AI: ReadonlyMap<string, Read> = new Map([
  [
    'TIME',
    (record, clock) => {
      const time = clock.now();
      record.assign('VAL', time.secondsPastEpoch + time.nanoseconds * 1e-9);
      return 'value';
    },
  ],
]);

const LONGIN: ReadonlyMap<string, Read> = new Map([
  [
    'GETERRCNT',
    (record, clock) => {
      record.assign('VAL', clock.errors);
      return 'value';
    },
  ],
]);

const providerName =
  (name: string | undefined): Read =>
  (record) => {
    record.assign('VAL', name ?? NO_PROVIDER);
    if (name === undefined) record.raiseAlarm(AlarmStatus.READ, AlarmSeverity.MAJOR);
    return 'value';
  };

const STRINGIN: ReadonlyMap<string, Read> = new Map([
  ['BESTTCP', providerName(PROVIDER)],
  ['TOPTCP', providerName(PROVIDER)],
  ['BESTTEP', providerName(undefined)],
]);

const BO: ReadonlyMap<string, (clock: GeneralTimeClock) => void> = new Map([['RSTERRCNT', (clock: GeneralTimeClock) => void (clock.errors = 0)]]);

const READS: ReadonlyMap<string, ReadonlyMap<string, Read>> = new Map([
  ['ai', AI],
  ['longin', LONGIN],
  ['stringin', STRINGIN],
]);

/** The "General Time" support of one database, over its clock. */
export function generalTime(clock = new GeneralTimeClock()): DeviceSupport {
  const name = 'General Time';
  return {
    name,
    recordTypes: ['ai', 'bo', 'longin', 'stringin'],
    bind(record, parameter): DeviceBinding {
      const type = record.type.name;
      if (type === 'bo') {
        const put = lookUpParameter(BO, parameter, name, type);
        return { ownsValue: false, write: () => (put(clock), true) };
      }
      const read = lookUpParameter(READS.get(type)!, parameter, name, type);
      return { ownsValue: true, read: (r) => read(r, clock) };
    },
  };
}
