// histogram: counts of the values SGNL takes (read through SVL, or written) in NELM bins of equal
// width between LLIM and ULIM, collected while CSTA is set (CMD Start/Stop), cleared by CMD
// Clear/Read or a new range, as histogramRecord.c with devHistogramSoft does.

import { allocate } from '../dbf';
import { histogramCMD, menuYesNo } from '../menus';
import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { COMMON_FIELDS, precisionField, simulationFields } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField } from './field-spec';
import { fieldMetadata, limitsFrom, precisionRule, type MetadataRules } from './metadata';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, simulationMode, SIMULATION_DELAYED } from './simulation';

const CMD_CLEAR = 1;
const CMD_START = 2;
const CMD_STOP = 3;
const MAX_COUNT = 0xffffffff;
const simulation = simulationFields('input', menuYesNo);

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'NOACCESS'),
  field('NELM', 'USHORT', { readOnly: true, initial: '1' }),
  field('CSTA', 'SHORT', { readOnly: true, initial: '1' }),
  menuField('CMD', histogramCMD),
  field('ULIM', 'DOUBLE', { property: true }),
  field('LLIM', 'DOUBLE', { property: true }),
  field('WDTH', 'DOUBLE', { readOnly: true }),
  field('SGNL', 'DOUBLE'),
  precisionField(),
  field('SVL', 'INLINK'),
  field('MDEL', 'SHORT'),
  field('MCNT', 'SHORT', { readOnly: true }),
  field('SDEL', 'DOUBLE'),
  simulation[0]!,
  field('SVAL', 'DOUBLE'),
  ...simulation.slice(1),
  field('HOPR', 'ULONG', { property: true }),
  field('LOPR', 'ULONG', { property: true }),
]);

const metadata: MetadataRules = {
  precision: precisionRule([]),
  display: (record, spec) => (spec.name === 'VAL' ? limitsFrom(record, 'HOPR', 'LOPR') : undefined),
  control: (record, spec) => (spec.name === 'VAL' ? limitsFrom(record, 'HOPR', 'LOPR') : undefined),
};

export const histogramRecordType: RecordType = {
  name: 'histogram',
  fields,
  devices: ['Soft Channel'],
  valueKind: 'array',
  shape(record, spec) {
    if (spec.name !== 'VAL') return scalarShape(spec);
    return { dbf: 'ULONG', size: 0, elements: record.number('NELM'), array: true };
  },
  init(record, constants) {
    if (record.number('NELM') <= 0) record.assign('NELM', 1);
    record.assign('VAL', allocate('ULONG', record.number('NELM')));
    record.assign('WDTH', (record.number('ULIM') - record.number('LLIM')) / record.number('NELM'));
    initSimulation(record, constants);
    if (loadConstant(record, 'SVL', 'SGNL', constants)) record.assign('UDF', 0);
  },
  process(record): ProcessOutcome {
    const read = readSignal(record);
    if (read === SIMULATION_DELAYED) return ASYNC;
    record.stampTime();
    if (read) addCount(record);
    let mask = record.resetAlarms();
    if (record.number('MCNT') > record.number('MDEL')) {
      mask |= EventMask.VALUE | EventMask.LOG;
      record.assign('MCNT', 0);
    }
    if (mask) record.post('VAL', mask);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut(record, spec) {
    switch (spec.name) {
      case 'CMD':
        command(record);
        return;
      case 'SGNL':
        addCount(record);
        return;
      case 'ULIM':
      case 'LLIM':
        record.assign('WDTH', (record.number('ULIM') - record.number('LLIM')) / record.number('NELM'));
        clear(record);
    }
  },
  validate(field, data) {
    // SDEL > 0 asks for a watchdog posting the counts every SDEL seconds, which this IOC does not run.
    if (field === 'SDEL' && (data as number) > 0) return { reason: 'periodic posts of the counts (SDEL > 0) are not supported' };
    return undefined;
  },
};

/** readValue: SGNL through SVL (devHistogramSoft, whose outcome does not matter), or SVAL through SIOL while simulated (after SDLY when set). */
function readSignal(record: DbRecord): boolean | typeof SIMULATION_DELAYED {
  const mode = simulationMode(record);
  if (mode === SIMULATION_DELAYED) return mode;
  if (mode === 0) {
    record.readLink('SVL', 'SGNL');
    return true;
  }
  if (!record.readLink('SIOL', 'SVAL')) return false;
  record.assign('SGNL', record.number('SVAL'));
  record.assign('UDF', 0);
  return true;
}

/** add_count: SGNL's bin counts one more (wrapping at 2³²) while CSTA is set and SGNL is in LLIM…ULIM. */
function addCount(record: DbRecord): void {
  if (!record.number('CSTA')) return;
  const low = record.number('LLIM');
  const high = record.number('ULIM');
  if (low >= high) {
    // histogramRecord.c sets STAT/SEVR themselves here, not NSTA/NSEV.
    if (record.number('NSEV') < AlarmSeverity.INVALID) {
      record.assign('STAT', AlarmStatus.SOFT);
      record.assign('SEVR', AlarmSeverity.INVALID);
    }
    return;
  }
  const signal = record.number('SGNL');
  if (signal < low || signal >= high) return;
  const bins = record.get('VAL') as Float64Array;
  const width = record.number('WDTH');
  let bin = 1;
  while (bin < bins.length && !(signal - low <= bin * width)) bin++;
  bins[bin - 1] = bins[bin - 1] === MAX_COUNT ? 1 : bins[bin - 1]! + 1;
  record.assign('MCNT', ((record.number('MCNT') + 1) << 16) >> 16);
}

function clear(record: DbRecord): void {
  (record.get('VAL') as Float64Array).fill(0);
  record.assign('MCNT', record.number('MDEL') + 1);
  record.assign('UDF', 0);
}

/** special() of CMD: Read and Clear clear the counts, Start and Stop set CSTA; CMD goes back to Read. */
function command(record: DbRecord): void {
  const cmd = record.number('CMD');
  if (cmd <= CMD_CLEAR) clear(record);
  else if (cmd === CMD_START) record.assign('CSTA', 1);
  else if (cmd === CMD_STOP) record.assign('CSTA', 0);
  record.assign('CMD', 0);
}
