// DTYP "Access security" (memtrace-ioc's own; devIocStats has no such figure): a text record with
// INP "@status" shows what the access security file did last: "loaded FILE", "disabled: …", or
// why the last re-read failed, with a MAJOR alarm. The .db file names the record, so a site that
// loads iocStats.db under any prefix, or several times, gets the status in each.

import { IoScanSource, type DeviceSupport } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import type { Logger } from '../../logger';
import { readText, requireCharWaveform, unknownParameter } from './figures';

export const ACCESS_SECURITY = 'Access security';

interface StatusAlarm {
  readonly severity: number;
  readonly status: number;
  readonly message: string;
}

const NO_ALARM: StatusAlarm = { severity: AlarmSeverity.NO_ALARM, status: AlarmStatus.NO_ALARM, message: '' };

/** The driver: the last outcome, posted to the bound records through I/O Intr. */
export class AccessSecurityStatus {
  readonly ioScan = new IoScanSource();
  private text = 'disabled: access security not started';
  private alarm = NO_ALARM;

  constructor(private readonly logger: Logger) {}

  get current(): { readonly text: string; readonly alarm: StatusAlarm } {
    return { text: this.text, alarm: this.alarm };
  }

  /** A new outcome; a failure carries its message as the alarm's. */
  set(text: string, failed = false): void {
    this.text = text;
    this.alarm = failed ? { severity: AlarmSeverity.MAJOR, status: AlarmStatus.SOFT, message: text } : NO_ALARM;
    try {
      this.ioScan.request();
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
      return {
        ownsValue: true,
        ioScan: status.ioScan,
        read(target) {
          const { text, alarm } = status.current;
          if (alarm.severity !== AlarmSeverity.NO_ALARM) target.raiseAlarm(alarm.status, alarm.severity, alarm.message);
          return readText(target, text);
        },
      };
    },
  };
}
