// mbboDirect: a word of up to 32 bits set as VAL (or from DOL in closed loop) or bit by bit through
// B0…B1F, written to OUT as VAL (Soft Channel) or as RVAL = VAL << SHFT masked by MASK (Raw Soft
// Channel), with IVOA, as mbboDirectRecord.c with devMbboDirectSoft/SoftRaw does.

import { menuIvoa, menuOmsl, menuSimm } from '../menus';
import { AlarmStatus, EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { COMMON_FIELDS, simulationFields } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField } from './field-spec';
import { BITS } from './mbbi-direct';
import { fieldMetadata } from './metadata';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, resumingSimulation, SIMULATION_DELAYED } from './simulation';
import { isRawSoftChannel, writeOutput } from './soft-channel';
import { initBitMask } from './discrete';

const OMSL_CLOSED_LOOP = 1;
const VALUE_AND_LOG = EventMask.VALUE | EventMask.LOG;

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'LONG', { processPassive: true }),
  menuField('OMSL', menuOmsl, { processPassive: true }),
  field('NOBT', 'SHORT', { readOnly: true }),
  field('DOL', 'INLINK'),
  field('OUT', 'OUTLINK'),
  field('RVAL', 'ULONG', { readOnly: true, processPassive: true }),
  field('ORAW', 'ULONG', { readOnly: true }),
  field('RBV', 'ULONG', { readOnly: true }),
  field('ORBV', 'ULONG', { readOnly: true }),
  field('MASK', 'ULONG', { readOnly: true }),
  field('MLST', 'LONG', { readOnly: true }),
  field('OBIT', 'LONG', { readOnly: true }),
  field('SHFT', 'USHORT'),
  ...simulationFields('output', menuSimm),
  menuField('IVOA', menuIvoa),
  field('IVOV', 'LONG'),
  ...BITS.map((name) => field(name, 'UCHAR', { processPassive: true })),
]);

export const mbboDirectRecordType: RecordType = {
  name: 'mbboDirect',
  fields,
  devices: ['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel'],
  deviceLink: 'OUT',
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    initSimulation(record, constants);
    if (loadConstant(record, 'DOL', 'VAL', constants)) record.assign('UDF', 0);
    initBitMask(record);
    if (isRawSoftChannel(record)) {
      if (record.number('NOBT') === 0) record.assign('MASK', 0xffffffff);
      record.assign('MASK', (record.number('MASK') << record.number('SHFT')) >>> 0);
    }
    if (!record.number('UDF')) bitsFromValue(record);
    else {
      // Bits set in the .db file give VAL when nothing else did.
      const value = BITS.reduce((word, name, index) => (record.number(name) ? word | (1 << index) : word), 0);
      if (value) {
        record.assign('VAL', value);
        record.assign('UDF', 0);
      }
    }
    record.assign('MLST', record.number('VAL'));
    record.assign('ORAW', record.number('RVAL'));
    record.assign('ORBV', record.number('RBV'));
  },
  process(record): ProcessOutcome {
    if (!resumingSimulation(record) && prepareValue(record)) {
      record.assign('UDF', 0);
      bitsFromValue(record);
      convert(record);
      record.stampTime();
    }
    if (writeWord(record) === SIMULATION_DELAYED) return ASYNC;
    bitsFromValue(record);
    postWord(record);
  },
  metadata: (record, spec) => fieldMetadata({}, record, spec),
  enumStrings: () => [],
  validate(field, _data, _host, record) {
    // special() before the put: bits are not written while DOL sets VAL, to avoid confusion.
    if (!record || !BITS.includes(field) || record.number('OMSL') !== OMSL_CLOSED_LOOP) return undefined;
    return { reason: `${field} cannot be written while OMSL is closed_loop` };
  },
  afterPut(record, spec) {
    const index = BITS.indexOf(spec.name);
    if (index < 0) return;
    // special(): the bit written moves VAL (and OBIT, so that monitor() does not post it again).
    const bit = 1 << index;
    const set = record.number(spec.name) !== 0;
    record.assign('VAL', set ? record.number('VAL') | bit : record.number('VAL') & ~bit);
    record.assign('OBIT', set ? record.number('OBIT') | bit : record.number('OBIT') & ~bit);
    record.assign('UDF', 0);
    convert(record);
  },
};

/** DOL in closed loop (LINK/INVALID when it fails), else VAL as it is; false when there is none (UDF alarm). */
function prepareValue(record: DbRecord): boolean {
  if (record.number('OMSL') === OMSL_CLOSED_LOOP && !record.linkIsConstant('DOL')) return record.readLink('DOL', 'VAL');
  if (!record.number('UDF')) return true;
  record.raiseAlarm(AlarmStatus.UDF, record.number('UDFS'), 'UDFS');
  return false;
}

function bitsFromValue(record: DbRecord): void {
  const value = record.number('VAL');
  BITS.forEach((name, index) => record.assign(name, (value >>> index) & 1));
}

/** convert(): RVAL = VAL << SHFT. */
function convert(record: DbRecord): void {
  const shift = record.number('SHFT');
  record.assign('RVAL', (shift > 0 ? record.number('VAL') << shift : record.number('VAL')) >>> 0);
}

/** writeValue under IVOA; Raw Soft Channel writes RVAL & MASK (devMbboDirectSoftRaw), RVAL itself kept. */
function writeWord(record: DbRecord): boolean | typeof SIMULATION_DELAYED {
  const raw = record.number('RVAL');
  const masked = isRawSoftChannel(record) && record.number('SIMM') === 0;
  if (masked) record.assign('RVAL', (raw & record.number('MASK')) >>> 0);
  const written = writeOutput(record, 'VAL', () => {
    record.assign('VAL', record.number('IVOV'));
    convert(record);
  });
  if (masked) record.assign('RVAL', raw);
  return written;
}

/** monitor(): VAL against MLST, the bits that changed since OBIT (all on an alarm change), RVAL and RBV. */
function postWord(record: DbRecord): void {
  let events = record.resetAlarms();
  const value = record.number('VAL');
  if (record.number('MLST') !== value) {
    events |= VALUE_AND_LOG;
    record.assign('MLST', value);
  }
  if (events) record.post('VAL', events);
  const changed = (record.number('OBIT') ^ value) >>> 0;
  BITS.forEach((name, index) => {
    if (events & ~VALUE_AND_LOG || changed & (1 << index)) record.post(name, events | VALUE_AND_LOG);
  });
  record.assign('OBIT', value);
  events |= VALUE_AND_LOG;
  for (const [field, last] of [['RVAL', 'ORAW'], ['RBV', 'ORBV']] as const) {
    if (record.number(last) === record.number(field)) continue;
    record.post(field, events);
    record.assign(last, record.number(field));
  }
}
