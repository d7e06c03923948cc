// The value part of a DBR: `count` elements of one DBF type, big-endian.

import { castNumber, numberToString, parseNumber } from '../convert';
import { readCString, writeCString } from './strings';
import { Dbf, ELEMENT_SIZE, type DbfType, type DbrSource, type DbrValue, type NumericDbrValue } from './types';

const STRING_SIZE = ELEMENT_SIZE[Dbf.STRING];
const NO_LABELS: readonly string[] = [];

// DataView setters compile to plain stores, several times faster than Buffer's writeXxxBE. The
// view of the buffer last written to is kept, so one is made only when the caller's buffer changes.
let viewedBuffer: Buffer | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));

/** A big-endian window on `target`, with the same offsets. */
export function dataViewOf(target: Buffer): DataView {
  if (target !== viewedBuffer) {
    viewedBuffer = target;
    view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  }
  return view;
}

/** Writes one number that is already within `elementType`'s range. */
export function writeNumber(target: DataView, offset: number, elementType: number, value: number): void {
  switch (elementType) {
    case Dbf.SHORT:
      target.setInt16(offset, value);
      return;
    case Dbf.FLOAT:
      target.setFloat32(offset, value);
      return;
    case Dbf.ENUM:
      target.setUint16(offset, value);
      return;
    case Dbf.CHAR:
      target.setUint8(offset, value);
      return;
    case Dbf.LONG:
      target.setInt32(offset, value);
      return;
    default:
      target.setFloat64(offset, value);
  }
}

export function readNumber(payload: Buffer, offset: number, elementType: number): number {
  switch (elementType) {
    case Dbf.SHORT:
      return payload.readInt16BE(offset);
    case Dbf.FLOAT:
      return payload.readFloatBE(offset);
    case Dbf.ENUM:
      return payload.readUInt16BE(offset);
    case Dbf.CHAR:
      return payload[offset]!;
    case Dbf.LONG:
      return payload.readInt32BE(offset);
    default:
      return payload.readDoubleBE(offset);
  }
}

/**
 * Writes `count` elements of `elementType` made from the source's native elements: the first
 * `count` of them, then zeros where the source has fewer. Numbers go straight into `target`.
 */
export function encodeValue(target: Buffer, offset: number, elementType: DbfType, count: number, source: DbrSource): void {
  const nativeType = source.type;
  if (elementType !== Dbf.STRING && nativeType !== Dbf.STRING) {
    const scalar = source.scalar?.();
    if (scalar !== undefined) {
      const size = ELEMENT_SIZE[elementType];
      writeNumber(dataViewOf(target), offset, elementType, castNumber(scalar, nativeType, elementType));
      target.fill(0, offset + size, offset + count * size);
      return;
    }
  }
  const value = source.value();
  const available = count < value.length ? count : value.length;
  const size = ELEMENT_SIZE[elementType];
  if (elementType === Dbf.STRING) {
    encodeStrings(target, offset, available, source, value);
  } else if (nativeType === Dbf.STRING) {
    const texts = value as string[];
    const wire = dataViewOf(target);
    // Where rsrv would fail the read (ECA_GETFAIL) on text that is no number, we send 0.
    for (let i = 0; i < available; i++) {
      writeNumber(wire, offset + i * size, elementType, parseNumber(texts[i]!, elementType, NO_LABELS) ?? 0);
    }
  } else if (nativeType === elementType && available * size >= BLOCK_COPY_MIN_BYTES) {
    copyBigEndian(target, offset, value as NumericDbrValue, available * size, size);
  } else {
    const numbers = value as NumericDbrValue;
    const wire = dataViewOf(target);
    for (let i = 0; i < available; i++) {
      writeNumber(wire, offset + i * size, elementType, castNumber(numbers[i]!, nativeType, elementType));
    }
  }
  target.fill(0, offset + available * size, offset + count * size);
}

/**
 * Below this many bytes the element loop beats a block copy, whose views cost more than a few
 * stores. Measured with bench/ca-load.ts (waveform-get, get-sequential).
 */
const BLOCK_COPY_MIN_BYTES = 64;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Elements already in the wire's type: one memcpy, then one byte swap on a little-endian host. */
function copyBigEndian(target: Buffer, offset: number, numbers: NumericDbrValue, bytes: number, size: number): void {
  target.set(new Uint8Array(numbers.buffer, numbers.byteOffset, bytes), offset);
  if (!LITTLE_ENDIAN_HOST || size === 1) return;
  const copied = target.subarray(offset, offset + bytes);
  if (size === 2) copied.swap16();
  else if (size === 4) copied.swap32();
  else copied.swap64();
}

function encodeStrings(target: Buffer, offset: number, available: number, source: DbrSource, value: DbrValue): void {
  if (source.type === Dbf.STRING) {
    const texts = value as string[];
    for (let i = 0; i < available; i++) writeCString(target, offset + i * STRING_SIZE, STRING_SIZE, texts[i]!);
    return;
  }
  const { precision, enumStrings } = source.metadata();
  const numbers = value as NumericDbrValue;
  for (let i = 0; i < available; i++) {
    writeCString(target, offset + i * STRING_SIZE, STRING_SIZE, numberToString(numbers[i]!, source.type, precision, enumStrings));
  }
}

type NumericArrayConstructor = new (length: number) => NumericDbrValue;
const NUMERIC_ARRAYS: readonly (NumericArrayConstructor | undefined)[] = [
  undefined,
  Int16Array,
  Float32Array,
  Uint16Array,
  Uint8Array,
  Int32Array,
  Float64Array,
];

/** A zeroed array for `count` elements of a numeric DBF type. */
export function allocateNumeric(elementType: number, count: number): NumericDbrValue {
  const constructor = NUMERIC_ARRAYS[elementType];
  if (constructor === undefined) throw new RangeError(`DBF type ${elementType} is not numeric`);
  return new constructor(count);
}

/**
 * Reads `count` elements. The last string may end early with the payload: a CA client sends a
 * lone DBR_STRING as its text and terminator rounded up to 8 bytes, and rsrv answers reads so.
 */
export function decodeValue(payload: Buffer, offset: number, elementType: DbfType, count: number): DbrValue {
  if (elementType === Dbf.STRING) {
    const texts: string[] = [];
    for (let i = 0; i < count; i++) texts.push(readCString(payload, offset + i * STRING_SIZE, STRING_SIZE - 1));
    return texts;
  }
  const numbers = allocateNumeric(elementType, count);
  const size = ELEMENT_SIZE[elementType];
  for (let i = 0; i < count; i++) numbers[i] = readNumber(payload, offset + i * size, elementType);
  return numbers;
}

/** Bytes a payload needs to carry the header and `count` elements (the last string may be short). */
export function minimumValueEnd(valueOffset: number, elementType: DbfType, count: number): number {
  if (count === 0) return valueOffset;
  if (elementType === Dbf.STRING) return valueOffset + (count - 1) * STRING_SIZE + 1;
  return valueOffset + count * ELEMENT_SIZE[elementType];
}
