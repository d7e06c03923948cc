import { ProtocolError } from '../errors';
import { BitSet } from './bit-set';
import type { ByteReader } from './byte-reader';
import type { ByteWriter, NumericArray } from './byte-writer';
import {
  coerceScalarArray,
  NUMERIC_ARRAY_TYPES,
  PVStructure,
  type PVField,
  type ScalarArrayValue,
  type ScalarValue,
  type UnionValue,
  type VariantValue,
} from './pv-structure';
import { NULL_SIZE } from './size';
import {
  decodeType,
  encodeType,
  MAX_NESTING_DEPTH,
  type FieldDesc,
  type ScalarArrayDesc,
  type ScalarDesc,
  type StructureDesc,
  type TypeCache,
  type UnionDesc,
} from './type-descriptor';

// The encoding of pvData values: fields in definition order, no alignment; arrays with a Size
// (fixed ones without); unions with a selector; variant unions with their FieldDesc; structure
// array elements with a presence byte; partial structures with a BitSet first.

/** Writes one field's value in full. */
export function encodeValue(writer: ByteWriter, desc: FieldDesc, value: PVField): void {
  switch (desc.kind) {
    case 'scalar':
      encodeScalar(writer, desc, value as ScalarValue);
      return;
    case 'scalarArray':
      encodeScalarArray(writer, desc, value as ScalarArrayValue);
      return;
    case 'structure':
      encodeStructure(writer, value as PVStructure);
      return;
    case 'union':
      encodeUnion(writer, desc, value as UnionValue | null);
      return;
    case 'any':
      encodeVariant(writer, value as VariantValue | null);
      return;
    case 'structureArray':
    case 'unionArray':
    case 'anyArray': {
      const elements = value as readonly PVField[];
      writer.size(elements.length);
      for (const element of elements) {
        // Each element is preceded by whether it is there.
        writer.boolean(element !== null);
        if (element === null) continue;
        if (desc.kind === 'structureArray') encodeStructure(writer, element as PVStructure);
        else if (desc.kind === 'unionArray') encodeUnion(writer, desc.element, element as UnionValue);
        else encodeVariant(writer, element as VariantValue);
      }
      return;
    }
  }
}

/** Writes every field of a structure, in order. */
export function encodeStructure(writer: ByteWriter, pv: PVStructure): void {
  encodeLeaves(writer, pv, 1, pv.type.nodes.length);
}

function encodeLeaves(writer: ByteWriter, pv: PVStructure, from: number, to: number): void {
  const nodes = pv.type.nodes;
  for (let bit = from; bit < to; bit++) {
    const node = nodes[bit]!;
    if (node.kind !== 'structure') encodeValue(writer, node, pv.values[bit]!);
  }
}

/** Reused by every encodePartial call, which never runs inside another. */
const sent = new BitSet();

/**
 * Writes the BitSet of the fields that are both changed and selected, then those fields, as GET
 * and MONITOR replies carry them. A set bit of a structure stands for everything below it, in
 * `changed` and in `selected` (the pvRequest's field selection; all fields when undefined).
 */
export function encodePartial(writer: ByteWriter, pv: PVStructure, changed: BitSet, selected?: BitSet): void {
  const nodes = pv.type.nodes;
  markSent(nodes, changed, selected);
  writer.bitSet(sent);
  for (let bit = sent.nextSetBit(0); bit >= 0; bit = sent.nextSetBit(endOf(nodes, bit))) {
    const node = nodes[bit]!;
    if (node.kind === 'structure') encodeLeaves(writer, pv, bit + 1, endOf(nodes, bit));
    else encodeValue(writer, node, pv.values[bit]!);
  }
}

/** Writes the BitSet of the fields of `bits` that are selected, as encodePartial writes its changed fields' (a monitor's overrun BitSet). */
export function encodeSelectedBits(writer: ByteWriter, type: StructureDesc, bits: BitSet, selected?: BitSet): void {
  markSent(type.nodes, bits, selected);
  writer.bitSet(sent);
}

/** The bit after a node and everything below it. */
function endOf(nodes: readonly FieldDesc[], bit: number): number {
  const node = nodes[bit]!;
  return node.kind === 'structure' ? bit + node.nodes.length : bit + 1;
}

const EVERYTHING = BitSet.of(0);

/**
 * Fills `sent` with the highest nodes that are both changed and selected. Each set bit stands
 * for a sub-tree, and two sub-trees are either apart or one inside the other, so a merge of the
 * two sets in bit order keeps, of each overlapping pair, the inner one.
 */
function markSent(nodes: readonly FieldDesc[], changed: BitSet, selected = EVERYTHING): void {
  sent.clearAll();
  let c = changed.nextSetBit(0);
  let s = selected.nextSetBit(0);
  while (c >= 0 && s >= 0 && c < nodes.length && s < nodes.length) {
    const changedEnd = endOf(nodes, c);
    const selectedEnd = endOf(nodes, s);
    if (changedEnd <= s) {
      c = changed.nextSetBit(changedEnd);
    } else if (selectedEnd <= c) {
      s = selected.nextSetBit(selectedEnd);
    } else if (c >= s) {
      sent.set(c);
      c = changed.nextSetBit(changedEnd);
    } else {
      sent.set(s);
      s = selected.nextSetBit(selectedEnd);
    }
  }
}

function encodeScalar(writer: ByteWriter, desc: ScalarDesc, value: ScalarValue): void {
  switch (desc.type) {
    case 'boolean':
      return writer.boolean(value as boolean);
    case 'byte':
      return writer.int8(value as number);
    case 'ubyte':
      return writer.uint8(value as number);
    case 'short':
      return writer.int16(value as number);
    case 'ushort':
      return writer.uint16(value as number);
    case 'int':
      return writer.int32(value as number);
    case 'uint':
      return writer.uint32(value as number);
    case 'long':
      return writer.int64(value as bigint);
    case 'ulong':
      return writer.uint64(value as bigint);
    case 'float':
      return writer.float32(value as number);
    case 'double':
      return writer.float64(value as number);
    case 'string':
      if (desc.bound !== undefined && Buffer.byteLength(value as string) > desc.bound) {
        throw new RangeError(`string longer than its bound of ${desc.bound} bytes`);
      }
      return writer.string(value as string);
  }
}

function encodeScalarArray(writer: ByteWriter, desc: ScalarArrayDesc, values: ScalarArrayValue): void {
  const count = values.length;
  if (desc.arraySize === 'fixed') {
    // A fixed array's size is in its type, not in its data.
    if (count !== desc.bound) throw new RangeError(`fixed array of ${desc.bound} given ${count} elements`);
  } else {
    if (desc.arraySize === 'bounded' && count > desc.bound!) {
      throw new RangeError(`bounded array of at most ${desc.bound} given ${count} elements`);
    }
    writer.size(count);
  }
  if (desc.type === 'boolean') {
    for (let i = 0; i < count; i++) writer.boolean(values[i] as boolean);
  } else if (desc.type === 'string') {
    for (let i = 0; i < count; i++) writer.string(values[i] as string);
  } else {
    writer.elements(coerceScalarArray(desc.type, values) as NumericArray);
  }
}

function encodeUnion(writer: ByteWriter, desc: UnionDesc, value: UnionValue | null): void {
  if (value === null) {
    writer.uint8(NULL_SIZE);
    return;
  }
  const member = desc.members[value.selector];
  if (member === undefined) throw new RangeError(`union ${desc.id} has no member ${value.selector}`);
  writer.size(value.selector);
  encodeValue(writer, member.type, value.value);
}

function encodeVariant(writer: ByteWriter, value: VariantValue | null): void {
  encodeType(writer, value === null ? null : value.type);
  if (value !== null) encodeValue(writer, value.type, value.value);
}

// ----- decoding

/**
 * Reads one field's value in full. `cache` resolves the cached types that variant unions may
 * carry; `depth` bounds how deep a peer may nest them.
 */
export function decodeValue(reader: ByteReader, desc: FieldDesc, cache: TypeCache, depth = 0): PVField {
  if (depth > MAX_NESTING_DEPTH) throw new ProtocolError(`values nested deeper than ${MAX_NESTING_DEPTH}`);
  switch (desc.kind) {
    case 'scalar':
      return decodeScalar(reader, desc);
    case 'scalarArray':
      return decodeScalarArray(reader, desc);
    case 'structure':
      return decodeStructure(reader, desc, cache, depth);
    case 'union':
      return decodeUnion(reader, desc, cache, depth);
    case 'any':
      return decodeVariant(reader, cache, depth);
    case 'structureArray':
    case 'unionArray':
    case 'anyArray': {
      const count = reader.size();
      reader.need(count, `array of ${count}`);
      const elements: PVField[] = [];
      for (let i = 0; i < count; i++) {
        if (!reader.boolean()) elements.push(null);
        else if (desc.kind === 'structureArray') elements.push(decodeStructure(reader, desc.element, cache, depth + 1));
        else if (desc.kind === 'unionArray') elements.push(decodeUnion(reader, desc.element, cache, depth + 1));
        else elements.push(decodeVariant(reader, cache, depth + 1));
      }
      return elements as PVField;
    }
  }
}

/** Reads every field of a structure into `into` (a new PVStructure by default). */
export function decodeStructure(reader: ByteReader, type: StructureDesc, cache: TypeCache, depth = 0, into = new PVStructure(type)): PVStructure {
  decodeLeaves(reader, into, 1, type.nodes.length, cache, depth);
  return into;
}

/**
 * Reads a BitSet and the fields it marks into `into`, as a PUT request carries them; returns the
 * BitSet. Bits past the structure's end are ignored, as pvxs does.
 */
export function decodePartial(reader: ByteReader, into: PVStructure, cache: TypeCache): BitSet {
  const bits = reader.bitSet();
  const nodes = into.type.nodes;
  for (let bit = bits.nextSetBit(0); bit >= 0 && bit < nodes.length; bit = bits.nextSetBit(endOf(nodes, bit))) {
    const node = nodes[bit]!;
    if (node.kind === 'structure') decodeLeaves(reader, into, bit + 1, endOf(nodes, bit), cache, 0);
    else into.values[bit] = decodeValue(reader, node, cache);
  }
  return bits;
}

function decodeLeaves(reader: ByteReader, into: PVStructure, from: number, to: number, cache: TypeCache, depth: number): void {
  const nodes = into.type.nodes;
  for (let bit = from; bit < to; bit++) {
    const node = nodes[bit]!;
    if (node.kind !== 'structure') into.values[bit] = decodeValue(reader, node, cache, depth);
  }
}

function decodeScalar(reader: ByteReader, desc: ScalarDesc): ScalarValue {
  switch (desc.type) {
    case 'boolean':
      return reader.boolean();
    case 'byte':
      return reader.int8();
    case 'ubyte':
      return reader.uint8();
    case 'short':
      return reader.int16();
    case 'ushort':
      return reader.uint16();
    case 'int':
      return reader.int32();
    case 'uint':
      return reader.uint32();
    case 'long':
      return reader.int64();
    case 'ulong':
      return reader.uint64();
    case 'float':
      return reader.float32();
    case 'double':
      return reader.float64();
    case 'string': {
      const value = reader.string();
      if (desc.bound !== undefined && Buffer.byteLength(value) > desc.bound) {
        throw new ProtocolError(`string longer than its bound of ${desc.bound} bytes`);
      }
      return value;
    }
  }
}

function decodeScalarArray(reader: ByteReader, desc: ScalarArrayDesc): ScalarArrayValue {
  const count = desc.arraySize === 'fixed' ? desc.bound! : reader.size();
  if (desc.arraySize === 'bounded' && count > desc.bound!) {
    throw new ProtocolError(`${count} elements in a bounded array of at most ${desc.bound}`);
  }
  const arrayType = NUMERIC_ARRAY_TYPES[desc.type];
  if (arrayType !== undefined) return reader.elements(arrayType, count);
  reader.need(count, `array of ${count}`); // every element takes a byte at least
  const values: (boolean | string)[] = [];
  for (let i = 0; i < count; i++) values.push(desc.type === 'boolean' ? reader.boolean() : reader.string());
  return values as boolean[] | string[];
}

function decodeUnion(reader: ByteReader, desc: UnionDesc, cache: TypeCache, depth: number): UnionValue | null {
  const selector = reader.sizeOrNull();
  if (selector < 0) return null;
  const member = desc.members[selector];
  if (member === undefined) throw new ProtocolError(`selector ${selector} of a union of ${desc.members.length}`);
  return { selector, value: decodeValue(reader, member.type, cache, depth + 1) };
}

/** FieldDesc then value: a variant union, and also a pvRequest or authentication data. */
function decodeVariant(reader: ByteReader, cache: TypeCache, depth: number): VariantValue | null {
  const type = decodeType(reader, cache, depth + 1);
  return type === null ? null : { type, value: decodeValue(reader, type, cache, depth + 1) };
}
