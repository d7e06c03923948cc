// subArray: NELM elements of its input array from index INDX (at most MALM read), NORD of them
// in use; with none, UDF and the UDF alarm, as subArrayRecord.c with devSASoft does.

import { allocate, FTVL_TYPES } from '../dbf';
import { menuFtype } from '../menus';
import { AlarmStatus, EventMask, type FieldValue } from '../pv';
import type { DbRecord } from '../record';
import { MAX_DBR_STRING_BYTES } from '../text';
import { COMMON_FIELDS, inputLinkField, precisionField } from './common-fields';
import { constantElements } from './constants';
import { field, fieldTable, menuField, stringField } from './field-spec';
import { fieldMetadata, limitsFrom, precisionRule, type MetadataRules } from './metadata';
import { scalarShape, type LinkConstant, type RecordType } from './record-type';
import { constantArray, DEFAULT_FTVL, elementType } from './waveform';

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'NOACCESS', { processPassive: true }),
  precisionField(),
  menuField('FTVL', menuFtype, { readOnly: true }),
  inputLinkField(),
  stringField('EGU', 16, { property: true }),
  field('HOPR', 'DOUBLE', { property: true }),
  field('LOPR', 'DOUBLE', { property: true }),
  field('MALM', 'ULONG', { readOnly: true, initial: '1' }),
  field('NELM', 'ULONG', { processPassive: true, initial: '1' }),
  field('INDX', 'ULONG', { processPassive: true }),
  field('BUSY', 'SHORT', { readOnly: true }),
  field('NORD', 'LONG', { readOnly: true }),
]);

/** A constant INP, loaded again on every pass (dbLoadLinkArray in read_sa). */
const constantInputs = new WeakMap<DbRecord, readonly string[]>();

const metadata: MetadataRules = {
  units: (record, spec) => {
    const textual = ['STRING', 'ENUM'].includes(elementType(record));
    return (spec.name === 'VAL' && !textual) || spec.name === 'HOPR' || spec.name === 'LOPR' ? record.string('EGU') : '';
  },
  precision: precisionRule(['VAL']),
  display: (record, spec) => limitsOf(record, spec.name, 0),
  control: (record, spec) => limitsOf(record, spec.name, 1),
};

/** get_graphic_double / get_control_double: NELM's control range starts at 1, its display range at 0. */
function limitsOf(record: DbRecord, name: string, lowestCount: number) {
  const maximum = record.number('MALM');
  switch (name) {
    case 'VAL':
      return limitsFrom(record, 'HOPR', 'LOPR');
    case 'INDX':
      return { lower: 0, upper: maximum - 1 };
    case 'NELM':
      return { lower: lowestCount, upper: maximum };
    case 'NORD':
      return { lower: 0, upper: maximum };
    case 'BUSY':
      return { lower: 0, upper: 1 };
    default:
      return undefined;
  }
}

export const subArrayRecordType: RecordType = {
  name: 'subArray',
  fields,
  devices: ['Soft Channel'],
  valueKind: 'array',
  shape(record, spec) {
    if (spec.name !== 'VAL') return scalarShape(spec);
    return { dbf: elementType(record), size: MAX_DBR_STRING_BYTES + 1, elements: record.number('MALM'), array: true };
  },
  init(record, constants) {
    if (record.number('MALM') <= 0) record.assign('MALM', 1);
    if (FTVL_TYPES[record.number('FTVL')] === undefined) record.assign('FTVL', DEFAULT_FTVL);
    if (record.number('NELM') > record.number('MALM')) record.assign('NELM', record.number('MALM'));
    record.assign('VAL', allocate(elementType(record), 0));
    const constant: LinkConstant | undefined = constants.get('INP');
    if (constant === undefined) return;
    constantInputs.set(record, constantElements(constants, 'INP')!);
    subset(record, constantSource(record));
  },
  process(record) {
    const read = readValue(record);
    record.stampTime();
    const failed = !read || record.number('NORD') <= 0;
    record.assign('UDF', failed ? 1 : 0);
    if (failed) record.raiseAlarm(AlarmStatus.UDF, record.number('UDFS'));
    record.post('VAL', record.resetAlarms() | EventMask.VALUE | EventMask.LOG);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut: () => undefined,
};

/** readValue and read_sa: NELM and INDX within MALM, then INDX + NELM elements read (at most MALM). */
function readValue(record: DbRecord): boolean {
  const maximum = record.number('MALM');
  if (record.number('NELM') > maximum) record.assign('NELM', maximum);
  if (record.number('INDX') >= maximum) record.assign('INDX', maximum - 1);
  const previousCount = record.number('NORD');
  const link = record.links.get('INP');
  let source: FieldValue | undefined;
  if (link && !link.isConstant) {
    const requested = Math.min(record.number('INDX') + record.number('NELM'), maximum);
    const data = link.read({ dbf: elementType(record), size: MAX_DBR_STRING_BYTES + 1, elements: requested, array: true });
    if (data === undefined) return false;
    source = data as FieldValue;
  } else {
    // A constant INP is loaded again; an empty one leaves the elements in use where they are.
    source = constantInputs.has(record) ? constantSource(record) : (record.get('VAL') as FieldValue);
  }
  subset(record, source);
  if (record.number('NORD') !== previousCount) record.post('NORD', EventMask.VALUE | EventMask.LOG);
  return true;
}

function constantSource(record: DbRecord): FieldValue {
  const maximum = record.number('MALM');
  return constantArray(elementType(record), constantInputs.get(record)!, Math.min(record.number('INDX') + record.number('NELM'), maximum));
}

/** devSASoft subset(): from INDX, at most NELM of the elements read. */
function subset(record: DbRecord, source: FieldValue): void {
  const index = record.number('INDX');
  const count = Math.max(0, Math.min(source.length - index, record.number('NELM')));
  record.assign('VAL', source.slice(index, index + count));
  record.assign('NORD', count);
  record.assign('UDF', 0);
}
