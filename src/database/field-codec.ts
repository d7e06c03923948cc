// Between a field's stored data and the FieldValue a CA channel carries: reads in the DBR type
// rsrv serves the field as, and client writes narrowed into the field's DBF type as dbPut does.

import { allocate, isLink, isText, LINK_STRING_SIZE, narrow, scalarValue, servedNumber } from './dbf';
import type { FieldValue } from './pv';
import type { FieldShape } from './records/record-type';
import { charsToText, MAX_DBR_STRING_BYTES, textToChars, truncateUtf8 } from './text';

/** A field's stored data: numbers (enum indexes included), text, or an array value's elements. */
export type FieldData = number | string | FieldValue;

export type Decoded = { ok: true; data: FieldData } | { ok: false; reason: string };

/** The capacity in bytes, NUL included, of a text field's `$` CHAR array. */
export function charCapacity(shape: FieldShape): number {
  return isLink(shape.dbf) ? LINK_STRING_SIZE : shape.size;
}

/**
 * The stored data as a channel reads it. `longString` is the `$` suffix: the text as a CHAR array,
 * NUL-padded to the field size for fixed-size fields, strlen+1 long for variable ones.
 */
export function encodeField(shape: FieldShape, data: FieldData, longString: boolean): FieldValue {
  if (longString) return textToChars(data as string, shape.variableLength ? undefined : charCapacity(shape));
  if (shape.array) return data as FieldValue;
  if (isText(shape.dbf)) return [truncateUtf8(data as string, MAX_DBR_STRING_BYTES)];
  return scalarValue(shape.dbf, data as number);
}

/**
 * encodeField's one element for a numeric scalar field, without making an array (a read of a
 * scalar is the commonest request there is); undefined for text, arrays and long strings.
 */
export function encodeScalar(shape: FieldShape, data: FieldData, longString: boolean): number | undefined {
  if (longString || shape.array || isText(shape.dbf)) return undefined;
  return servedNumber(shape.dbf, data as number);
}

/**
 * A client's elements (already in the channel's DBR type) as field data. `states` limits an
 * enum's index when the field has labels (0: no limit), as dbPut refuses a bad menu choice.
 */
export function decodeWrite(shape: FieldShape, value: FieldValue, longString: boolean, states: number): Decoded {
  if (value.length === 0) return { ok: false, reason: 'no elements written' };
  if (longString) {
    const chars = value instanceof Uint8Array ? value : Uint8Array.from(value as ArrayLike<number>, (n) => narrow('UCHAR', n));
    return { ok: true, data: truncateUtf8(charsToText(chars), charCapacity(shape) - 1) };
  }
  if (shape.array) return { ok: true, data: narrowArray(shape, value) };
  if (isText(shape.dbf)) {
    const text = typeof value[0] === 'string' ? value[0] : String(value[0]);
    return { ok: true, data: truncateUtf8(text, charCapacity(shape) - 1) };
  }
  const n = narrow(shape.dbf, typeof value[0] === 'string' ? Number(value[0]) : value[0]!);
  if (states > 0 && n >= states) return { ok: false, reason: `${n} is not a state (0..${states - 1})` };
  return { ok: true, data: n };
}

function narrowArray(shape: FieldShape, value: FieldValue): FieldValue {
  const out = allocate(shape.dbf, value.length);
  if (Array.isArray(out)) {
    for (let i = 0; i < value.length; i++) out[i] = truncateUtf8(String(value[i]), MAX_DBR_STRING_BYTES);
  } else {
    for (let i = 0; i < value.length; i++) out[i] = narrow(shape.dbf, Number(value[i]));
  }
  return out;
}
