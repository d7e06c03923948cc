// The alarm checks record support runs each pass: limit alarms with hysteresis (the analog and
// integer records), state and change-of-state alarms (the binary and multi-bit records).

import { AlarmStatus } from '../pv';
import type { DbRecord } from '../record';

const LIMITS = [
  { limit: 'HIHI', severity: 'HHSV', status: AlarmStatus.HIHI, above: true },
  { limit: 'LOLO', severity: 'LLSV', status: AlarmStatus.LOLO, above: false },
  { limit: 'HIGH', severity: 'HSV', status: AlarmStatus.HIGH, above: true },
  { limit: 'LOW', severity: 'LSV', status: AlarmStatus.LOW, above: false },
] as const;

/**
 * UDF, then HIHI/LOLO/HIGH/LOW in that order. A limit holds while VAL is beyond it, or within
 * HYST of it when it was the limit last alarmed on (LALM), so that an alarm clears only once the
 * value has moved HYST back inside.
 */
export function checkLimitAlarms(record: DbRecord): void {
  if (record.number('UDF')) {
    record.raiseAlarm(AlarmStatus.UDF, record.number('UDFS'));
    return;
  }
  const value = record.number('VAL');
  const hysteresis = record.number('HYST');
  const lastAlarmed = record.number('LALM');
  for (const { limit, severity, status, above } of LIMITS) {
    const alarmSeverity = record.number(severity);
    if (!alarmSeverity) continue;
    const level = record.number(limit);
    const beyond = above
      ? value >= level || (lastAlarmed === level && value >= level - hysteresis)
      : value <= level || (lastAlarmed === level && value <= level + hysteresis);
    if (!beyond) continue;
    if (record.raiseAlarm(status, alarmSeverity)) record.assign('LALM', level);
    return;
  }
  record.assign('LALM', value);
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
