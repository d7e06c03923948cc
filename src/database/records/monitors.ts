// What record support posts on VAL at the end of a pass: the alarm change, and a value change
// judged by deadbands (analog and integer records) or by comparison (the others).

import { EventMask } from '../pv';
import type { DbRecord } from '../record';

/**
 * recGblCheckDeadband: whether `value` moved more than `deadband` from `last`. A change between
 * finite and NaN/infinite, or between the infinities, always counts; a negative deadband makes
 * every pass count.
 */
export function beyondDeadband(last: number, value: number, deadband: number): boolean {
  let delta = 0;
  if (Number.isFinite(value) && Number.isFinite(last)) delta = Math.abs(last - value);
  else if (Number.isNaN(value) !== Number.isNaN(last)) delta = Infinity;
  else if (!Number.isNaN(value) && value !== last) delta = Infinity;
  return delta > deadband;
}

/** MDEL governs EventMask.VALUE against MLST, ADEL governs EventMask.LOG against ALST; returns the mask posted. */
export function postWithDeadbands(record: DbRecord): number {
  let mask = record.resetAlarms();
  const value = record.number('VAL');
  if (beyondDeadband(record.number('MLST'), value, record.number('MDEL'))) {
    mask |= EventMask.VALUE;
    record.assign('MLST', value);
  }
  if (beyondDeadband(record.number('ALST'), value, record.number('ADEL'))) {
    mask |= EventMask.LOG;
    record.assign('ALST', value);
  }
  record.post('VAL', mask);
  return mask;
}

/** Whether the record's MPST/APST ask for a post on every pass. */
export interface PostPolicy {
  valueAlways: boolean;
  logAlways: boolean;
}

/** `alwaysIndex`: the index of "Always" in the record type's MPST/APST menu. */
export function postPolicy(record: DbRecord, alwaysIndex: number): PostPolicy {
  return { valueAlways: record.number('MPST') === alwaysIndex, logAlways: record.number('APST') === alwaysIndex };
}

/** EventMask.VALUE|EventMask.LOG when the value changed, plus whatever MPST/APST post regardless. */
export function postOnChange(record: DbRecord, changed: boolean, policy: PostPolicy = { valueAlways: false, logAlways: false }): void {
  let mask = record.resetAlarms();
  if (changed) mask |= EventMask.VALUE | EventMask.LOG;
  if (policy.valueAlways) mask |= EventMask.VALUE;
  if (policy.logAlways) mask |= EventMask.LOG;
  record.post('VAL', mask);
}
