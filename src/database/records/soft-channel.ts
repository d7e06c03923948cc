// What softIoc's soft device supports (devAiSoft, devAiSoftRaw, devAoSoft… in devSoft.dbd) and
// the records' simulation mode do each pass: read INP (or SIOL when simulated) into VAL or RVAL,
// fetch DOL for closed-loop outputs, write VAL, OVAL or RVAL to OUT (or SIOL), and decide with
// IVOA what an output in INVALID alarm writes. A record whose DTYP names a registered device
// support reads and writes through its binding instead (read_xx/write_xx), unless simulated, as
// recGblGetSimm puts simulation first. "Async Soft Channel" is served as "Soft Channel" (links
// here complete at once).

import { AlarmSeverity } from '../pv';
import type { DbRecord } from '../record';
import { simulationMode, SIMULATION_DELAYED } from './simulation';

/**
 * What a read gave: VAL from INP, VAL simulated, RVAL (to convert), nothing new (constant INP),
 * a failed link, or nothing yet (a simulated read waiting SDLY: process() returns ASYNC).
 */
export type ReadOutcome = 'value' | 'simulated' | 'raw' | 'unchanged' | 'failed' | typeof SIMULATION_DELAYED;

const SIMM_YES = 1;
const SIMM_RAW = 2;
const OMSL_CLOSED_LOOP = 1;
const OIF_INCREMENTAL = 1;
const IVOA_CONTINUE = 0;
const IVOA_SET_TO_IVOV = 2;

/** Whether DTYP names the Raw Soft Channel support, which moves RVAL rather than VAL. */
export function isRawSoftChannel(record: DbRecord): boolean {
  return record.deviceName === 'Raw Soft Channel';
}

/** readValue of the input records: SIOL when simulated, else the bound device support, else INP through the soft one. */
export function readInput(record: DbRecord): ReadOutcome {
  const mode = simulationMode(record);
  if (mode === SIMULATION_DELAYED) return mode;
  if (mode !== 0) return readSimulated(record, mode);
  const device = record.device;
  if (device) return device.read ? device.read(record) : 'unchanged';
  if (record.linkIsConstant('INP')) return 'unchanged';
  const raw = isRawSoftChannel(record);
  if (!record.readLink('INP', raw ? 'RVAL' : 'VAL')) return 'failed';
  return raw ? 'raw' : 'value';
}

/** SIOL into SVAL, then SVAL as VAL (SIMM YES) or as RVAL (SIMM RAW); records without SVAL read SIOL into VAL. */
function readSimulated(record: DbRecord, mode: number): ReadOutcome {
  if (!record.type.fields.has('SVAL')) return record.readLink('SIOL', 'VAL') ? 'simulated' : 'failed';
  if (!record.readLink('SIOL', 'SVAL')) return 'failed';
  const simulated = record.get('SVAL');
  if (mode === SIMM_RAW && typeof simulated === 'number') {
    record.assign('RVAL', Math.floor(simulated));
    return 'raw';
  }
  if (mode === SIMM_YES || mode === SIMM_RAW) {
    record.assign('VAL', simulated);
    return 'simulated';
  }
  return 'failed';
}

/** fetch_value of the output records: DOL into VAL when OMSL is closed_loop (added to VAL with ao's OIF Incremental); false when the link failed. */
export function fetchDesiredOutput(record: DbRecord): boolean {
  if (record.number('OMSL') !== OMSL_CLOSED_LOOP || record.linkIsConstant('DOL')) return true;
  const previous = record.get('VAL');
  if (!record.readLink('DOL', 'VAL')) return false;
  if (record.type.fields.has('OIF') && record.number('OIF') === OIF_INCREMENTAL) record.assign('VAL', record.number('VAL') + (previous as number));
  return true;
}

/**
 * writeValue under IVOA: an output in INVALID alarm writes as usual, not at all, or IVOV
 * (`useIvov` stores IVOV where the record keeps its output, converting as it needs).
 * `wanted` is the record's own condition (longout's OOPT), asked once IVOA lets the write go on.
 * Returns whether the output was written (a bound device support's write may say it failed), or
 * SIMULATION_DELAYED when a simulated write waits SDLY seconds (process() then returns ASYNC).
 */
export function writeOutput(
  record: DbRecord,
  valueField: string,
  useIvov: () => void,
  wanted: () => boolean = () => true,
): boolean | typeof SIMULATION_DELAYED {
  if (record.number('NSEV') >= AlarmSeverity.INVALID) {
    const action = record.number('IVOA');
    if (action === IVOA_SET_TO_IVOV) useIvov();
    else if (action !== IVOA_CONTINUE) return false;
  }
  if (!wanted()) return false;
  const mode = simulationMode(record);
  if (mode === SIMULATION_DELAYED) return mode;
  const device = record.device;
  if (mode === 0 && device) return device.write ? device.write(record) : true;
  const raw = mode === SIMM_RAW || (mode === 0 && isRawSoftChannel(record));
  record.writeLink(mode !== 0 ? 'SIOL' : 'OUT', raw ? 'RVAL' : valueField);
  return true;
}
