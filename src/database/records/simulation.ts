// Simulation mode as EPICS base's records share it through recGbl.c: SIMM read through SIML
// (recGblGetSimm), SCAN and SSCN traded when SIMM changes (recGblCheckSimm), the SIMS alarm, and
// SDLY ≥ 0 making a simulated read or write asynchronous: the pass stops with PACT set and record
// support's process() runs again SDLY seconds later (callbackRequestProcessCallbackDelayed), this
// time without reading SIML again (the `if (!prec->pact)` around recGblGetSimm), and completes.

import { MENU_UNSET } from '../menus';
import { AlarmStatus } from '../pv';
import type { DbRecord } from '../record';
import { loadConstant } from './constants';
import type { LinkConstants } from './record-type';

/** What a simulated read or write says when it waits SDLY seconds first: the caller returns ASYNC. */
export const SIMULATION_DELAYED = 'delayed';

/** Records whose process() runs again after their SDLY: in this second pass, the simulated I/O is done. */
const RESUMING = new WeakSet<DbRecord>();

/** recGblInitSimm and the constant SIOL: simulation settings given as constants load at init. */
export function initSimulation(record: DbRecord, constants: LinkConstants): void {
  if (!record.type.fields.has('SIMM')) return;
  const previous = record.number('SIMM');
  if (loadConstant(record, 'SIML', 'SIMM', constants)) swapSimulationScan(record, previous, (scan) => {
      record.assign('SCAN', scan);
    });
  if (record.type.fields.has('SVAL')) loadConstant(record, 'SIOL', 'SVAL', constants);
}

/**
 * recGblCheckSimm: when SIMM changed and SSCN is set, SCAN and SSCN trade places, so that the
 * record scans at SSCN while simulated and at its own SCAN again afterwards.
 */
export function swapSimulationScan(record: DbRecord, previousMode: number, setScan: (scan: number) => void): void {
  const simulationScan = record.number('SSCN');
  if (simulationScan === MENU_UNSET || record.number('SIMM') === previousMode) return;
  record.assign('SSCN', record.number('SCAN'));
  setScan(simulationScan);
}

/** The scan change of a running record: stored as a put to SCAN is, so that the scanner follows it. */
export function putScan(record: DbRecord): (scan: number) => void {
  const scanField = record.type.fields.get('SCAN');
  if (!scanField) throw new Error(`${record.type.name} has no SCAN`);
  return (scan) => {
    record.store(scanField, scan);
  };
}

/**
 * The simulation mode of this pass (0: not simulated), or SIMULATION_DELAYED when the record
 * simulates with SDLY ≥ 0 and this is the first pass: its second one is then scheduled.
 * A simulated record takes its SIMS alarm (SIMM_ALARM) in both passes.
 */
export function simulationMode(record: DbRecord): number | typeof SIMULATION_DELAYED {
  if (!record.type.fields.has('SIMM')) return 0;
  const resuming = RESUMING.has(record);
  if (!resuming) {
    const previous = record.number('SIMM');
    record.tryReadLink('SIML', 'SIMM');
    swapSimulationScan(record, previous, putScan(record));
  }
  const mode = record.number('SIMM');
  if (mode === 0) return 0;
  record.raiseAlarm(AlarmStatus.SIMM, record.number('SIMS'));
  const delay = record.number('SDLY');
  if (resuming || !(delay >= 0)) return mode;
  record.requestDelayed(delay, () => {
    resumeSimulation(record);
  });
  return SIMULATION_DELAYED;
}

/**
 * Whether this pass is the second one of a delayed simulation: output records then skip what
 * their first pass did before the write (DOL fetch, conversion), as base's `if (!pact)` does.
 */
export function resumingSimulation(record: DbRecord): boolean {
  return RESUMING.has(record);
}

function resumeSimulation(record: DbRecord): void {
  RESUMING.add(record);
  try {
    record.completeAsync(() => record.type.process(record));
  } finally {
    RESUMING.delete(record);
  }
}
