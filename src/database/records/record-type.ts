// What a record type contributes to the generic record: its field table, the served shape of
// fields whose shape depends on other fields, its processing, its DBR_GR/CTRL metadata and its
// reaction to field writes (the C record support's special(), cvt_dbaddr() and friends).

import { isLink, type DbfType } from '../dbf';
import type { DisplayMetadata } from '../pv';
import type { FieldData } from '../field-codec';
import type { DbRecord, ProcessOutcome, RecordHost } from '../record';
import type { FieldSpec, FieldTable } from './field-spec';

/** How a field is served: element type, string capacity and element capacity. */
export interface FieldShape {
  readonly dbf: DbfType;
  /** Capacity in bytes (NUL included) of text fields; 0 for others. */
  readonly size: number;
  /** Element capacity: NELM for arrays, 1 for scalars. */
  readonly elements: number;
  /** An array value (waveform VAL), held as elements whatever NELM is. */
  readonly array?: boolean;
  /** Text whose `$` CHAR array is as long as its content (lsi/lso VAL, links), not the field size. */
  readonly variableLength?: boolean;
}

/**
 * The value a constant link (INP, DOL, INPA…) holds, as .db text: one value or an array's
 * elements. Record support loads it into the record at initialisation.
 */
export type LinkConstant = string | readonly string[];
export type LinkConstants = ReadonlyMap<string, LinkConstant>;

/** What the binding API hands code for VAL. */
export type ValueKind = 'number' | 'string' | 'array';

export interface RecordType {
  readonly name: string;
  readonly fields: FieldTable;
  /** Base's soft device supports of this type (DTYP choices before the registered ones). */
  readonly devices: readonly string[];
  /**
   * The link a registered device support takes its "@parameter" from, when record support calls
   * the record's device binding (read_xx through INP, write_xx through OUT); undefined when it
   * does not, and no device support can be registered for the type.
   */
  readonly deviceLink?: 'INP' | 'OUT';
  readonly valueKind: ValueKind;
  /** Served shape of a field; differs from the spec for array and long-string values. */
  shape(record: DbRecord, spec: FieldSpec): FieldShape;
  /** After the .db settings are in: derived state, constant INP/DOL values, last-posted values. */
  init(record: DbRecord, constants: LinkConstants): void;
  /** One processing pass: read inputs, convert, time-stamp, alarms, monitors, write outputs (FLNK follows it). */
  process(record: DbRecord): ProcessOutcome;
  metadata(record: DbRecord, spec: FieldSpec): DisplayMetadata;
  /** Labels of an ENUM VAL; empty when the record has none. */
  enumStrings(record: DbRecord): readonly string[];
  /** Side effects of a write to a field, before the generic posts (special() after the put). */
  afterPut(record: DbRecord, spec: FieldSpec): void;
  /**
   * Why a value cannot go into a field (special() refusing it: a CALC that does not compile), or
   * undefined. `offset` points into the text at the offending character. `record` is the record
   * written to, absent while a .db file is loaded.
   */
  validate?(field: string, data: FieldData, host: Pick<RecordHost, 'subroutines'>, record?: DbRecord): FieldRefusal | undefined;
  /** A link of the record was attached, connected or replaced (calcout's checkLinks). */
  linksChanged?(record: DbRecord): void;
}

export interface FieldRefusal {
  readonly reason: string;
  readonly offset?: number;
}

/** A spec's scalar shape, made once: it is asked for at every name lookup, channel and read (tens of thousands in a connect). */
const scalarShapes = new WeakMap<FieldSpec, FieldShape>();

export function scalarShape(spec: FieldSpec): FieldShape {
  let shape = scalarShapes.get(spec);
  if (shape === undefined) {
    shape = Object.freeze({ dbf: spec.dbf, size: spec.size ?? 0, elements: 1, variableLength: isLink(spec.dbf) });
    scalarShapes.set(spec, shape);
  }
  return shape;
}
