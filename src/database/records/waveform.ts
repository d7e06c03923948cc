// waveform: an array of NELM elements of type FTVL with NORD of them in use. A CHAR waveform is
// how CA clients carry text longer than 40 characters (caget -S / caput -S).

import { allocate, FTVL_TYPES, narrow, parseDbNumber, type DbfType } from '../dbf';
import { menuFtype, menuYesNo, waveformPOST } from '../menus';
import { EventMask, type FieldValue } from '../pv';
import type { DbRecord } from '../record';
import { MAX_DBR_STRING_BYTES, textToChars, truncateUtf8 } from '../text';
import { COMMON_FIELDS, inputLinkField, precisionField, simulationFields } from './common-fields';
import { constantElements } from './constants';
import { field, fieldTable, menuField, stringField } from './field-spec';
import { fieldMetadata, limitsFrom, precisionRule, type MetadataRules } from './metadata';
import { postPolicy } from './monitors';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, readInput } from './soft-channel';

/** FTVL's default and fallback: UCHAR. */
const DEFAULT_FTVL = 2;
/** "Always" in waveformPOST (its choices are the other way round from menuPost). */
const POST_ALWAYS = 0;

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'NOACCESS', { processPassive: true }),
  field('RARM', 'SHORT', { processPassive: true }),
  precisionField(),
  inputLinkField(),
  stringField('EGU', 16, { property: true }),
  field('HOPR', 'DOUBLE', { property: true }),
  field('LOPR', 'DOUBLE', { property: true }),
  field('NELM', 'ULONG', { readOnly: true, initial: '1' }),
  menuField('FTVL', menuFtype, { readOnly: true }),
  field('BUSY', 'SHORT', { readOnly: true }),
  field('NORD', 'ULONG', { readOnly: true }),
  ...simulationFields('input', menuYesNo),
  menuField('MPST', waveformPOST),
  menuField('APST', waveformPOST),
  field('HASH', 'ULONG'),
]);

function elementType(record: DbRecord): DbfType {
  return FTVL_TYPES[record.number('FTVL')] ?? 'UCHAR';
}

const metadata: MetadataRules = {
  units(record, spec) {
    const textual = ['STRING', 'ENUM'].includes(elementType(record));
    return (spec.name === 'VAL' && !textual) || spec.name === 'HOPR' || spec.name === 'LOPR' ? record.string('EGU') : '';
  },
  precision: precisionRule(['VAL']),
  display: limitsOf,
  control: limitsOf,
};

function limitsOf(record: DbRecord, spec: { name: string }) {
  if (spec.name === 'VAL') return limitsFrom(record, 'HOPR', 'LOPR');
  if (spec.name === 'BUSY') return { lower: 0, upper: 1 };
  if (spec.name === 'NORD') return { lower: 0, upper: record.number('NELM') };
  return undefined;
}

export const waveformRecordType: RecordType = {
  name: 'waveform',
  fields,
  devices: ['Soft Channel'],
  valueKind: 'array',
  shape(record, spec) {
    if (spec.name !== 'VAL') return scalarShape(spec);
    return { dbf: elementType(record), size: MAX_DBR_STRING_BYTES + 1, elements: record.number('NELM'), array: true };
  },
  init(record, constants) {
    if (record.number('NELM') <= 0) record.assign('NELM', 1);
    if (FTVL_TYPES[record.number('FTVL')] === undefined) record.assign('FTVL', DEFAULT_FTVL);
    const elements = constantElements(constants, 'INP');
    const nelm = record.number('NELM');
    const value = elements ? constantArray(elementType(record), elements, nelm) : allocate(elementType(record), nelm === 1 ? 1 : 0);
    record.assign('VAL', value);
    record.assign('NORD', value.length);
    if (elements && value.length > 0) record.assign('UDF', 0);
    initSimulation(record, constants);
  },
  process(record) {
    const outcome = readInput(record);
    if (outcome === 'value' || outcome === 'simulated') updateCount(record);
    record.assign('UDF', 0);
    record.stampTime();
    let mask = record.resetAlarms();
    const { valueAlways, logAlways } = postPolicy(record, POST_ALWAYS);
    if (valueAlways) mask |= EventMask.VALUE;
    if (logAlways) mask |= EventMask.LOG;
    if (!valueAlways || !logAlways) {
      const hash = hashElements(record.get('VAL') as FieldValue);
      if (hash !== record.number('HASH')) {
        if (!valueAlways) mask |= EventMask.VALUE;
        if (!logAlways) mask |= EventMask.LOG;
        record.assign('HASH', hash);
      }
    }
    record.post('VAL', mask);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut(record, spec) {
    if (spec.name === 'VAL') updateCount(record);
  },
};

/** NORD: the elements in use. */
function updateCount(record: DbRecord): void {
  const count = (record.get('VAL') as FieldValue).length;
  if (count === record.number('NORD')) return;
  record.assign('NORD', count);
  record.post('NORD', EventMask.VALUE | EventMask.LOG);
}

/**
 * A constant INP as elements, at most NELM of them. A CHAR/UCHAR waveform given one non-numeric
 * text takes the text's bytes and a NUL, as a long string.
 */
function constantArray(dbf: DbfType, texts: readonly string[], capacity: number): FieldValue {
  const [first] = texts;
  if ((dbf === 'CHAR' || dbf === 'UCHAR') && texts.length === 1 && first !== undefined && !parseDbNumber('DOUBLE', first).ok) {
    const chars = textToChars(first);
    return chars.subarray(0, Math.min(chars.length, capacity));
  }
  const count = Math.min(texts.length, capacity);
  const value = allocate(dbf, count);
  for (let i = 0; i < count; i++) {
    const text = texts[i]!;
    if (Array.isArray(value)) value[i] = truncateUtf8(text, MAX_DBR_STRING_BYTES);
    else {
      const parsed = parseDbNumber('DOUBLE', text);
      (value as Exclude<FieldValue, string[]>)[i] = parsed.ok ? narrow(dbf, parsed.value) : 0;
    }
  }
  return value;
}

/** FNV-1a over the elements in use: the OnChange test epicsMemHash serves in C. */
function hashElements(value: FieldValue): number {
  const bytes = Array.isArray(value)
    ? Buffer.from(value.join('\0'), 'utf8')
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
