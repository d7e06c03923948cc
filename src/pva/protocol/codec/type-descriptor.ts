import { ProtocolError } from '../errors';
import type { ByteReader } from './byte-reader';
import type { ByteWriter } from './byte-writer';

// pvData introspection: the FieldDesc model and its wire encoding. Descriptors are immutable and
// shared; a TypeRegistry recognises them by identity, so build each type once and keep it.

export type ScalarType = 'boolean' | 'byte' | 'short' | 'int' | 'long' | 'ubyte' | 'ushort' | 'uint' | 'ulong' | 'float' | 'double' | 'string';

/** The type code byte of each scalar type: kind in bits 7-5, then unsigned flag and width. */
export const SCALAR_TYPE_CODES: Readonly<Record<ScalarType, number>> = {
  boolean: 0x00,
  byte: 0x20,
  short: 0x21,
  int: 0x22,
  long: 0x23,
  ubyte: 0x24,
  ushort: 0x25,
  uint: 0x26,
  ulong: 0x27,
  float: 0x42,
  double: 0x43,
  string: 0x60,
};

export const TypeCode = {
  STRUCTURE: 0x80,
  UNION: 0x81,
  VARIANT_UNION: 0x82,
  BOUNDED_STRING: 0x83,
  STRUCTURE_ARRAY: 0x88,
  UNION_ARRAY: 0x89,
  VARIANT_UNION_ARRAY: 0x8a,
  /** Introspection prefixes: no type, a cached type's id, a type sent with the id it is cached under. */
  NULL: 0xff,
  ONLY_ID: 0xfe,
  FULL_WITH_ID: 0xfd,
  FULL_TAGGED_ID: 0xfc,
} as const;

/** Bits 4-3 of a scalar type code: scalar, or which kind of array. */
const ArrayFlag = { VARIABLE: 0x08, BOUNDED: 0x10, FIXED: 0x18, MASK: 0x18 } as const;

/** pvxs's bound on nesting, against a peer that would exhaust the stack. */
export const MAX_NESTING_DEPTH = 20;

export type ArraySize = 'variable' | 'bounded' | 'fixed';

export interface ScalarDesc {
  readonly kind: 'scalar';
  readonly type: ScalarType;
  /** A bounded string's largest length in bytes. */
  readonly bound?: number;
}

export interface ScalarArrayDesc {
  readonly kind: 'scalarArray';
  readonly type: ScalarType;
  readonly arraySize: ArraySize;
  /** The largest (bounded) or only (fixed) element count. */
  readonly bound?: number;
}

export interface FieldMember {
  readonly name: string;
  readonly type: FieldDesc;
}

export interface StructureDesc {
  readonly kind: 'structure';
  /** Type id such as "epics:nt/NTScalar:1.0"; "" for none. */
  readonly id: string;
  readonly fields: readonly FieldMember[];
  /**
   * Every node of the tree depth first, this structure first: the index of a node is its bit in
   * a BitSet, and a sub-structure's nodes follow it.
   */
  readonly nodes: readonly FieldDesc[];
  /** The node index of each field below, by dotted name ("alarm.severity"). */
  readonly offsets: ReadonlyMap<string, number>;
}

export interface UnionDesc {
  readonly kind: 'union';
  readonly id: string;
  readonly members: readonly FieldMember[];
}

export interface VariantUnionDesc {
  readonly kind: 'any';
}

export interface StructureArrayDesc {
  readonly kind: 'structureArray';
  readonly element: StructureDesc;
}

export interface UnionArrayDesc {
  readonly kind: 'unionArray';
  readonly element: UnionDesc;
}

export interface VariantUnionArrayDesc {
  readonly kind: 'anyArray';
}

export type FieldDesc =
  ScalarDesc | ScalarArrayDesc | StructureDesc | UnionDesc | VariantUnionDesc | StructureArrayDesc | UnionArrayDesc | VariantUnionArrayDesc;

/** Fields in order, as an object literal or as [name, type] pairs. */
export type Members = Readonly<Record<string, FieldDesc>> | readonly (readonly [string, FieldDesc])[];

const SCALAR_TYPES = Object.keys(SCALAR_TYPE_CODES) as ScalarType[];
const SCALARS = new Map(SCALAR_TYPES.map((type) => [type, Object.freeze<ScalarDesc>({ kind: 'scalar', type })]));
const SCALAR_ARRAYS = new Map(SCALAR_TYPES.map((type) => [type, Object.freeze<ScalarArrayDesc>({ kind: 'scalarArray', type, arraySize: 'variable' })]));
const SCALAR_TYPE_BY_CODE = new Map(SCALAR_TYPES.map((type) => [SCALAR_TYPE_CODES[type], type]));

export const VARIANT_UNION: VariantUnionDesc = Object.freeze({ kind: 'any' });
export const VARIANT_UNION_ARRAY: VariantUnionArrayDesc = Object.freeze({ kind: 'anyArray' });

export function scalar(type: ScalarType): ScalarDesc {
  return SCALARS.get(type)!;
}

export function boundedString(bound: number): ScalarDesc {
  return Object.freeze({ kind: 'scalar', type: 'string', bound });
}

export function scalarArray(type: ScalarType): ScalarArrayDesc {
  return SCALAR_ARRAYS.get(type)!;
}

export function boundedArray(type: ScalarType, bound: number): ScalarArrayDesc {
  return Object.freeze({ kind: 'scalarArray', type, arraySize: 'bounded', bound });
}

export function fixedArray(type: ScalarType, size: number): ScalarArrayDesc {
  return Object.freeze({ kind: 'scalarArray', type, arraySize: 'fixed', bound: size });
}

export function structure(id: string, members: Members): StructureDesc {
  const fields = memberList(members);
  const nodes: FieldDesc[] = [];
  const offsets = new Map<string, number>();
  const desc: StructureDesc = Object.freeze({ kind: 'structure', id, fields, nodes, offsets });
  nodes.push(desc);
  for (const { name, type } of fields) {
    const offset = nodes.length;
    offsets.set(name, offset);
    if (type.kind === 'structure') {
      nodes.push(...type.nodes);
      for (const [below, at] of type.offsets) offsets.set(`${name}.${below}`, offset + at);
    } else {
      nodes.push(type);
    }
  }
  Object.freeze(nodes);
  return desc;
}

export function union(id: string, members: Members): UnionDesc {
  return Object.freeze({ kind: 'union', id, members: memberList(members) });
}

export function structureArray(element: StructureDesc): StructureArrayDesc {
  return Object.freeze({ kind: 'structureArray', element });
}

export function unionArray(element: UnionDesc): UnionArrayDesc {
  return Object.freeze({ kind: 'unionArray', element });
}

function memberList(members: Members): readonly FieldMember[] {
  const pairs = Array.isArray(members) ? members : Object.entries(members);
  const names = new Set<string>();
  return Object.freeze(
    pairs.map(([name, type]: readonly [string, FieldDesc]) => {
      if (names.has(name)) throw new TypeError(`field "${name}" appears twice`);
      names.add(name);
      return Object.freeze({ name, type });
    }),
  );
}

/**
 * The sender's half of introspection caching: which types this side has already sent on a
 * connection, under which id. pvAccessCPP caches types this way at any depth; pvxs sends every
 * type in full, which the specification allows too.
 */
export class TypeRegistry {
  private readonly ids = new Map<FieldDesc, number>();

  /** `capacity`: the registry size the peer announced in connection validation. */
  constructor(private readonly capacity = 0x7fff) {}

  idOf(type: FieldDesc): number | undefined {
    return this.ids.get(type);
  }

  /** A new id for `type`, or undefined once the peer's registry is full. */
  register(type: FieldDesc): number | undefined {
    if (this.ids.size >= this.capacity) return undefined;
    const id = this.ids.size + 1;
    this.ids.set(type, id);
    return id;
  }
}

/** The receiver's half: the types the peer defined with FULL_WITH_ID, by id. */
export class TypeCache {
  private readonly types = new Map<number, FieldDesc>();

  get(id: number): FieldDesc {
    const type = this.types.get(id);
    if (type === undefined) throw new ProtocolError(`introspection id ${id} was never defined`);
    return type;
  }

  define(id: number, type: FieldDesc): void {
    this.types.set(id, type);
  }
}

/** As pvAccessCPP: every type but scalars and scalar arrays, whose code is as short as an id. */
const isCached = (type: FieldDesc): boolean => type.kind !== 'scalar' && type.kind !== 'scalarArray';

/** Writes introspection data: NULL for no type, else the FieldDesc, cached if a registry is given. */
export function encodeType(writer: ByteWriter, type: FieldDesc | null, registry?: TypeRegistry): void {
  if (type === null) {
    writer.uint8(TypeCode.NULL);
    return;
  }
  if (registry !== undefined && isCached(type)) {
    const known = registry.idOf(type);
    if (known !== undefined) {
      writer.uint8(TypeCode.ONLY_ID);
      writer.int16(known);
      return;
    }
    const id = registry.register(type);
    if (id !== undefined) {
      writer.uint8(TypeCode.FULL_WITH_ID);
      writer.int16(id);
    }
  }
  switch (type.kind) {
    case 'scalar':
      if (type.bound === undefined) {
        writer.uint8(SCALAR_TYPE_CODES[type.type]);
      } else {
        writer.uint8(TypeCode.BOUNDED_STRING);
        writer.size(type.bound);
      }
      return;
    case 'scalarArray':
      writer.uint8(SCALAR_TYPE_CODES[type.type] | ARRAY_FLAGS[type.arraySize]);
      if (type.arraySize !== 'variable') writer.size(type.bound!);
      return;
    case 'structure':
      writer.uint8(TypeCode.STRUCTURE);
      encodeMembers(writer, type.id, type.fields, registry);
      return;
    case 'union':
      writer.uint8(TypeCode.UNION);
      encodeMembers(writer, type.id, type.members, registry);
      return;
    case 'any':
      writer.uint8(TypeCode.VARIANT_UNION);
      return;
    case 'structureArray':
      writer.uint8(TypeCode.STRUCTURE_ARRAY);
      encodeType(writer, type.element, registry);
      return;
    case 'unionArray':
      writer.uint8(TypeCode.UNION_ARRAY);
      encodeType(writer, type.element, registry);
      return;
    case 'anyArray':
      writer.uint8(TypeCode.VARIANT_UNION_ARRAY);
      return;
  }
}

const ARRAY_FLAGS: Readonly<Record<ArraySize, number>> = {
  variable: ArrayFlag.VARIABLE,
  bounded: ArrayFlag.BOUNDED,
  fixed: ArrayFlag.FIXED,
};

function encodeMembers(writer: ByteWriter, id: string, members: readonly FieldMember[], registry?: TypeRegistry): void {
  writer.string(id);
  writer.size(members.length);
  for (const member of members) {
    writer.string(member.name);
    encodeType(writer, member.type, registry);
  }
}

/** Reads introspection data: null for NULL_TYPE_CODE, else the type, using and filling `cache`. */
export function decodeType(reader: ByteReader, cache: TypeCache, depth = 0): FieldDesc | null {
  if (depth > MAX_NESTING_DEPTH) throw new ProtocolError(`types nested deeper than ${MAX_NESTING_DEPTH}`);
  const code = reader.uint8();
  switch (code) {
    case TypeCode.NULL:
      return null;
    case TypeCode.ONLY_ID:
      return cache.get(reader.int16());
    case TypeCode.FULL_WITH_ID: {
      const id = reader.int16();
      const type = requireType(decodeType(reader, cache, depth + 1), 'FULL_WITH_ID');
      cache.define(id, type);
      return type;
    }
    case TypeCode.FULL_TAGGED_ID:
      // Meant for unreliable transports only; no peer sends it, and its tag has no defined width.
      throw new ProtocolError('FULL_TAGGED_ID introspection is not supported');
    default:
      return decodeFieldDesc(reader, code, cache, depth);
  }
}

function requireType(type: FieldDesc | null, where: string): FieldDesc {
  if (type === null) throw new ProtocolError(`NULL type in ${where}`);
  return type;
}

function decodeFieldDesc(reader: ByteReader, code: number, cache: TypeCache, depth: number): FieldDesc {
  switch (code) {
    case TypeCode.STRUCTURE:
    case TypeCode.UNION: {
      const id = reader.string();
      const members = decodeMembers(reader, cache, depth);
      return build(() => (code === TypeCode.STRUCTURE ? structure(id, members) : union(id, members)));
    }
    case TypeCode.VARIANT_UNION:
      return VARIANT_UNION;
    case TypeCode.BOUNDED_STRING:
      return boundedString(reader.size());
    case TypeCode.STRUCTURE_ARRAY: {
      const element = requireType(decodeType(reader, cache, depth + 1), 'structure array');
      if (element.kind !== 'structure') throw new ProtocolError(`structure array of ${element.kind}`);
      return structureArray(element);
    }
    case TypeCode.UNION_ARRAY: {
      const element = requireType(decodeType(reader, cache, depth + 1), 'union array');
      if (element.kind !== 'union') throw new ProtocolError(`union array of ${element.kind}`);
      return unionArray(element);
    }
    case TypeCode.VARIANT_UNION_ARRAY:
      return VARIANT_UNION_ARRAY;
  }
  const type = SCALAR_TYPE_BY_CODE.get(code & ~ArrayFlag.MASK);
  if (type === undefined) throw new ProtocolError(`unknown type code 0x${code.toString(16)}`);
  switch (code & ArrayFlag.MASK) {
    case 0:
      return scalar(type);
    case ArrayFlag.VARIABLE:
      return scalarArray(type);
    case ArrayFlag.BOUNDED:
      return boundedArray(type, reader.size());
    default:
      return fixedArray(type, reader.size());
  }
}

function decodeMembers(reader: ByteReader, cache: TypeCache, depth: number): [string, FieldDesc][] {
  const count = reader.size();
  reader.need(count * 2, `${count} fields`); // a name's Size and a type code at least
  const members: [string, FieldDesc][] = [];
  for (let i = 0; i < count; i++) {
    const name = reader.string();
    members.push([name, requireType(decodeType(reader, cache, depth + 1), `field "${name}"`)]);
  }
  return members;
}

/** A peer's duplicate field names break the protocol rather than our program. */
function build<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof TypeError) throw new ProtocolError(error.message);
    throw error;
  }
}
