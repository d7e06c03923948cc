import { BitSet } from './codec/bit-set';
import type { PVStructure, ScalarValue } from './codec/pv-structure';
import type { StructureDesc } from './codec/type-descriptor';

// The pvRequest a client sends with an operation's INIT: a structure whose "field" member names
// the fields it wants as empty sub-structures (field(value,alarm.severity) becomes
// field{value{}, alarm{severity{}}}) and whose record._options holds options such as queueSize
// and pipeline, as strings from pvAccessCPP clients and as typed values from pvxs ones.

/** A pvRequest the server cannot honour: the operation fails with this message. */
export class PvRequestError extends Error {
  override readonly name = 'PvRequestError';
}

export interface PvRequest {
  /** Dotted names of the requested fields; empty for every field. */
  readonly fields: readonly string[];
  /** record._options as sent. */
  readonly options: ReadonlyMap<string, ScalarValue>;
  /** Monitor queue size; undefined when absent or not an integer of at least 2 (pvxs's minimum). */
  readonly queueSize: number | undefined;
  /** Monitor flow control by acknowledgement (subcommand 0x80). */
  readonly pipeline: boolean;
  /** Whether a PUT processes the record: "passive" leaves it to the field's PP attribute. */
  readonly process: boolean | 'passive' | undefined;
  /** Whether a PUT completes only once processing has. */
  readonly block: boolean | undefined;
  /** Options that were present with a value they cannot take, for a warning MESSAGE. */
  readonly invalidOptions: readonly string[];
}

const OPTIONS = '_options';
const MIN_QUEUE_SIZE = 2;

/** Reads a pvRequest; null (a NULL type) requests everything with no options. */
export function parsePvRequest(request: PVStructure | null): PvRequest {
  const options = new Map<string, ScalarValue>();
  const invalidOptions: string[] = [];
  if (request === null) return settle([], options, invalidOptions);
  const type = request.type;
  const fieldBit = type.offsets.get('field');
  let fields: string[] = [];
  if (fieldBit !== undefined) {
    const field = type.nodes[fieldBit]!;
    if (field.kind !== 'structure') throw new PvRequestError('pvRequest "field" is not a structure');
    fields = requestedFields(field, '');
  }
  const optionsBit = type.offsets.get(`record.${OPTIONS}`);
  const optionsNode = optionsBit === undefined ? undefined : type.nodes[optionsBit];
  if (optionsBit !== undefined && optionsNode?.kind === 'structure') {
    for (const { name, type: optionType } of optionsNode.fields) {
      const value = request.values[optionsBit + optionsNode.offsets.get(name)!] as ScalarValue;
      if (optionType.kind === 'scalar') options.set(name, value);
      else invalidOptions.push(name);
    }
  }
  return settle(fields, options, invalidOptions);
}

/** The leaves of the "field" tree: structures with nothing below but their own _options. */
function requestedFields(node: StructureDesc, prefix: string): string[] {
  const names: string[] = [];
  for (const { name, type } of node.fields) {
    if (type.kind !== 'structure' || name === OPTIONS) continue;
    const below = requestedFields(type, `${prefix}${name}.`);
    names.push(...(below.length === 0 ? [prefix + name] : below));
  }
  return names;
}

function settle(fields: string[], options: Map<string, ScalarValue>, invalidOptions: string[]): PvRequest {
  const option = <T>(name: string, parse: (value: ScalarValue) => T | undefined): T | undefined => {
    const value = options.get(name);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) invalidOptions.push(name);
    return parsed;
  };
  const queueSize = option('queueSize', (value) => {
    const size = toInteger(value);
    return size !== undefined && size >= MIN_QUEUE_SIZE ? size : undefined;
  });
  const pipeline = option('pipeline', toBoolean) ?? false;
  const process = option('process', (value) => (value === 'passive' ? 'passive' : toBoolean(value)));
  const block = option('block', toBoolean);
  return { fields, options, queueSize, pipeline, process, block, invalidOptions };
}

function toInteger(value: ScalarValue): number | undefined {
  const number = typeof value === 'string' ? (/^\s*\d+\s*$/.test(value) ? Number(value) : NaN) : Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

/** As pvData converts to boolean: integers by non-zero, strings only "true" and "false". */
function toBoolean(value: ScalarValue): boolean | undefined {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    default:
      return Number.isInteger(Number(value)) ? Number(value) !== 0 : undefined;
  }
}

/**
 * The fields of `type` a request selects, as a BitSet whose set structure bits stand for their
 * whole sub-tree (what encodePartial takes): bit 0 when it asks for everything. Names the type
 * lacks are passed over, as pvxs does; a request that finds none fails.
 */
export function selectFields(type: StructureDesc, request: PvRequest): BitSet {
  const selected = new BitSet();
  if (request.fields.length === 0) return selected.set(0);
  for (const name of request.fields) {
    const bit = type.offsets.get(name);
    if (bit !== undefined) selected.set(bit);
  }
  if (selected.isEmpty()) {
    const requested = request.fields.join(', ');
    throw new PvRequestError(`pvRequest selects none of the fields of ${type.id || 'the structure'}: ${requested}`);
  }
  return selected;
}
