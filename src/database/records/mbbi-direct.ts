// mbbiDirect: a word of up to 32 bits read as VAL (Soft Channel) or as RVAL masked by MASK and
// shifted right by SHFT (Raw Soft Channel), its bits served as B0…B1F, as mbbiDirectRecord.c with
// devMbbiDirectSoft and devMbbiDirectSoftRaw does.

import { menuSimm } from '../menus';
import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { COMMON_FIELDS, inputLinkField, simulationFields } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable } from './field-spec';
import { fieldMetadata } from './metadata';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, SIMULATION_DELAYED } from './simulation';
import { isRawSoftChannel, readInput } from './soft-channel';
import { initBitMask } from './discrete';

/** B0 … B9, BA … BF, B10 … B1F: one field per bit of the 32-bit word. */
export const BITS = Array.from({ length: 32 }, (_, index) => `B${index.toString(16).toUpperCase()}`);
const simulation = simulationFields('input', menuSimm);

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'LONG', { processPassive: true }),
  field('NOBT', 'SHORT', { readOnly: true }),
  inputLinkField(),
  field('RVAL', 'ULONG', { processPassive: true }),
  field('ORAW', 'ULONG', { readOnly: true }),
  field('MASK', 'ULONG', { readOnly: true }),
  field('MLST', 'LONG', { readOnly: true }),
  field('SHFT', 'USHORT'),
  simulation[0]!,
  field('SVAL', 'LONG'),
  ...simulation.slice(1),
  ...BITS.map((name) => field(name, 'UCHAR', { processPassive: true })),
]);

export const mbbiDirectRecordType: RecordType = {
  name: 'mbbiDirect',
  fields,
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  deviceLink: 'INP',
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    initSimulation(record, constants);
    initBitMask(record);
    if (isRawSoftChannel(record)) {
      loadConstant(record, 'INP', 'RVAL', constants);
      // devMbbiDirectSoftRaw: without NOBT every bit counts; the mask moves with SHFT.
      if (record.number('NOBT') === 0) record.assign('MASK', 0xffffffff);
      record.assign('MASK', (record.number('MASK') << record.number('SHFT')) >>> 0);
    } else if (loadConstant(record, 'INP', 'VAL', constants)) {
      record.assign('UDF', 0);
    }
    const value = record.number('VAL');
    BITS.forEach((name, index) => record.assign(name, (value >>> index) & 1));
    record.assign('MLST', value);
    record.assign('ORAW', record.number('RVAL'));
  },
  process(record): ProcessOutcome {
    const outcome = readInput(record);
    if (outcome === SIMULATION_DELAYED) return ASYNC;
    record.stampTime();
    if (outcome === 'raw') {
      if (record.number('SIMM') === 0) record.assign('RVAL', (record.number('RVAL') & record.number('MASK')) >>> 0);
      const shift = record.number('SHFT');
      const raw = record.number('RVAL');
      record.assign('VAL', (shift > 0 ? raw >>> shift : raw) | 0);
      record.assign('UDF', 0);
    } else if (outcome !== 'failed') {
      // Soft Channel (and SIMM YES) read VAL itself; a constant INP reads nothing but clears UDF.
      record.assign('UDF', 0);
    }
    if (record.number('UDF')) record.raiseAlarm(AlarmStatus.UDF, AlarmSeverity.INVALID);
    postBits(record);
  },
  // get_precision gives VAL (a DBF_LONG, served without precision) NOBT; no units or limits.
  metadata: (record, spec) => fieldMetadata({}, record, spec),
  enumStrings: () => [],
  afterPut: () => undefined,
};

/** monitor(): each bit that changed (others only with an alarm change), VAL against MLST, RVAL against ORAW. */
function postBits(record: DbRecord): void {
  let events = record.resetAlarms();
  const changed = events | EventMask.VALUE | EventMask.LOG;
  const value = record.number('VAL');
  BITS.forEach((name, index) => {
    const bit = (value >>> index) & 1;
    const previous = record.number(name);
    record.assign(name, bit);
    if (previous !== bit) record.post(name, changed);
    else if (events) record.post(name, events);
  });
  if (record.number('MLST') !== value) {
    events = changed;
    record.assign('MLST', value);
  }
  if (events) record.post('VAL', events);
  if (record.number('ORAW') !== record.number('RVAL')) {
    record.post('RVAL', changed);
    record.assign('ORAW', record.number('RVAL'));
  }
}
