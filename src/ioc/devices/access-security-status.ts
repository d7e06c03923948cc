// DTYP "Access security" (memtrace-ioc's own; devIocStats has no such figure): a text record with
// INP "@status" shows what the access security file did last: "loaded FILE", "disabled: …", or
// why the last re-read failed, with a MAJOR alarm. The .db file names the record, so a site that
// loads iocStats.db under any prefix, or several times, gets the status in each.

import type { DeviceSupport } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import type { Logger } from '../../logger';
import { requireCharWaveform, unknownParameter } from './figures';
import { Reading } from './reading';

export const ACCESS_SECURITY = 'Access security';

/** The driver: the last outcome, a Reading that wakes the bound records through I/O Intr. */
export class AccessSecurityStatus {
  readonly reading = new Reading('disabled: access security not started');

  constructor(private readonly logger: Logger) {}

  /** A new outcome; a failure carries its message as the alarm's. */
  set(text: string, failed = false): void {
    const alarm = failed ? { severity: AlarmSeverity.MAJOR, status: AlarmStatus.SOFT, message: text } : undefined;
    try {
      this.reading.post(text, { alarm });
    } catch (error) {
      this.logger.error({ err: error }, 'access security: a status record failed to process');
    }
  }
}

export function accessSecuritySupport(status: AccessSecurityStatus): DeviceSupport {
  return {
    name: ACCESS_SECURITY,
    recordTypes: ['stringin', 'lsi', 'waveform'],
    bind(record, parameter) {
      if (parameter.trim() !== 'status') throw unknownParameter(record, ACCESS_SECURITY, parameter, ['status']);
      requireCharWaveform(record);
      return { ownsValue: true, ioScan: status.reading.ioScan, read: (target) => status.reading.read(target) };
    },
  };
}
