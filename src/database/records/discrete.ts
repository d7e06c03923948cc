// The enumerated records: bi and bo (two states named ZNAM/ONAM), mbbi and mbbo (sixteen
// states ZR…FF with labels, raw values and severities). They alarm on the state and on a change
// of state, and post VAL whenever it changes.

import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { checkStateAlarms } from './alarms';
import { loadConstant } from './constants';
import { menuAlarmSevr } from '../menus';
import { field, menuField, stringField, type FieldSpec, type FieldTable } from './field-spec';
import { fieldMetadata, type MetadataRules } from './metadata';
import { postOnChange } from './monitors';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, resumingSimulation, SIMULATION_DELAYED } from './simulation';
import { fetchDesiredOutput, readInput, writeOutput, type ReadOutcome } from './soft-channel';

/** The prefixes of the sixteen mbbx states, in order: ZRST, ONST … FFST and likewise …VL, …SV. */
const STATE_PREFIXES = ['ZR', 'ON', 'TW', 'TH', 'FR', 'FV', 'SX', 'SV', 'EI', 'NI', 'TE', 'EL', 'TV', 'TT', 'FT', 'FF'];
const LABEL_FIELDS = STATE_PREFIXES.map((prefix) => `${prefix}ST`);
const RAW_VALUE_FIELDS = STATE_PREFIXES.map((prefix) => `${prefix}VL`);
const SEVERITY_FIELDS = STATE_PREFIXES.map((prefix) => `${prefix}SV`);
/** mbbi's VAL when no state has the raw value read. */
const UNKNOWN_STATE = 65535;

export interface DiscreteRecordOptions {
  name: string;
  fields: FieldTable;
  devices: readonly string[];
  role: 'input' | 'output';
  states: 'binary' | 'multiBit';
  /** mbbo: without state definitions VAL is served as the DBF_USHORT it then is. */
  plainValueWithoutStates?: boolean;
  metadata?: MetadataRules;
  /** What an output does once written, before its monitors (bo's momentary HIGH). */
  afterWrite?(record: DbRecord): void;
}

export function discreteRecordType(options: DiscreteRecordOptions): RecordType {
  const multiBit = options.states === 'multiBit';
  const enumStrings = multiBit ? multiBitLabels : binaryLabels;
  return {
    name: options.name,
    fields: options.fields,
    devices: options.devices,
    deviceLink: options.role === 'input' ? 'INP' : 'OUT',
    valueKind: 'number',
    shape(record, spec) {
      const shape = scalarShape(spec);
      if (spec.name === 'VAL' && options.plainValueWithoutStates && !record.number('SDEF')) return { ...shape, dbf: 'USHORT' };
      return shape;
    },
    init(record, constants) {
      if (multiBit) {
        updateStatesDefined(record);
        initBitMask(record);
      }
      if (loadConstant(record, options.role === 'input' ? 'INP' : 'DOL', 'VAL', constants)) {
        if (!multiBit && options.role === 'output') record.assign('VAL', record.number('VAL') ? 1 : 0);
        record.assign('UDF', 0);
      }
      initSimulation(record, constants);
      record.assign('MLST', record.number('VAL'));
      record.assign('LALM', record.number('VAL'));
    },
    process(record): ProcessOutcome {
      if (options.role === 'input' && readState(record, multiBit) === SIMULATION_DELAYED) return ASYNC;
      if (options.role === 'output' && !resumingSimulation(record)) fetchState(record, multiBit);
      const undefinedValue = record.number('UDF') !== 0;
      if (options.role === 'output' && !(multiBit && undefinedValue)) convertToRaw(record, multiBit);
      record.stampTime();
      if (undefinedValue) record.raiseAlarm(AlarmStatus.UDF, record.number('UDFS'));
      const severity = multiBit ? multiBitSeverity(record) : binarySeverity(record, options.role);
      if (!(undefinedValue && options.role === 'input') && severity !== undefined) checkStateAlarms(record, severity, multiBit);
      if (options.role === 'output') {
        const written = writeOutput(record, 'VAL', () => {
          record.assign('VAL', record.number('IVOV'));
          convertToRaw(record, multiBit);
        });
        if (written === SIMULATION_DELAYED) return ASYNC;
        options.afterWrite?.(record);
      }
      const changed = record.number('MLST') !== record.number('VAL');
      record.assign('MLST', record.number('VAL'));
      postOnChange(record, changed);
    },
    metadata: (record, spec) => fieldMetadata(options.metadata ?? {}, record, spec),
    enumStrings,
    afterPut(record, spec) {
      if (!multiBit || !(LABEL_FIELDS.includes(spec.name) || RAW_VALUE_FIELDS.includes(spec.name))) return;
      updateStatesDefined(record);
      const state = LABEL_FIELDS.indexOf(spec.name);
      if (state < 0) return;
      record.post('VAL', EventMask.PROPERTY | (record.number('VAL') === state ? EventMask.VALUE | EventMask.LOG : 0));
    },
  };
}

/** The input records' read: INP (or SIOL) into VAL, or into RVAL for the raw supports, then to a state. */
function readState(record: DbRecord, multiBit: boolean): ReadOutcome {
  const outcome = readInput(record);
  if (outcome === 'failed' || outcome === 'unchanged' || outcome === SIMULATION_DELAYED) return outcome;
  if (outcome === 'raw') rawToState(record, multiBit);
  record.assign('UDF', 0);
  return outcome;
}

/** devBiSoftRaw/devMbbiSoftRaw mask RVAL; biRecord's convert makes any non-zero 1, mbbiRecord's finds the state with that raw value (65535 for none). */
function rawToState(record: DbRecord, multiBit: boolean): void {
  const mask = record.number('MASK');
  let raw = mask ? (record.number('RVAL') & mask) >>> 0 : record.number('RVAL');
  record.assign('RVAL', raw);
  if (!multiBit) {
    record.assign('VAL', raw === 0 ? 0 : 1);
    return;
  }
  raw = Math.floor(raw / 2 ** record.number('SHFT'));
  if (!record.number('SDEF')) {
    record.assign('VAL', raw & 0xffff);
    return;
  }
  const state = RAW_VALUE_FIELDS.findIndex((name) => record.number(name) === raw);
  record.assign('VAL', state < 0 ? UNKNOWN_STATE : state);
}

/** The output records' fetch: DOL into VAL when closed_loop (bo keeps 0 and 1). */
function fetchState(record: DbRecord, multiBit: boolean): void {
  if (record.linkIsConstant('DOL') || !fetchDesiredOutput(record)) return;
  if (!multiBit) record.assign('VAL', record.number('VAL') ? 1 : 0);
  record.assign('UDF', 0);
}

/** get_enum_strs of bi/bo: two labels, or one when only ZNAM is set. */
function binaryLabels(record: DbRecord): readonly string[] {
  const zero = record.string('ZNAM');
  const one = record.string('ONAM');
  return zero && !one ? [zero] : [zero, one];
}

/** get_enum_strs of mbbi/mbbo: the labels up to the last one set. */
function multiBitLabels(record: DbRecord): readonly string[] {
  const labels = LABEL_FIELDS.map((name) => record.string(name));
  let count = labels.length;
  while (count > 0 && labels[count - 1] === '') count--;
  return labels.slice(0, count);
}

/** SDEF: whether any state has a label or a raw value. */
function updateStatesDefined(record: DbRecord): void {
  const defined = STATE_PREFIXES.some((prefix) => record.string(`${prefix}ST`) !== '' || record.number(`${prefix}VL`) !== 0);
  record.assign('SDEF', defined ? 1 : 0);
}

/** The severity of the current state; bi has none for values other than 0 and 1. */
function binarySeverity(record: DbRecord, role: 'input' | 'output'): number | undefined {
  const value = record.number('VAL');
  if (role === 'input' && value > 1) return undefined;
  return record.number(value === 0 ? 'ZSV' : 'OSV');
}

function multiBitSeverity(record: DbRecord): number {
  const value = record.number('VAL');
  return value > 15 ? record.number('UNSV') : record.number(SEVERITY_FIELDS[value]!);
}

/** The output records' VAL→RVAL: MASK for bo, the state's raw value (shifted by SHFT) for mbbo. */
function convertToRaw(record: DbRecord, multiBit: boolean): void {
  const value = record.number('VAL');
  let raw: number;
  if (!multiBit) {
    const mask = record.number('MASK');
    raw = mask !== 0 ? (value === 0 ? 0 : mask) : value;
  } else if (record.number('SDEF')) {
    if (value > 15) {
      record.raiseAlarm(AlarmStatus.SOFT, AlarmSeverity.INVALID);
      return;
    }
    raw = record.number(RAW_VALUE_FIELDS[value]!);
  } else {
    raw = value;
  }
  if (multiBit) raw = (raw * 2 ** record.number('SHFT')) >>> 0;
  if (raw === record.number('RVAL')) return;
  record.assign('RVAL', raw);
  record.post('RVAL', EventMask.VALUE | EventMask.LOG);
}

/** The state fields bi and bo share: labels, severities and the raw value. */
export function binaryStateFields(): FieldSpec[] {
  return [
    menuField('ZSV', menuAlarmSevr, { processPassive: true }),
    menuField('OSV', menuAlarmSevr, { processPassive: true }),
    menuField('COSV', menuAlarmSevr, { processPassive: true }),
    stringField('ZNAM', 26, { processPassive: true, property: true }),
    stringField('ONAM', 26, { processPassive: true, property: true }),
    ...rawValueFields(),
  ];
}

/** The state fields mbbi and mbbo share: sixteen raw values, labels and severities, and the bit layout. */
export function multiBitStateFields(): FieldSpec[] {
  return [
    field('NOBT', 'USHORT', { readOnly: true }),
    ...RAW_VALUE_FIELDS.map((name) => field(name, 'ULONG', { processPassive: true })),
    ...LABEL_FIELDS.map((name) => stringField(name, 26, { processPassive: true })),
    ...SEVERITY_FIELDS.map((name) => menuField(name, menuAlarmSevr, { processPassive: true })),
    menuField('UNSV', menuAlarmSevr, { processPassive: true }),
    menuField('COSV', menuAlarmSevr, { processPassive: true }),
    ...rawValueFields(),
    field('SDEF', 'SHORT', { readOnly: true }),
    field('SHFT', 'USHORT'),
  ];
}

function rawValueFields(): FieldSpec[] {
  return [
    field('RVAL', 'ULONG', { processPassive: true }),
    field('ORAW', 'ULONG', { readOnly: true }),
    field('MASK', 'ULONG', { readOnly: true }),
    field('MLST', 'USHORT', { readOnly: true }),
    field('LALM', 'USHORT', { readOnly: true }),
  ];
}

/** MASK from NOBT at init, as the mbb record supports compute it: the low NOBT bits, unless the .db set one. */
export function initBitMask(record: DbRecord): void {
  const bits = record.number('NOBT');
  if (record.number('MASK') === 0 && bits <= 32) record.assign('MASK', bits >= 32 ? 0xffffffff : 2 ** bits - 1);
}
