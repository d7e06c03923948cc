import type { BitSet } from './bit-set';
import type { NumericArrayType } from './byte-reader';
import type { NumericArray } from './byte-writer';
import type { FieldDesc, ScalarType, StructureDesc, UnionDesc } from './type-descriptor';

// pvData values: a PVStructure keeps its values flat, one slot per BitSet bit, so that a
// changed-BitSet addresses them directly; structure nodes hold null.
//
// JavaScript types of the values, by field type:
//   boolean                      boolean
//   byte..uint, float, double    number
//   long, ulong                  bigint
//   string                       string
//   arrays                       Int8Array..Float64Array, BigInt64Array, BigUint64Array,
//                                boolean[] and string[]
//   structure                    PVStructure (inside unions and structure arrays)
//   union, any                   UnionValue, VariantValue, or null for no value
//   structure/union/any arrays   arrays of the above, null elements allowed

export type ScalarValue = boolean | number | bigint | string;
export type ScalarArrayValue = NumericArray | readonly boolean[] | readonly string[];

export interface UnionValue {
  /** Index of the member in the UnionDesc. */
  readonly selector: number;
  readonly value: PVField;
}

/** A variant union's value, which is also how "FieldDesc then PVField" pairs are read. */
export interface VariantValue {
  readonly type: FieldDesc;
  readonly value: PVField;
}

export type PVField =
  | ScalarValue
  | ScalarArrayValue
  | PVStructure
  | UnionValue
  | VariantValue
  | null
  | readonly (PVStructure | null)[]
  | readonly (UnionValue | null)[]
  | readonly (VariantValue | null)[];

/** A structure's fields as a plain object, nested structures as nested objects. */
export type PlainStructure = { readonly [name: string]: unknown };

/** The typed array each numeric scalar type's arrays are held in. */
export const NUMERIC_ARRAY_TYPES: Readonly<Partial<Record<ScalarType, NumericArrayType<NumericArray>>>> = {
  byte: Int8Array,
  ubyte: Uint8Array,
  short: Int16Array,
  ushort: Uint16Array,
  int: Int32Array,
  uint: Uint32Array,
  long: BigInt64Array,
  ulong: BigUint64Array,
  float: Float32Array,
  double: Float64Array,
};

export class PVStructure {
  /** One value per node of `type.nodes`; only the leaves' are used. */
  readonly values: PVField[];

  constructor(readonly type: StructureDesc) {
    this.values = type.nodes.map(defaultValue);
  }

  /** The bit of a field by dotted name. */
  bitOf(name: string): number {
    const bit = this.type.offsets.get(name);
    if (bit === undefined) throw new TypeError(`${this.type.id || 'structure'} has no field "${name}"`);
    return bit;
  }

  get(name: string): PVField {
    const bit = this.bitOf(name);
    if (this.type.nodes[bit]!.kind === 'structure') throw new TypeError(`"${name}" is a structure`);
    return this.values[bit]!;
  }

  /** Stores a value, converted to its field's type; see `assign` for `changed`. */
  set(name: string, value: unknown, changed?: BitSet): void {
    const bit = this.bitOf(name);
    const node = this.type.nodes[bit]!;
    if (node.kind === 'structure') assignAt(this, bit, value, changed);
    else store(this, bit, node, value, changed);
  }

  /**
   * Stores the fields present in `fields` (nested objects for sub-structures, or dotted names),
   * each converted to its field's type as pvData would (integers wrap, numbers become bigint for
   * long). Marks in `changed` the bit of every field whose value is new: a scalar equal to the
   * old one is not, an array always is.
   */
  assign(fields: PlainStructure, changed?: BitSet): void {
    assignAt(this, 0, fields, changed);
  }

  toPlain(): PlainStructure {
    return plainAt(this, 0);
  }
}

function assignAt(pv: PVStructure, base: number, fields: unknown, changed: BitSet | undefined): void {
  if (typeof fields !== 'object' || fields === null) throw new TypeError(`a structure needs an object, not ${String(fields)}`);
  const desc = pv.type.nodes[base] as StructureDesc;
  for (const name in fields) {
    const offset = desc.offsets.get(name);
    if (offset === undefined) throw new TypeError(`${desc.id || 'structure'} has no field "${name}"`);
    const bit = base + offset;
    const node = pv.type.nodes[bit]!;
    const value = (fields as PlainStructure)[name];
    if (node.kind === 'structure') assignAt(pv, bit, value, changed);
    else store(pv, bit, node, value, changed);
  }
}

function store(pv: PVStructure, bit: number, node: FieldDesc, value: unknown, changed: BitSet | undefined): void {
  const next = coerce(node, value);
  if (node.kind === 'scalar' && pv.values[bit] === next) return;
  pv.values[bit] = next;
  changed?.set(bit);
}

function plainAt(pv: PVStructure, base: number): PlainStructure {
  const desc = pv.type.nodes[base] as StructureDesc;
  const plain: Record<string, unknown> = {};
  for (const { name, type } of desc.fields) {
    const bit = base + desc.offsets.get(name)!;
    plain[name] = type.kind === 'structure' ? plainAt(pv, bit) : plainValue(pv.values[bit]!);
  }
  return plain;
}

function plainValue(value: PVField): unknown {
  if (value instanceof PVStructure) return value.toPlain();
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object' && value !== null && 'value' in value) return { ...value, value: plainValue(value.value) };
  return value;
}

/** A new field's value: zero, empty, or null (also the placeholder of structure nodes). */
function defaultValue(desc: FieldDesc): PVField {
  switch (desc.kind) {
    case 'scalar':
      return defaultScalar(desc.type);
    case 'scalarArray': {
      const length = desc.arraySize === 'fixed' ? desc.bound! : 0;
      return coerceScalarArray(
        desc.type,
        Array.from({ length }, () => defaultScalar(desc.type)),
      );
    }
    case 'structure':
    case 'union':
    case 'any':
      return null;
    default:
      return [];
  }
}

/** `value` as the JavaScript type `desc` is held in; TypeError when it cannot be. */
function coerce(desc: FieldDesc, value: unknown): PVField {
  switch (desc.kind) {
    case 'scalar':
      return coerceScalar(desc.type, value);
    case 'scalarArray':
      return coerceScalarArray(desc.type, requireArray(value));
    case 'structure':
      return toStructure(desc, value);
    case 'union':
      return value === null ? null : toUnion(desc, value as UnionValue);
    case 'any':
      return value === null ? null : toVariant(value as VariantValue);
    case 'structureArray':
      return requireArray(value).map((element) => (element === null ? null : toStructure(desc.element, element)));
    case 'unionArray':
      return requireArray(value).map((element) => (element === null ? null : toUnion(desc.element, element as UnionValue)));
    case 'anyArray':
      return requireArray(value).map((element) => (element === null ? null : toVariant(element as VariantValue)));
  }
}

function defaultScalar(type: ScalarType): ScalarValue {
  return type === 'string' ? '' : coerceScalar(type, 0);
}

function coerceScalar(type: ScalarType, value: unknown): ScalarValue {
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return toNumber(value, type) !== 0;
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      throw new TypeError(`a string field needs a string, not ${typeof value}`);
    case 'long':
      return BigInt.asIntN(64, toBigInt(value));
    case 'ulong':
      return BigInt.asUintN(64, toBigInt(value));
    case 'byte':
      return (toNumber(value, type) << 24) >> 24;
    case 'ubyte':
      return toNumber(value, type) & 0xff;
    case 'short':
      return (toNumber(value, type) << 16) >> 16;
    case 'ushort':
      return toNumber(value, type) & 0xffff;
    case 'int':
      return toNumber(value, type) | 0;
    case 'uint':
      return toNumber(value, type) >>> 0;
    case 'float':
      return Math.fround(toNumber(value, type));
    case 'double':
      return toNumber(value, type);
  }
}

function toNumber(value: unknown, type: ScalarType): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TypeError(`a ${type} field needs a number, not ${typeof value}`);
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  const number = toNumber(value, 'long');
  return Number.isFinite(number) ? BigInt(Math.trunc(number)) : 0n;
}

/** Elements converted to the array type of `type`; a typed array of that type as it is. */
export function coerceScalarArray(type: ScalarType, values: ArrayLike<unknown>): ScalarArrayValue {
  const arrayType = NUMERIC_ARRAY_TYPES[type];
  if (arrayType === undefined) return Array.from(values, (value) => coerceScalar(type, value)) as boolean[] | string[];
  if (values instanceof arrayType) return values;
  const array = new arrayType(values.length);
  for (let i = 0; i < values.length; i++) array[i] = coerceScalar(type, values[i]) as never;
  return array;
}

function requireArray(value: unknown): readonly unknown[] {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return value as readonly unknown[];
  throw new TypeError(`an array field needs an array, not ${typeof value}`);
}

function toStructure(desc: StructureDesc, value: unknown): PVStructure {
  if (value instanceof PVStructure) {
    if (value.type !== desc) {
      throw new TypeError(`a ${value.type.id || 'structure'} where ${desc.id || 'another structure'} belongs`);
    }
    return value;
  }
  const pv = new PVStructure(desc);
  pv.assign(value as PlainStructure);
  return pv;
}

function toUnion(desc: UnionDesc, value: UnionValue): UnionValue {
  const member = desc.members[value.selector];
  if (member === undefined) throw new TypeError(`union ${desc.id} has no member ${value.selector}`);
  return { selector: value.selector, value: coerce(member.type, value.value) };
}

function toVariant(value: VariantValue): VariantValue {
  return { type: value.type, value: coerce(value.type, value.value) };
}
