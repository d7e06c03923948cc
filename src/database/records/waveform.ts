// waveform, aai and aao: an array of NELM elements of type FTVL with NORD of them in use. A CHAR
// waveform is how CA clients carry text longer than 40 characters (caget -S / caput -S). waveform
// and aai read INP (waveformRecord.c, aaiRecord.c with devAaiSoft); aao fetches DOL in closed
// loop and writes OUT (aaoRecord.c with devAaoSoft). All post VAL by MPST/APST, On Change judged
// by a hash of the elements in use.

import { allocate, FTVL_TYPES, narrow, parseDbNumber, type DbfType } from '../dbf';
import { aaiPOST, aaoPOST, menuFtype, menuOmsl, menuYesNo, waveformPOST, type Menu } from '../menus';
import { AlarmStatus, EventMask, type FieldValue } from '../pv';
import type { DbRecord } from '../record';
import { MAX_DBR_STRING_BYTES, textToChars, truncateUtf8 } from '../text';
import { COMMON_FIELDS, inputLinkField, precisionField, simulationFields } from './common-fields';
import { constantElements } from './constants';
import { field, fieldTable, menuField, stringField, type FieldSpec, type FieldTable } from './field-spec';
import { fieldMetadata, limitsFrom, precisionRule, type MetadataRules } from './metadata';
import { postPolicy } from './monitors';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, readInput } from './soft-channel';

/** FTVL's default and fallback: UCHAR. */
export const DEFAULT_FTVL = 2;
/** "Always" in waveformPOST, aaiPOST and aaoPOST (their choices are the other way round from menuPost). */
const POST_ALWAYS = 0;
const OMSL_CLOSED_LOOP = 1;

/** The fields the three types share, in their .dbd order; `role` adds INP or OUT/DOL/OMSL. */
function arrayFields(role: 'input' | 'output', post: Menu, extra: { afterValue?: FieldSpec[]; afterLimits?: FieldSpec[] } = {}) {
  return fieldTable(COMMON_FIELDS, [
    field('VAL', 'NOACCESS', { processPassive: true }),
    ...(extra.afterValue ?? []),
    precisionField(),
    ...(role === 'input' ? [inputLinkField()] : [field('OUT', 'OUTLINK'), field('DOL', 'INLINK'), menuField('OMSL', menuOmsl)]),
    stringField('EGU', 16, { property: true }),
    field('HOPR', 'DOUBLE', { property: true }),
    field('LOPR', 'DOUBLE', { property: true }),
    field('NELM', 'ULONG', { readOnly: true, initial: '1' }),
    menuField('FTVL', menuFtype, { readOnly: true }),
    ...(extra.afterLimits ?? []),
    field('NORD', 'ULONG', { readOnly: true }),
    ...simulationFields(role, menuYesNo),
    menuField('MPST', post),
    menuField('APST', post),
    field('HASH', 'ULONG'),
  ]);
}

export function elementType(record: DbRecord): DbfType {
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

interface ArrayRecordOptions {
  name: string;
  fields: FieldTable;
  role: 'input' | 'output';
}

function arrayRecordType({ name, fields, role }: ArrayRecordOptions): RecordType {
  return {
    name,
    fields,
    devices: ['Soft Channel'],
    deviceLink: role === 'input' ? 'INP' : 'OUT',
    valueKind: 'array',
    shape(record, spec) {
      if (spec.name !== 'VAL') return scalarShape(spec);
      return { dbf: elementType(record), size: MAX_DBR_STRING_BYTES + 1, elements: record.number('NELM'), array: true };
    },
    init(record, constants) {
      if (record.number('NELM') <= 0) record.assign('NELM', 1);
      if (FTVL_TYPES[record.number('FTVL')] === undefined) record.assign('FTVL', DEFAULT_FTVL);
      // aao loads DOL only in closed loop (fetchValue at init). devAaoSoft starts with NORD 0 when OUT
      // is constant; links are connected after init here, so an aao of NELM 1 always starts at 0.
      const closedLoop = record.type.fields.has('OMSL') && record.number('OMSL') === OMSL_CLOSED_LOOP;
      const elements = role === 'input' ? constantElements(constants, 'INP') : closedLoop ? constantElements(constants, 'DOL') : undefined;
      const nelm = record.number('NELM');
      const single = nelm === 1 && role === 'input';
      const value = elements ? constantArray(elementType(record), elements, nelm) : allocate(elementType(record), single ? 1 : 0);
      record.assign('VAL', value);
      record.assign('NORD', value.length);
      if (elements && value.length > 0) record.assign('UDF', 0);
      initSimulation(record, constants);
    },
    process(record) {
      if (role === 'input') {
        const outcome = readInput(record);
        if (outcome === 'value' || outcome === 'simulated') updateCount(record);
        record.assign('UDF', 0);
        record.stampTime();
      } else {
        record.assign('UDF', 0);
        if (record.number('OMSL') === OMSL_CLOSED_LOOP && !record.linkIsConstant('DOL') && record.readLink('DOL', 'VAL')) updateCount(record);
        record.stampTime();
        writeArray(record);
      }
      postArray(record);
    },
    metadata: (record, spec) => fieldMetadata(metadata, record, spec),
    enumStrings: () => [],
    afterPut(record, spec) {
      if (spec.name === 'VAL') updateCount(record);
    },
  };
}

export const waveformRecordType = arrayRecordType({
  name: 'waveform',
  role: 'input',
  fields: arrayFields('input', waveformPOST, {
    afterValue: [field('RARM', 'SHORT', { processPassive: true })],
    afterLimits: [field('BUSY', 'SHORT', { readOnly: true })],
  }),
});

export const aaiRecordType = arrayRecordType({ name: 'aai', role: 'input', fields: arrayFields('input', aaiPOST) });
export const aaoRecordType = arrayRecordType({ name: 'aao', role: 'output', fields: arrayFields('output', aaoPOST) });

/** write_aao: the elements in use to OUT, or to SIOL with the SIMS alarm while SIMM is YES. */
function writeArray(record: DbRecord): void {
  record.readLink('SIML', 'SIMM');
  const simulated = record.number('SIMM') !== 0;
  if (simulated) record.raiseAlarm(AlarmStatus.SIMM, record.number('SIMS'));
  else if (record.device) {
    record.device.write?.(record);
    return;
  }
  record.writeLink(simulated ? 'SIOL' : 'OUT', 'VAL');
}

/** monitor(): VAL by MPST/APST, On Change when the hash of the elements changed (HASH then posted too). */
function postArray(record: DbRecord): void {
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
      record.post('HASH', EventMask.VALUE);
    }
  }
  record.post('VAL', mask);
}

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
export function constantArray(dbf: DbfType, texts: readonly string[], capacity: number): FieldValue {
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
      (value)[i] = parsed.ok ? narrow(dbf, parsed.value) : 0;
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
