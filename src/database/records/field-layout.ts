// Where a record keeps its field data: one slot per field of its type (the record attributes
// included) in an array, at a slot number computed once per record type. A Map per record cost
// ~4 KB of hash table for an ao's ~120 fields; an array of slots costs 8 bytes a field, and a new
// record starts as a copy of its type's initial slots, parsed from the .dbd initial values once.

import { isLink } from '../dbf';
import { parseFieldText } from '../db-value';
import type { FieldData } from '../field-codec';
import { RECORD_ATTRIBUTES } from './common-fields';
import type { FieldSpec } from './field-spec';
import type { RecordType } from './record-type';

export interface FieldLayout {
  /** The slot of each field, by name. */
  readonly slots: ReadonlyMap<string, number>;
  /** The data each slot holds in a new record (NAME aside, which the record sets). */
  readonly initial: readonly FieldData[];
}

const layouts = new WeakMap<RecordType, FieldLayout>();

export function fieldLayout(type: RecordType): FieldLayout {
  let layout = layouts.get(type);
  if (!layout) layouts.set(type, (layout = buildLayout(type)));
  return layout;
}

function buildLayout(type: RecordType): FieldLayout {
  const specs = [...type.fields.values(), ...RECORD_ATTRIBUTES];
  return {
    slots: new Map(specs.map((spec, slot) => [spec.name, slot])),
    initial: specs.map((spec) => initialData(type, spec)),
  };
}

/**
 * dbStatic's initial value: the .dbd initial(), the record attributes' values, else 0 or empty
 * text. DTYP has no initial(), so the device supports a database registers do not change these.
 */
function initialData(type: RecordType, spec: FieldSpec): FieldData {
  if (spec.name === 'RTYP') return type.name;
  if (spec.name === 'VERS') return 'none specified';
  if (spec.initial === undefined) return spec.dbf === 'STRING' || spec.dbf === 'NOACCESS' || isLink(spec.dbf) ? '' : 0;
  const parsed = parseFieldText(spec, spec.initial, type.devices);
  if (!parsed.ok) throw new Error(`${type.name}.${spec.name}: bad initial value: ${parsed.reason}`);
  return parsed.data;
}
