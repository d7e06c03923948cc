import { valueData } from '../../database/binding';
import type { DbRecord } from '../../database/record';
import type { ReadOutcome } from '../../database/records/soft-channel';
import { IoScanSource } from '../../database/scan/io-scan';
import { timeStampFromMillis, timeStampNow, type EpicsTimeStamp } from '../../database/pv';
import { fitText } from './text-waveform';

/** A result as the driver holds it: a figure, a text, or a list of figures or of locations. */
export type ReadingValue = number | string | readonly number[] | readonly string[];

export interface ReadingAlarm {
  severity: number;
  status: number;
  message: string;
}

export interface PostOptions {
  /** The time the value stands for (a snapshot's); records with TSE -2 take it as theirs. */
  timeStamp?: Date;
  /** An alarm the value carries; the record's own limit alarms still apply, the most severe wins. */
  alarm?: ReadingAlarm;
}

/**
 * One result of the driver, as devIocStats keeps a figure per parameter: the newest value with its
 * alarm and time stamp, and the I/O interrupt source that makes every record reading it (in every
 * loaded view) process when it changes.
 */
export class Reading {
  readonly ioScan = new IoScanSource();
  private value: ReadingValue;
  private alarm: ReadingAlarm | undefined;
  /** Before the first post: the time the driver began, which its initial value is true since. */
  private stamp: EpicsTimeStamp | undefined = timeStampNow();

  constructor(initial: ReadingValue) {
    this.value = initial;
  }

  current(): ReadingValue {
    return this.value;
  }

  /** Keeps the value and wakes the I/O Intr records; returns false when none processed. */
  post(value: ReadingValue, options: PostOptions = {}): boolean {
    this.value = value;
    this.alarm = options.alarm;
    this.stamp = options.timeStamp && timeStampFromMillis(options.timeStamp.getTime());
    return this.ioScan.request();
  }

  /** read_xx: the value into VAL (a text cut at a line that fits a CHAR waveform), with its alarm and time. */
  read(record: DbRecord): ReadOutcome {
    const value = this.value;
    const fitted = typeof value === 'string' && record.type.valueKind === 'array' ? fitText(value, Number(record.get('NELM'))) : value;
    record.assign('VAL', valueData(record, fitted));
    if (this.alarm) record.raiseAlarm(this.alarm.status, this.alarm.severity, this.alarm.message);
    if (this.stamp) record.time = this.stamp;
    return 'value';
  }
}
