// What the IOC's own device supports put into a record: a number into an ai's VAL (devIocStats'
// read returns 2: no conversion), a text into a stringin, lsi or CHAR waveform, or, when the
// figure cannot be known, an INVALID alarm that says why while VAL keeps its last value.

import { DeviceBindError, type DeviceBinding } from '../../database';
import { FTVL_TYPES } from '../../database/dbf';
import { AlarmSeverity, AlarmStatus, EventMask } from '../../database/pv';
import type { DbRecord } from '../../database/record';
import type { ReadOutcome } from '../../database/records/soft-channel';
import { MAX_DBR_STRING_BYTES, textToChars, truncateUtf8 } from '../../database/text';

/** Why a figure has no value: the alarm status (UDF, TIMEOUT) and the message clients see in AMSG. */
export interface Unknown {
  readonly status: number;
  readonly message: string;
}

export type Figure = number | Unknown;

export const NOT_MEASURED: Unknown = { status: AlarmStatus.UDF, message: 'not measured' };

/** A number, or NOT_MEASURED when there is none (undefined, NaN, ±∞ from a failed read). */
export function measured(value: number | undefined): Figure {
  return value === undefined || Number.isNaN(value) ? NOT_MEASURED : value;
}

/** read_ai: the figure into VAL, or the alarm saying why there is none. */
export function readNumber(record: DbRecord, figure: Figure): ReadOutcome {
  if (typeof figure !== 'number') {
    record.raiseAlarm(figure.status, AlarmSeverity.INVALID, figure.message);
    return 'failed';
  }
  record.assign('VAL', figure);
  return 'value';
}

/**
 * Sets HOPR to a figure's natural top (MEM_USED to the physical memory…) when the .db gave the
 * record no display range, so that a display's bar has a meaning; a range the site gave stays.
 */
export function followTop(record: DbRecord, top: number | undefined): void {
  if (top === undefined || !(top > 0) || record.number('HOPR') === top) return;
  record.assign('HOPR', top);
  record.post('HOPR', EventMask.VALUE | EventMask.LOG);
  record.post(null, EventMask.PROPERTY);
}

/** Whether the record's display range is left to the device support (neither HOPR nor LOPR given). */
export function rangeUnset(record: DbRecord): boolean {
  return record.number('HOPR') === 0 && record.number('LOPR') === 0;
}

/** devIocStats' MAX_NAME_SIZE: a stringin shows 39 bytes of a longer text, a second one the next 39. */
const STRING_PART_BYTES = MAX_DBR_STRING_BYTES;

/** The `part`-th (0-based) 39-byte piece of a text, empty past its end (devIocStatsString.c getStringPart). */
export function textPart(text: string, part: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const start = part * STRING_PART_BYTES;
  return start >= bytes.length ? '' : truncateUtf8(bytes.subarray(start).toString('utf8'), STRING_PART_BYTES);
}

/** read_stringin / read_lsi / read_waveform of a text: VAL as the record type holds it. */
export function readText(record: DbRecord, text: string): ReadOutcome {
  switch (record.type.name) {
    case 'waveform':
      record.assign('VAL', charsFor(record, text));
      return 'value';
    case 'lsi':
      record.assign('VAL', truncateUtf8(text, record.number('SIZV') - 1));
      return 'value';
    default:
      record.assign('VAL', truncateUtf8(text, MAX_DBR_STRING_BYTES));
      return 'value';
  }
}

/** A driver-owned text, read each time the record processes. */
export function textBinding(text: () => string): DeviceBinding {
  return { ownsValue: true, read: (record) => readText(record, text()) };
}

/** devIocStatsWaveform.c: at most NELM−1 bytes and the NUL; NORD counts the NUL. */
function charsFor(record: DbRecord, text: string): Uint8Array {
  const chars = textToChars(text);
  const capacity = record.number('NELM');
  if (chars.length <= capacity) return chars;
  return textToChars(truncateUtf8(text, capacity - 1));
}

/** devIocStatsWaveform.c waveform_init_record: only a CHAR waveform holds a text. */
export function requireCharWaveform(record: DbRecord): void {
  if (record.type.name === 'waveform' && FTVL_TYPES[record.number('FTVL')] !== 'CHAR') {
    throw new DeviceBindError('a text needs FTVL "CHAR"', 'DTYP');
  }
}

/** The DeviceBindError for a parameter not in `choices`, naming them. */
export function unknownParameter(record: DbRecord, dtyp: string, parameter: string, choices: Iterable<string>, field: 'INP' | 'OUT' = 'INP'): DeviceBindError {
  const list = [...choices].map((choice) => `@${choice}`).join(', ');
  return new DeviceBindError(`"@${parameter}" is not a parameter of ${dtyp} for ${record.type.name}; choose one of ${list}`, field);
}
