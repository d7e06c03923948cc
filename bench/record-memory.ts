/**
 * Memory per record of the IOC database, in process: the V8 heap a loaded record keeps (the part
 * of bench/db-processing.ts's RSS figure that the record storage decides), and where it goes.
 *
 *   node --expose-gc /tmp/bench-out/bench/record-memory.js [--type ao] [--records 10000] [--breakdown]
 *
 * - heap bytes per record: used heap after a full GC with the records loaded, less before, over N;
 * - `--breakdown`: a heap snapshot before and after the load, the difference of self sizes summed
 *   by V8 node type and constructor name, largest first, per record (takes seconds per 1 000
 *   records).
 */
import * as v8 from 'node:v8';
import { parseArgs } from 'node:util';
import { Database } from '../src/database';

type Gc = () => void;

function collector(): Gc {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  return () => {
    gc();
    gc();
  };
}

function database(type: string, count: number): string {
  return Array.from({ length: count }, (_, index) => `record(${type}, "BENCH:REC:${index}") {}`).join('\n') + '\n';
}

/** Self size by "type:name" over a heap snapshot. */
function selfSizes(): Map<string, { bytes: number; count: number }> {
  const snapshot = JSON.parse(readSnapshot()) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const sums = new Map<string, { bytes: number; count: number }>();
  for (let offset = 0; offset < snapshot.nodes.length; offset += stride) {
    const type = types[0][snapshot.nodes[offset + typeAt]!]!;
    const name = type === 'object' || type === 'native' || type === 'hidden' ? snapshot.strings[snapshot.nodes[offset + nameAt]!]! : '';
    const key = `${type}:${name}`;
    const sum = sums.get(key) ?? { bytes: 0, count: 0 };
    sum.bytes += snapshot.nodes[offset + sizeAt]!;
    sum.count += 1;
    sums.set(key, sum);
  }
  return sums;
}

function readSnapshot(): string {
  const stream = v8.getHeapSnapshot();
  const chunks: Buffer[] = [];
  for (let chunk: Buffer | null; (chunk = stream.read() as Buffer | null) !== null;) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function breakdown(before: Map<string, { bytes: number; count: number }>, after: Map<string, { bytes: number; count: number }>, count: number) {
  return [...after]
    .map(([key, { bytes, count: objects }]) => ({
      what: key,
      bytesPerRecord: (bytes - (before.get(key)?.bytes ?? 0)) / count,
      objectsPerRecord: (objects - (before.get(key)?.count ?? 0)) / count,
    }))
    .filter((row) => Math.abs(row.bytesPerRecord) >= 8)
    .sort((a, b) => b.bytesPerRecord - a.bytesPerRecord);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      type: { type: 'string', default: 'ao' },
      records: { type: 'string', default: '10000' },
      breakdown: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.records);
  const gc = collector();
  const text = database(values.type, count);
  const db = new Database();
  // A first record of the type loaded beforehand, so that per-type tables are not counted.
  db.loadText(`record(${values.type}, "BENCH:FIRST") {}\n`);
  gc();
  const snapshotBefore = values.breakdown ? selfSizes() : undefined;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  db.loadText(text);
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const result: Record<string, unknown> = {
    type: values.type,
    records: count,
    heapBytesPerRecord: Math.round((heapAfter - heapBefore) / count),
  };
  if (snapshotBefore) result.breakdown = breakdown(snapshotBefore, selfSizes(), count).slice(0, 25);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!db.hasRecord('BENCH:REC:0')) process.exitCode = 1;
}

main();
