// The text records: stringin and stringout (a 40-byte VAL), lsi and lso (VAL of SIZV bytes,
// read in full through `VAL$`). They post VAL when it changed since OVAL, or on every pass when
// MPST/APST say Always.

import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { utf8Length } from '../text';
import { loadConstant } from './constants';
import type { FieldTable } from './field-spec';
import { fieldMetadata } from './metadata';
import { postOnChange, postPolicy } from './monitors';
import { scalarShape, type RecordType } from './record-type';
import { initSimulation, resumingSimulation, SIMULATION_DELAYED } from './simulation';
import { fetchDesiredOutput, readInput, writeOutput, type ReadOutcome } from './soft-channel';

/** The SIZV bounds lsi/lso enforce. */
const MIN_LONG_STRING = 16;
const MAX_LONG_STRING = 0x7fff;
/** "Always" in stringinPOST, stringoutPOST and menuPost. */
const POST_ALWAYS = 1;

export interface TextRecordOptions {
  name: string;
  fields: FieldTable;
  devices: readonly string[];
  role: 'input' | 'output';
  /** lsi/lso: VAL and OVAL hold SIZV bytes and LEN/OLEN count them. */
  longString: boolean;
  /** The severity an undefined output raises (stringout: UDFS; lso: INVALID). */
  undefinedSeverity?: 'UDFS' | 'INVALID';
}

export function textRecordType(options: TextRecordOptions): RecordType {
  const { longString } = options;
  return {
    name: options.name,
    fields: options.fields,
    devices: options.devices,
    deviceLink: options.role === 'input' ? 'INP' : 'OUT',
    valueKind: 'string',
    shape(record, spec) {
      if (longString && (spec.name === 'VAL' || spec.name === 'OVAL')) {
        return { dbf: 'STRING', size: record.number('SIZV'), elements: 1, variableLength: true };
      }
      return scalarShape(spec);
    },
    init(record, constants) {
      if (longString) record.assign('SIZV', Math.min(MAX_LONG_STRING, Math.max(MIN_LONG_STRING, record.number('SIZV'))));
      if (loadConstant(record, options.role === 'input' ? 'INP' : 'DOL', 'VAL', constants)) record.assign('UDF', 0);
      initSimulation(record, constants);
      record.assign('OVAL', record.string('VAL'));
      if (longString) {
        updateLength(record);
        record.assign('OLEN', record.number('LEN'));
      }
    },
    process(record): ProcessOutcome {
      if (options.role === 'input' && readText(record) === SIMULATION_DELAYED) return ASYNC;
      if (options.role === 'output' && !resumingSimulation(record) && !record.linkIsConstant('DOL') && fetchDesiredOutput(record)) {
        record.assign('UDF', 0);
      }
      if (longString) updateLength(record);
      if (options.role === 'output' && record.number('UDF')) {
        const severity = options.undefinedSeverity === 'INVALID' ? AlarmSeverity.INVALID : record.number('UDFS');
        record.raiseAlarm(AlarmStatus.UDF, severity);
      }
      record.stampTime();
      const useIvov = () => {
        record.assign('VAL', record.string('IVOV'));
      };
      if (options.role === 'output' && writeOutput(record, 'VAL', useIvov) === SIMULATION_DELAYED) return ASYNC;
      const changed = record.string('VAL') !== record.string('OVAL');
      record.assign('OVAL', record.string('VAL'));
      if (longString && record.number('LEN') !== record.number('OLEN')) {
        record.assign('OLEN', record.number('LEN'));
        record.post('LEN', EventMask.VALUE | EventMask.LOG);
      }
      postOnChange(record, changed, postPolicy(record, POST_ALWAYS));
    },
    metadata: (record, spec) => fieldMetadata({}, record, spec),
    enumStrings: () => [],
    afterPut(record, spec) {
      if (!longString || spec.name !== 'VAL') return;
      updateLength(record);
      record.post('LEN', EventMask.VALUE | EventMask.LOG);
    },
  };
}

/** INP (or SIOL) into VAL; a read clears UDF. */
function readText(record: DbRecord): ReadOutcome {
  const outcome = readInput(record);
  if (outcome === 'value' || outcome === 'simulated') record.assign('UDF', 0);
  return outcome;
}

/** LEN counts VAL's bytes and its NUL. */
function updateLength(record: DbRecord): void {
  record.assign('LEN', utf8Length(record.string('VAL')) + 1);
}
