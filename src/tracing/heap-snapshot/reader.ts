import * as fs from 'node:fs';

/** The `snapshot.meta` part of a .heapsnapshot: field names and the enumerations of types. */
export interface HeapSnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  location_fields?: string[];
}

/**
 * A parsed .heapsnapshot as typed arrays, one per field used, indexed by node (or edge) ordinal
 * rather than by V8's flat offsets. Edges of node i are firstEdge[i] … firstEdge[i + 1] − 1.
 */
export interface RawHeapSnapshot {
  nodeCount: number;
  edgeCount: number;
  nodeTypeNames: string[];
  edgeTypeNames: string[];
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  nodeId: Uint32Array;
  /** Float64: an ArrayBuffer's backing store can exceed 4 GiB. */
  selfSize: Float64Array;
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  /** A string index, or the element/hidden index for those edge types. */
  edgeName: Uint32Array;
  /** The target's node ordinal. */
  edgeTo: Uint32Array;
  strings: string[];
  /** Node ordinal → [script id, line, column] (0-based), for closures. */
  locations: Map<number, [number, number, number]>;
}

const enum State {
  Header,
  Key,
  Numbers,
  Strings,
  Skip,
  Done,
}

type NumberSink = (value: number) => void;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const NODES_KEY = Buffer.from('"nodes"');

/**
 * Reads a .heapsnapshot as a stream of bytes into typed arrays, without ever holding its JSON text
 * or an object tree: a V8 snapshot is a header object followed by flat arrays of integers and one
 * array of strings, so a small state machine per byte is all it takes. Memory is the arrays
 * themselves (sized from the header's counts) plus the strings.
 */
export class HeapSnapshotReader {
  private state = State.Header;
  private header: Buffer[] = [];
  private key = '';
  private keyBytes: number[] = [];
  private inKeyString = false;
  private depth = 0;
  private value = 0;
  private inNumber = false;
  private sink: NumberSink = () => undefined;
  private stringParts: Buffer[] = [];
  private inString = false;
  private escaped = false;
  private hasEscape = false;
  private snapshot: RawHeapSnapshot | undefined;
  private nodeFieldCount = 0;
  private edgeFieldCount = 0;
  private meta: HeapSnapshotMeta | undefined;
  private nodesSeen = 0;
  private edgesSeen = 0;
  private locationValues: number[] = [];

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case State.Header:
          at = this.readHeader(chunk, at);
          break;
        case State.Key:
          at = this.readKey(chunk, at);
          break;
        case State.Numbers:
          at = this.readNumbers(chunk, at);
          break;
        case State.Strings:
          at = this.readStrings(chunk, at);
          break;
        case State.Skip:
          at = this.skipArray(chunk, at);
          break;
        case State.Done:
          return;
      }
    }
  }

  /** The snapshot, once every byte has been pushed; throws if the file was cut off or malformed. */
  end(): RawHeapSnapshot {
    if (this.state !== State.Done || !this.snapshot) throw new Error('the heap snapshot is incomplete: it ends before its strings');
    if (this.nodesSeen !== this.snapshot.nodeCount * this.nodeFieldCount)
      throw new Error(`the heap snapshot has ${this.nodesSeen / this.nodeFieldCount} nodes, its header says ${this.snapshot.nodeCount}`);
    if (this.edgesSeen !== this.snapshot.edgeCount * this.edgeFieldCount)
      throw new Error(`the heap snapshot has ${this.edgesSeen / this.edgeFieldCount} edges, its header says ${this.snapshot.edgeCount}`);
    const { firstEdge, nodeCount } = this.snapshot;
    // Until now firstEdge held each node's edge count.
    let total = 0;
    for (let node = 0; node < nodeCount; node++) {
      const count = firstEdge[node]!;
      firstEdge[node] = total;
      total += count;
    }
    firstEdge[nodeCount] = total;
    if (total !== this.snapshot.edgeCount) throw new Error(`the heap snapshot's nodes own ${total} edges, its header says ${this.snapshot.edgeCount}`);
    return this.snapshot;
  }

  private readHeader(chunk: Buffer, at: number): number {
    this.header.push(at === 0 ? chunk : chunk.subarray(at));
    const text = Buffer.concat(this.header);
    const found = text.indexOf(NODES_KEY);
    if (found < 0) {
      if (text.length > 1 << 20) throw new Error('not a V8 heap snapshot: no "nodes" within its first MiB');
      this.header = [text];
      return chunk.length;
    }
    const head = text.toString('utf8', 0, found).replace(/,\s*$/, '');
    let parsed: { snapshot?: { meta?: HeapSnapshotMeta; node_count?: number; edge_count?: number } };
    try {
      parsed = JSON.parse(head + '}') as typeof parsed;
    } catch (error) {
      throw new Error(`not a V8 heap snapshot: its header is not JSON (${(error as Error).message})`);
    }
    this.start(parsed.snapshot);
    this.header = [];
    this.state = State.Key;
    // The rest, from "nodes" on, may begin in an earlier chunk: read it from the joined bytes.
    this.push(text.subarray(found));
    return chunk.length;
  }

  private start(header: { meta?: HeapSnapshotMeta; node_count?: number; edge_count?: number } | undefined): void {
    const meta = header?.meta;
    if (
      !meta ||
      !Array.isArray(meta.node_fields) ||
      !Array.isArray(meta.edge_fields) ||
      typeof header.node_count !== 'number' ||
      typeof header.edge_count !== 'number'
    ) {
      throw new Error('not a V8 heap snapshot: its header has no meta, node_count or edge_count');
    }
    for (const field of ['type', 'name', 'id', 'self_size', 'edge_count']) {
      if (!meta.node_fields.includes(field)) throw new Error(`unsupported heap snapshot: nodes have no ${field} field`);
    }
    for (const field of ['type', 'name_or_index', 'to_node']) {
      if (!meta.edge_fields.includes(field)) throw new Error(`unsupported heap snapshot: edges have no ${field} field`);
    }
    this.meta = meta;
    this.nodeFieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    const nodeCount = header.node_count;
    const edgeCount = header.edge_count;
    this.snapshot = {
      nodeCount,
      edgeCount,
      nodeTypeNames: meta.node_types[0],
      edgeTypeNames: meta.edge_types[0],
      nodeType: new Uint8Array(nodeCount),
      nodeName: new Uint32Array(nodeCount),
      nodeId: new Uint32Array(nodeCount),
      selfSize: new Float64Array(nodeCount),
      firstEdge: new Uint32Array(nodeCount + 1),
      edgeType: new Uint8Array(edgeCount),
      edgeName: new Uint32Array(edgeCount),
      edgeTo: new Uint32Array(edgeCount),
      strings: [],
      locations: new Map(),
    };
  }

  private readKey(chunk: Buffer, at: number): number {
    while (at < chunk.length) {
      const byte = chunk[at++]!;
      if (this.inKeyString) {
        if (byte === QUOTE) {
          this.inKeyString = false;
          this.key = Buffer.from(this.keyBytes).toString('utf8');
          this.keyBytes = [];
        } else this.keyBytes.push(byte);
      } else if (byte === QUOTE) this.inKeyString = true;
      else if (byte === OPEN) {
        this.enterArray(this.key);
        return at;
      } else if (byte === 0x7d /* } */) {
        this.state = State.Done;
        return chunk.length;
      }
    }
    return at;
  }

  private enterArray(key: string): void {
    this.depth = 1;
    this.inNumber = false;
    this.value = 0;
    if (key === 'nodes') this.beginNumbers(this.nodeSink());
    else if (key === 'edges') this.beginNumbers(this.edgeSink());
    else if (key === 'locations') this.beginNumbers((value) => this.locationValues.push(value));
    else if (key === 'strings') this.state = State.Strings;
    else this.state = State.Skip;
  }

  private beginNumbers(sink: NumberSink): void {
    this.sink = sink;
    this.state = State.Numbers;
  }

  private nodeSink(): NumberSink {
    const snapshot = this.snapshot!;
    const fields = this.meta!.node_fields;
    const width = this.nodeFieldCount;
    const type = fields.indexOf('type');
    const name = fields.indexOf('name');
    const id = fields.indexOf('id');
    const size = fields.indexOf('self_size');
    const edges = fields.indexOf('edge_count');
    return (value) => {
      const seen = this.nodesSeen++;
      const node = (seen / width) | 0;
      if (node >= snapshot.nodeCount) throw new Error(`the heap snapshot has more nodes than its header's ${snapshot.nodeCount}`);
      const field = seen - node * width;
      if (field === type) snapshot.nodeType[node] = value;
      else if (field === name) snapshot.nodeName[node] = value;
      else if (field === id) snapshot.nodeId[node] = value;
      else if (field === size) snapshot.selfSize[node] = value;
      else if (field === edges) snapshot.firstEdge[node] = value;
    };
  }

  private edgeSink(): NumberSink {
    const snapshot = this.snapshot!;
    const fields = this.meta!.edge_fields;
    const width = this.edgeFieldCount;
    const nodeWidth = this.nodeFieldCount;
    const type = fields.indexOf('type');
    const name = fields.indexOf('name_or_index');
    const to = fields.indexOf('to_node');
    return (value) => {
      const seen = this.edgesSeen++;
      const edge = (seen / width) | 0;
      if (edge >= snapshot.edgeCount) throw new Error(`the heap snapshot has more edges than its header's ${snapshot.edgeCount}`);
      const field = seen - edge * width;
      if (field === type) snapshot.edgeType[edge] = value;
      else if (field === name) snapshot.edgeName[edge] = value;
      // to_node is a flat offset into nodes: divide by the node width.
      else if (field === to) snapshot.edgeTo[edge] = value / nodeWidth;
    };
  }

  private readNumbers(chunk: Buffer, at: number): number {
    let value = this.value;
    let inNumber = this.inNumber;
    const sink = this.sink;
    while (at < chunk.length) {
      const byte = chunk[at++]!;
      if (byte >= 0x30 && byte <= 0x39) {
        value = value * 10 + (byte - 0x30);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        sink(value);
        value = 0;
        inNumber = false;
      }
      if (byte === CLOSE) {
        this.finishNumbers();
        this.value = 0;
        this.inNumber = false;
        return at;
      }
      if (byte === OPEN || byte === 0x2d /* - */ || byte === 0x2e /* . */)
        throw new Error(`unexpected "${String.fromCharCode(byte)}" in the heap snapshot's ${this.key}`);
    }
    this.value = value;
    this.inNumber = inNumber;
    return at;
  }

  private finishNumbers(): void {
    this.state = State.Key;
    if (this.key !== 'locations') return;
    const fields = this.meta!.location_fields ?? ['object_index', 'script_id', 'line', 'column'];
    const width = fields.length;
    const object = fields.indexOf('object_index');
    const script = fields.indexOf('script_id');
    const line = fields.indexOf('line');
    const column = fields.indexOf('column');
    const values = this.locationValues;
    for (let at = 0; at + width <= values.length; at += width) {
      // object_index is an offset into nodes, like to_node (not a node ordinal).
      this.snapshot!.locations.set(values[at + object]! / this.nodeFieldCount, [values[at + script]!, values[at + line]!, values[at + column]!]);
    }
    this.locationValues = [];
  }

  private skipArray(chunk: Buffer, at: number): number {
    while (at < chunk.length) {
      const byte = chunk[at++]!;
      if (byte === OPEN) this.depth++;
      else if (byte === CLOSE && --this.depth === 0) {
        this.state = State.Key;
        return at;
      }
    }
    return at;
  }

  private readStrings(chunk: Buffer, at: number): number {
    while (at < chunk.length) {
      if (!this.inString) {
        const byte = chunk[at++]!;
        if (byte === QUOTE) {
          this.inString = true;
          this.hasEscape = false;
          this.escaped = false;
        } else if (byte === CLOSE) {
          this.state = State.Key;
          return at;
        }
        continue;
      }
      const start = at;
      let escaped = this.escaped;
      while (at < chunk.length) {
        const byte = chunk[at]!;
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) {
          escaped = true;
          this.hasEscape = true;
        } else if (byte === QUOTE) break;
        at++;
      }
      this.escaped = escaped;
      if (at === chunk.length) {
        this.stringParts.push(Buffer.from(chunk.subarray(start)));
        return at;
      }
      const tail = chunk.subarray(start, at);
      const bytes = this.stringParts.length > 0 ? Buffer.concat([...this.stringParts, tail]) : tail;
      this.stringParts = [];
      const text = bytes.toString('utf8');
      this.snapshot!.strings.push(this.hasEscape ? (JSON.parse(`"${text}"`) as string) : text);
      this.inString = false;
      at++;
    }
    return at;
  }
}

/** Reads a .heapsnapshot file in 1 MiB chunks. */
export async function readHeapSnapshot(file: string): Promise<RawHeapSnapshot> {
  const reader = new HeapSnapshotReader();
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) reader.push(chunk as Buffer);
  return reader.end();
}

/** Parses a snapshot held in memory (tests, small files). */
export function parseHeapSnapshot(text: string | Buffer): RawHeapSnapshot {
  const reader = new HeapSnapshotReader();
  reader.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  return reader.end();
}
