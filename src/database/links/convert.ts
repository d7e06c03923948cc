// A field's data as another field takes it through a link (dbGet/dbPut's conversions): numbers
// narrowed to the destination's type, enums and menus read as their labels by text fields,
// text parsed as a number by numeric ones, arrays to scalars by their first element.

import { allocate, isEnumLike, isText, LINK_STRING_SIZE, narrow, parseDbNumber } from '../dbf';
import type { FieldData } from '../field-codec';
import type { FieldValue } from '../pv';
import type { FieldShape } from '../records/record-type';
import { MAX_DBR_STRING_BYTES, truncateUtf8 } from '../text';

/** The source of a conversion: its data, its shape and, for an enum-like field, its labels. */
export interface SourceField {
  readonly data: FieldData;
  readonly shape: FieldShape;
  readonly labels: readonly string[];
}

/**
 * `source` as data of `shape`; undefined when it has no such value (text that is neither a number
 * nor one of the destination's `labels`, no elements).
 */
export function convertField(source: SourceField, shape: FieldShape, labels: readonly string[] = []): FieldData | undefined {
  if (shape.array) return toArray(source, shape);
  const first = firstElement(source);
  if (first === undefined) return undefined;
  if (isText(shape.dbf)) return truncateUtf8(toText(first, source), (shape.size > 0 ? shape.size : LINK_STRING_SIZE) - 1);
  if (typeof first === 'number') return narrow(shape.dbf, first);
  const state = labels.indexOf(first);
  return state >= 0 ? state : numberOfText(first, shape);
}

function firstElement(source: SourceField): number | string | undefined {
  const { data } = source;
  if (typeof data !== 'object') return data;
  return data.length > 0 ? data[0] : undefined;
}

function toText(value: number | string, source: SourceField): string {
  if (typeof value === 'string') return value;
  if (isEnumLike(source.shape.dbf)) return source.labels[value] ?? String(value);
  return String(value);
}

/** Text into a numeric field, as strtod reads it. */
function numberOfText(text: string, shape: FieldShape): number | undefined {
  const parsed = parseDbNumber('DOUBLE', text.trim());
  return parsed.ok ? narrow(shape.dbf, parsed.value) : undefined;
}

function toArray(source: SourceField, shape: FieldShape): FieldValue {
  const { data } = source;
  const elements: readonly (number | string)[] = typeof data === 'object' ? (data as ArrayLike<number | string> as readonly (number | string)[]) : [data];
  const count = Math.min(elements.length, shape.elements);
  const out = allocate(shape.dbf, count);
  for (let i = 0; i < count; i++) {
    const element = elements[i]!;
    if (Array.isArray(out)) out[i] = truncateUtf8(toText(element, source), MAX_DBR_STRING_BYTES);
    else out[i] = typeof element === 'number' ? narrow(shape.dbf, element) : (numberOfText(element, shape) ?? 0);
  }
  return out;
}
