import type { FieldValue, ProcessVariable } from '../database/pv';

/** Elements a write's log line shows of an array; the rest is summarised by the count. */
const LOGGED_ELEMENTS = 8;

/**
 * A value as a write's log line shows it: a scalar as itself, an array as its first elements and
 * its length. Copied, since a PV's value belongs to the PV and changes with the write.
 */
export function loggedValue(value: FieldValue): unknown {
  if (value.length === 1) return value[0];
  const shown = Array.from(value.slice(0, LOGGED_ELEMENTS) as ArrayLike<string | number>);
  return value.length > LOGGED_ELEMENTS ? { first: shown, count: value.length } : shown;
}

/** Whether a client's writes to this PV are logged: all are, but for PVs tagged `info(logClientWrites, "NO")`. */
export function logsWrites(pv: ProcessVariable): boolean {
  return pv.logClientWrites !== false;
}
