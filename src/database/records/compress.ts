// compress: a history of NSAM values kept in a circular buffer, as compressRecord.c keeps it. Each
// pass reads INP (a scalar or an array) and stores: every element (Circular Buffer); one value per
// N samples, their lowest, highest, mean or median (N to 1 …); or, element by element, the mean of
// N input arrays (Average). VAL serves the NUSE values in use, oldest first (FIFO) or newest
// first (LIFO). A pass that stores nothing posts nothing and does not follow FLNK.

import { bufferingALG, compressALG, menuYesNo } from '../menus';
import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import { NO_FORWARD_LINK, type DbRecord, type ProcessOutcome } from '../record';
import { COMMON_FIELDS, inputLinkField, precisionField } from './common-fields';
import { field, fieldTable, menuField, stringField } from './field-spec';
import { fieldMetadata, limitsFrom, precisionRule, type MetadataRules } from './metadata';
import { scalarShape, type FieldShape, type RecordType } from './record-type';

const LOW_VALUE = 0;
const HIGH_VALUE = 1;
const AVERAGE_OF_N = 2;
const AVERAGE = 3;
const CIRCULAR_BUFFER = 4;
const MEDIAN_OF_N = 5;
const LIFO = 1;

/** Fields whose write starts the history afresh (SPC_RESET). */
const RESETTING = new Set(['RES', 'ALG', 'PBUF', 'BALG', 'N']);
/** The input read whole, however many elements it has. */
const INPUT_SHAPE: FieldShape = { dbf: 'DOUBLE', size: 0, elements: Number.MAX_SAFE_INTEGER, array: true };

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'NOACCESS', { processPassive: true, readOnly: true }),
  inputLinkField(),
  field('RES', 'SHORT'),
  menuField('ALG', compressALG),
  menuField('PBUF', menuYesNo, { initial: 'NO' }),
  menuField('BALG', bufferingALG),
  field('NSAM', 'ULONG', { readOnly: true, initial: '1' }),
  field('N', 'ULONG', { initial: '1' }),
  field('IHIL', 'DOUBLE'),
  field('ILIL', 'DOUBLE'),
  field('HOPR', 'DOUBLE', { property: true }),
  field('LOPR', 'DOUBLE', { property: true }),
  precisionField(),
  stringField('EGU', 16, { property: true }),
  field('OFF', 'ULONG', { readOnly: true }),
  field('NUSE', 'ULONG', { readOnly: true }),
  field('OUSE', 'ULONG', { readOnly: true }),
  field('INPN', 'LONG', { readOnly: true }),
  field('CVB', 'DOUBLE', { readOnly: true }),
  field('INX', 'ULONG', { readOnly: true }),
]);

interface History {
  /** bptr: the circular buffer of NSAM values. */
  readonly buffer: Float64Array;
  /** sptr: the element-wise sums of the Average algorithm. */
  readonly sums: Float64Array;
}

const histories = new WeakMap<DbRecord, History>();

function historyOf(record: DbRecord): History {
  let history = histories.get(record);
  if (!history) {
    const samples = record.number('NSAM');
    histories.set(record, (history = { buffer: new Float64Array(samples), sums: new Float64Array(samples) }));
  }
  return history;
}

const metadata: MetadataRules = {
  units: (record, spec) => (spec.dbf === 'DOUBLE' || spec.name === 'VAL' ? record.string('EGU') : ''),
  precision: precisionRule(['VAL']),
  display: (record, spec) => (spec.name === 'VAL' ? limitsFrom(record, 'HOPR', 'LOPR') : undefined),
  control: (record, spec) => (spec.name === 'VAL' ? limitsFrom(record, 'HOPR', 'LOPR') : undefined),
};

export const compressRecordType: RecordType = {
  name: 'compress',
  fields,
  devices: [],
  valueKind: 'array',
  shape(record, spec) {
    if (spec.name !== 'VAL') return scalarShape(spec);
    return { dbf: 'DOUBLE', size: 0, elements: record.number('NSAM'), array: true };
  },
  init(record) {
    if (record.number('NSAM') < 1) record.assign('NSAM', 1);
    reset(record);
  },
  process(record): ProcessOutcome {
    const input = record.links.get('INP')?.read(INPUT_SHAPE);
    let stored = true;
    if (input === undefined || typeof input !== 'object' || input.length === 0) {
      // A constant or empty INP is not connected (dbIsLinkConnected), and an input without elements
      // gives nothing: LINK/INVALID, and the history is posted unchanged, as compressRecord.c does.
      record.raiseAlarm(AlarmStatus.LINK, AlarmSeverity.INVALID);
    } else {
      const samples = Array.from(input as Float64Array);
      record.assign('INPN', samples.length);
      stored = compressSamples(record, samples);
    }
    if (!stored) return NO_FORWARD_LINK;
    record.assign('UDF', 0);
    record.stampTime();
    postHistory(record);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut(record, spec) {
    if (RESETTING.has(spec.name)) reset(record);
  },
};

/** What the algorithm makes of one read; false when it stored nothing yet. */
function compressSamples(record: DbRecord, samples: number[]): boolean {
  const algorithm = record.number('ALG');
  if (algorithm === AVERAGE) return averageArrays(record, samples);
  if (algorithm === CIRCULAR_BUFFER) {
    store(record, samples);
    return true;
  }
  return samples.length > 1 ? compressArray(record, samples) : compressScalar(record, samples[0]!);
}

/** reset(): an empty history (RES back to 0). */
function reset(record: DbRecord): void {
  for (const name of ['NUSE', 'OFF', 'INX', 'CVB', 'RES']) record.assign(name, 0);
  const history = historyOf(record);
  history.buffer.fill(0);
  history.sums.fill(0);
  record.assign('VAL', new Float64Array(0));
}

/** put_value: FIFO writes at OFF and moves on; LIFO moves back, then writes. NUSE grows to NSAM. */
function store(record: DbRecord, values: ArrayLike<number>): void {
  const { buffer } = historyOf(record);
  const samples = buffer.length;
  const fifo = record.number('BALG') !== LIFO;
  let offset = record.number('OFF');
  for (let i = 0; i < values.length; i++) {
    if (!fifo) offset = (offset + samples - 1) % samples;
    buffer[offset] = values[i]!;
    if (fifo) offset = (offset + 1) % samples;
  }
  record.assign('OFF', offset);
  record.assign('NUSE', Math.min(record.number('NUSE') + values.length, samples));
}

/** N to 1 on an array: out-of-limit leading samples skipped, then one value per N (a partial group only with PBUF). */
function compressArray(record: DbRecord, samples: number[]): boolean {
  let start = 0;
  const low = record.number('ILIL');
  const high = record.number('IHIL');
  if (low < high) while (start < samples.length && (samples[start]! < low || samples[start]! > high)) start++;
  if (record.number('N') <= 0) record.assign('N', 1);
  let group = record.number('N');
  let remaining = Math.min(samples.length - start, record.number('NSAM') * group);
  let written = 0;
  while (remaining > 0) {
    if (remaining < group && record.number('PBUF') !== 1) break;
    group = Math.min(group, remaining);
    store(record, [reduce(record.number('ALG'), samples.slice(start, start + group))]);
    start += group;
    remaining -= group;
    written++;
  }
  return written > 0;
}

function reduce(algorithm: number, group: number[]): number {
  switch (algorithm) {
    case LOW_VALUE:
      return group.reduce((low, value) => (low > value ? value : low));
    case HIGH_VALUE:
      return group.reduce((high, value) => (high < value ? value : high));
    case AVERAGE_OF_N:
      return group.reduce((sum, value) => sum + value) / group.length;
    case MEDIAN_OF_N:
      return group.sort((a, b) => a - b)[group.length >> 1]!;
    default:
      return 0;
  }
}

/** N to 1 on scalars, accumulated in CVB over N passes (the median, not defined for scalars, is the mean). */
function compressScalar(record: DbRecord, value: number): boolean {
  const index = record.number('INX');
  const current = record.number('CVB');
  switch (record.number('ALG')) {
    case LOW_VALUE:
      if (value < current || index === 0) record.assign('CVB', value);
      break;
    case HIGH_VALUE:
      if (value > current || index === 0) record.assign('CVB', value);
      break;
    case AVERAGE_OF_N:
    case MEDIAN_OF_N:
      record.assign('CVB', (index * current + value) / (index + 1));
      break;
  }
  const next = index + 1;
  const complete = next >= record.number('N');
  if (!complete && record.number('PBUF') !== 1) {
    record.assign('INX', next);
    return false;
  }
  store(record, [record.number('CVB')]);
  record.assign('INX', complete ? 0 : next);
  return true;
}

/** array_average: element-wise sums over N arrays, then their means stored as NSAM new values. */
function averageArrays(record: DbRecord, samples: number[]): boolean {
  const { sums } = historyOf(record);
  const count = Math.min(sums.length, samples.length);
  const index = record.number('INX');
  for (let i = 0; i < count; i++) sums[i] = index === 0 ? samples[i]! : sums[i]! + samples[i]!;
  const next = index + 1;
  if (record.number('N') <= 0) record.assign('N', 1);
  const group = record.number('N');
  if (next < group) {
    record.assign('INX', next);
    return false;
  }
  if (group > 1) for (let i = 0; i < count; i++) sums[i] = sums[i]! * (1 / group);
  store(record, sums.subarray(0, count));
  record.assign('INX', 0);
  return true;
}

/** monitor(): VAL (the values in use, oldest first for FIFO) always; NUSE when it changed or the alarm did. */
function postHistory(record: DbRecord): void {
  const { buffer } = historyOf(record);
  const samples = buffer.length;
  const inUse = record.number('NUSE');
  const offset = record.number('OFF');
  const first = record.number('BALG') === LIFO ? offset : (offset + samples - inUse) % samples;
  const value = new Float64Array(inUse);
  for (let i = 0; i < inUse; i++) value[i] = buffer[(first + i) % samples]!;
  record.assign('VAL', value);
  const alarm = record.resetAlarms();
  const mask = alarm | EventMask.VALUE | EventMask.LOG;
  if (alarm || inUse !== record.number('OUSE')) {
    record.post('NUSE', mask);
    record.assign('OUSE', inUse);
  }
  record.post('VAL', mask);
}
