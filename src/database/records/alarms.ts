// The alarm checks record support runs each pass: limit alarms with hysteresis and the AFTC
// alarm filter (the analog and integer records), state and change-of-state alarms (the binary
// and multi-bit records).

import { AlarmSeverity, AlarmStatus, type EpicsTimeStamp } from '../pv';
import type { DbRecord } from '../record';

/** aiRecord.c's alarm ranges, in the order the filter averages them. */
const LOLO = 1;
const LOW = 2;
const NORMAL = 3;
const HIGH = 4;
const HIHI = 5;
/** The fraction above which the filtered range rounds the other way (aiRecord.c THRESHOLD). */
const ROUNDING_THRESHOLD = 0.6;

interface RangeLimit {
  readonly range: number;
  readonly limit: string;
  readonly severity: string;
  readonly status: number;
  readonly above: boolean;
}

const LIMITS: readonly RangeLimit[] = [
  { range: HIHI, limit: 'HIHI', severity: 'HHSV', status: AlarmStatus.HIHI, above: true },
  { range: LOLO, limit: 'LOLO', severity: 'LLSV', status: AlarmStatus.LOLO, above: false },
  { range: HIGH, limit: 'HIGH', severity: 'HSV', status: AlarmStatus.HIGH, above: true },
  { range: LOW, limit: 'LOW', severity: 'LSV', status: AlarmStatus.LOW, above: false },
];

/**
 * UDF, then HIHI/LOLO/HIGH/LOW in that order. A limit holds while VAL is beyond it, or within
 * HYST of it when it was the limit last alarmed on (LALM), so that an alarm clears only once the
 * value has moved HYST back inside. With AFTC > 0 the range is low-pass filtered over time
 * (`previousTime` is TIME before this pass), as aiRecord.c's checkAlarms does.
 */
export function checkLimitAlarms(record: DbRecord, previousTime?: EpicsTimeStamp): void {
  const filtered = previousTime !== undefined && record.type.fields.has('AFTC');
  if (record.number('UDF')) {
    record.raiseAlarm(AlarmStatus.UDF, record.number('UDFS'));
    if (filtered) record.assign('AFVL', 0);
    return;
  }
  let limit = rangeOf(record);
  if (filtered) limit = filterRange(record, limit, previousTime);
  const severity = limit ? record.number(limit.severity) : AlarmSeverity.NO_ALARM;
  if (limit && severity) {
    if (record.raiseAlarm(limit.status, severity)) record.assign('LALM', record.number(limit.limit));
  } else {
    record.assign('LALM', record.number('VAL'));
  }
}

function rangeOf(record: DbRecord): RangeLimit | undefined {
  const value = record.number('VAL');
  const hysteresis = record.number('HYST');
  const lastAlarmed = record.number('LALM');
  return LIMITS.find(({ limit, severity, above }) => {
    if (!record.number(severity)) return false;
    const level = record.number(limit);
    return above
      ? value >= level || (lastAlarmed === level && value >= level - hysteresis)
      : value <= level || (lastAlarmed === level && value <= level + hysteresis);
  });
}

/** AFTC: AFVL follows the range with time constant AFTC seconds; its sign keeps the rounding's hysteresis. */
function filterRange(record: DbRecord, limit: RangeLimit | undefined, previousTime: EpicsTimeStamp): RangeLimit | undefined {
  const timeConstant = record.number('AFTC');
  if (!(timeConstant > 0)) {
    record.assign('AFVL', 0);
    return limit;
  }
  const range = limit?.range ?? NORMAL;
  let level = record.number('AFVL');
  if (level === 0) {
    record.assign('AFVL', range);
    return limit;
  }
  const elapsed = secondsBetween(previousTime, record.time);
  const alpha = timeConstant / (elapsed + timeConstant);
  level = alpha * level + (level > 0 ? 1 - alpha : alpha - 1) * range;
  if (level - Math.floor(level) > ROUNDING_THRESHOLD) level = -level;
  record.assign('AFVL', level);
  const filteredRange = Math.abs(Math.floor(level));
  return LIMITS.find((candidate) => candidate.range === filteredRange);
}

function secondsBetween(from: EpicsTimeStamp, to: EpicsTimeStamp): number {
  return to.secondsPastEpoch - from.secondsPastEpoch + (to.nanoseconds - from.nanoseconds) / 1e9;
}

/**
 * STATE alarm with the severity of the current state, then COS when the state changed since
 * LALM. The binary records always move LALM on; the multi-bit records leave it while their COS
 * alarm is the one raised, so that the alarm stays until a pass without a more severe one.
 */
export function checkStateAlarms(record: DbRecord, stateSeverity: number, multiBit: boolean): void {
  const value = record.number('VAL');
  record.raiseAlarm(AlarmStatus.STATE, stateSeverity);
  if (value === record.number('LALM')) return;
  if (record.raiseAlarm(AlarmStatus.COS, record.number('COSV')) && multiBit) return;
  record.assign('LALM', value);
}
