// ai and ao conversions between raw (RVAL) and engineering units (VAL), as aiRecord.c and
// aoRecord.c convert(): ROFF, ASLO/AOFF, then LINR (NO CONVERSION, or SLOPE/LINEAR with
// ESLO/EOFF); ai smooths with SMOO, ao limits its rate of change with OROC.

import { EventMask } from '../pv';
import type { DbRecord } from '../record';

const NO_CONVERSION = 0;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

const SLOPE = 1;

/** init_record: "old device support that doesn't know about EOFF" — but for SLOPE, the default slope starts at EGUL. */
export function initLinearConversion(record: DbRecord): void {
  const defaultSlope = record.number('ESLO') === 1 && record.number('EOFF') === 0;
  if (defaultSlope && record.number('LINR') !== SLOPE) record.assign('EOFF', record.number('EGUL'));
  record.assign('INIT', 1);
  record.assign('ORAW', record.number('RVAL'));
}

/** The end of a pass: INIT (smoothing's and the breakpoint tables' first pass) is over; RVAL posted if it changed. */
export function endConversionPass(record: DbRecord, mask: number): void {
  record.assign('INIT', 0);
  postRawValue(record, mask);
}

/** ai convert(): RVAL to VAL, smoothed by SMOO (INIT set: the first value is taken whole). */
export function rawToEngineering(record: DbRecord): void {
  let value = record.number('RVAL') + record.number('ROFF');
  const slope = record.number('ASLO');
  if (slope !== 0) value *= slope;
  value += record.number('AOFF');
  if (record.number('LINR') !== NO_CONVERSION) value = value * record.number('ESLO') + record.number('EOFF');
  record.assign('VAL', smooth(record, value, record.number('VAL'), record.number('INIT') !== 0));
}

/** SMOO: from `previous`, VAL moves (1 − SMOO) of the way to `value`; `restart` takes it whole. */
export function smooth(record: DbRecord, value: number, previous: number, restart: boolean): number {
  const factor = record.number('SMOO');
  if (factor === 0 || !Number.isFinite(previous)) return value;
  const from = restart ? value : previous;
  return value * (1 - factor) + from * factor;
}

/** ao convert(): VAL (already clipped) to OVAL at most OROC away from the last, then to RVAL. */
export function engineeringToRaw(record: DbRecord): void {
  const desired = record.number('VAL');
  record.assign('PVAL', desired);
  const previous = record.number('OVAL');
  const rate = record.number('OROC');
  let output = desired;
  if (rate !== 0) {
    const change = desired - previous;
    if (change < 0 && rate < -change) output = previous - rate;
    else if (change >= 0 && rate < change) output = previous + rate;
  }
  record.assign('OMOD', previous !== output ? 1 : 0);
  record.assign('OVAL', output);
  let raw = output;
  if (record.number('LINR') !== NO_CONVERSION) {
    const slope = record.number('ESLO');
    raw = slope === 0 ? 0 : (raw - record.number('EOFF')) / slope;
  }
  raw -= record.number('AOFF');
  const slope = record.number('ASLO');
  if (slope !== 0) raw /= slope;
  raw -= record.number('ROFF');
  record.assign('RVAL', roundToInt32(raw));
}

function roundToInt32(value: number): number {
  if (value >= 0) return value >= INT32_MAX - 0.5 ? INT32_MAX : Math.trunc(value + 0.5);
  return value > 0.5 + INT32_MIN ? Math.trunc(value - 0.5) : INT32_MIN;
}

/** Posts RVAL when it changed since ORAW (the ai and ao monitor()). */
export function postRawValue(record: DbRecord, mask: number): void {
  if (record.number('ORAW') === record.number('RVAL')) return;
  record.assign('ORAW', record.number('RVAL'));
  record.post('RVAL', mask | EventMask.VALUE | EventMask.LOG);
}
