// A client's write: the value part of the DBR it sent, converted to the PV's native type as
// rsrv's dbChannel_put and dbPut's conversion routines would.

import { castNumber, numberToString, parseNumber } from '../convert';
import { codecFor, holdsElements } from './codecs';
import { DBF_NAMES, Dbf, DbrType, isDbfType, isDbrType, isWritableDbrType, type DbrValue, type NumericDbrValue } from './types';
import { allocateNumeric, decodeValue } from './value';

export type DbrWriteDecoding = { ok: true; value: DbrValue } | { ok: false; error: 'badType' | 'putFail'; message: string };

/** dbConvert's precision for a number put to a STRING field whose record has no PREC. */
const PUT_STRING_PRECISION = 6;
/** An ENUM put to a STRING field becomes its index: the labels belong to the sender's PV. */
const NO_LABELS: readonly string[] = [];

/**
 * `count` elements of the `nativeType` PV from the DBR in `payload`. PUT_ACKT and PUT_ACKS are
 * not converted: their value is the acknowledgement as sent (Uint16Array), for acknowledgeAlarm.
 */
export function decodeDbrForWrite(payload: Buffer, dbrType: number, count: number, nativeType: number, enumStrings: readonly string[]): DbrWriteDecoding {
  if (!isDbfType(nativeType)) throw new RangeError(`${nativeType} is not a DBF type`);
  if (!isDbrType(dbrType)) return { ok: false, error: 'badType', message: `${dbrType} is not a DBR type` };
  if (!isWritableDbrType(dbrType)) return putFail(`DBR type ${dbrType} cannot be written`);
  if (!Number.isInteger(count) || count < 1) return putFail(`a write needs at least one element, not ${count}`);
  const codec = codecFor(dbrType);
  if (!holdsElements(codec, payload.length, count)) {
    return putFail(`${payload.length} bytes are too few for ${count} elements of DBR type ${dbrType}`);
  }
  const sent = decodeValue(payload, codec.valueOffset, codec.elementType, count);
  if (dbrType === DbrType.PUT_ACKT || dbrType === DbrType.PUT_ACKS) return { ok: true, value: sent };
  return toNative(sent, codec.elementType, nativeType, enumStrings);
}

function toNative(sent: DbrValue, sentType: number, nativeType: number, enumStrings: readonly string[]): DbrWriteDecoding {
  if (nativeType === Dbf.STRING) {
    if (sentType === Dbf.STRING) return { ok: true, value: sent };
    const texts: string[] = [];
    for (const number of sent as NumericDbrValue) texts.push(numberToString(number, sentType, PUT_STRING_PRECISION, NO_LABELS));
    return { ok: true, value: texts };
  }
  const value = allocateNumeric(nativeType, sent.length);
  if (sentType === Dbf.STRING) {
    const texts = sent as string[];
    for (let i = 0; i < texts.length; i++) {
      const number = parseNumber(texts[i]!, nativeType, enumStrings);
      if (number === undefined) return putFail(`cannot convert "${texts[i]!}" to ${DBF_NAMES[nativeType]!}`);
      value[i] = number;
    }
  } else {
    const numbers = sent as NumericDbrValue;
    for (let i = 0; i < numbers.length; i++) value[i] = castNumber(numbers[i]!, sentType, nativeType);
  }
  return { ok: true, value };
}

function putFail(message: string): DbrWriteDecoding {
  return { ok: false, error: 'putFail', message };
}
