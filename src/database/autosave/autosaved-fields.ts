// The fields the records name in their autosave info tags, and each field's value as save-file
// text and back, as synApps autosave's makeAutosaveFiles() gathers them and dbrestore puts them.

import { parseFieldText } from '../db-value';
import { allocate, isText, parseDbNumber } from '../dbf';
import { decodeWrite, type FieldData } from '../field-codec';
import type { FieldValue } from '../pv';
import type { DbRecord } from '../record';
import type { FieldSpec } from '../records/field-spec';
import type { FieldShape } from '../records/record-type';

/**
 * The info tags naming fields to save, as synApps autosave reads them: autosaveFields (its
 * info_settings.req, restored in pass 0 and pass 1), autosaveFields_pass0 (info_positions.req,
 * pass 0 only, before record init) and autosaveFields_pass1 (after record init). Here every one is
 * restored once, after the records are initialised and before the first scan.
 */
export const AUTOSAVE_TAGS = ['autosaveFields', 'autosaveFields_pass0', 'autosaveFields_pass1'] as const;

export interface AutosavedField {
  readonly record: DbRecord;
  readonly spec: FieldSpec;
  /** `REC.FIELD`, as the save file names it. */
  readonly pv: string;
}

/** A field a tag names that cannot be autosaved, and why. */
export interface TagProblem {
  readonly record: string;
  readonly tag: string;
  readonly field: string;
  readonly reason: string;
}

/** The fields the records' tags name, each once, in load order and then tag order. */
export function autosavedFields(records: readonly DbRecord[]): { fields: AutosavedField[]; problems: TagProblem[] } {
  const fields: AutosavedField[] = [];
  const problems: TagProblem[] = [];
  for (const record of records) {
    const named = new Set<string>();
    for (const tag of AUTOSAVE_TAGS) {
      for (const field of (record.infos.get(tag) ?? '').split(/\s+/).filter(Boolean)) {
        if (named.has(field)) continue;
        named.add(field);
        const spec = record.type.fields.get(field);
        const reason = spec ? unsavable(record, spec) : `record type ${record.type.name} has no field ${field}`;
        if (reason) problems.push({ record: record.name, tag, field, reason });
        else fields.push({ record, spec: spec!, pv: `${record.name}.${field}` });
      }
    }
  }
  return { fields, problems };
}

function unsavable(record: DbRecord, spec: FieldSpec): string | undefined {
  if (record.shape(spec).dbf === 'NOACCESS') return `${spec.name} is not accessible`;
  if (spec.readOnly) return `${spec.name} is read-only`;
  return undefined;
}

/**
 * The field's value as save-file text: numbers as JavaScript writes them (they read back exactly),
 * menu and DTYP choices by label (autosave writes the index; labels survive a menu that changes),
 * ENUM states by index, arrays as their elements.
 */
export function savedValue({ record, spec }: AutosavedField): string | string[] {
  const data = record.get(spec.name);
  if (typeof data === 'object') return Array.from(data as ArrayLike<number | string>, String);
  if (spec.dbf === 'MENU') return spec.menu?.choices[data as number] ?? String(data);
  if (spec.dbf === 'DEVICE') return record.deviceChoices[data as number] ?? String(data);
  return String(data);
}

/**
 * Puts a saved value into the field as dbPut does (no processing; the record's special() may still
 * refuse it). Returns why it was not put, or undefined when it was.
 */
export function restoreValue({ record, spec }: AutosavedField, value: string | readonly string[]): string | undefined {
  const shape = record.shape(spec);
  let data: FieldData;
  if (shape.array) {
    // autosave writes an array of one element as a scalar, and an empty one as an empty value.
    const elements = typeof value === 'string' ? (value === '' ? [] : [value]) : value;
    const decoded = arrayData(shape, elements.slice(0, shape.elements));
    if (typeof decoded === 'string') return decoded;
    data = decoded;
  } else {
    if (typeof value !== 'string') return `an array was saved, and ${spec.name} is a scalar`;
    const parsed = parseFieldText(spec, value, record.deviceChoices);
    if (!parsed.ok) return parsed.reason;
    data = parsed.data;
  }
  return record.store(spec, data);
}

/** The elements as the array field's data, or why one of them does not fit. */
function arrayData(shape: FieldShape, elements: readonly string[]): FieldValue | string {
  if (elements.length === 0) return allocate(shape.dbf, 0);
  let input: FieldValue = elements as string[];
  if (!isText(shape.dbf)) {
    input = new Float64Array(elements.length);
    for (let i = 0; i < elements.length; i++) {
      const parsed = parseDbNumber(shape.dbf, elements[i]!);
      if (!parsed.ok) return `element ${i}: ${parsed.reason}`;
      input[i] = parsed.value;
    }
  }
  const decoded = decodeWrite(shape, input, false, 0);
  return decoded.ok ? (decoded.data as FieldValue) : decoded.reason;
}
