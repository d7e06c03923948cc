import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotToHeapProfile } from '../../../src/tracing/dump';
import { Trace } from '../../../src/tracing/frames';
import type { ProfileNode } from '../../../src/tracing/protocol';
import { Snapshot } from '../../../src/tracing/snapshot';
import { readProfile, type ReadProfile } from '../../helpers/pprof';
import { frame, trace } from './synthetic';

// profile.proto (github.com/google/pprof/proto/profile.proto): location ids newest frame first,
// string index 0 is "", `go tool pprof` shows the default sample type. Go's heap profiles
// (runtime/pprof) name their sample types alloc_objects/alloc_space/inuse_objects/inuse_space in
// count/bytes, with `space`/`bytes` as the period type; Pyroscope reads the same names.

const main = frame('main', '/srv/app/main.js', 3);
const fill = frame('fill', '/srv/app/fill.js', 10);
const cache = frame('cachePut', '/srv/app/cache.js', 21);

function externalTrace(size: number, count: number): Trace {
  const { stack, depth } = trace(size, count, [main, cache]);
  return new Trace(size, count, stack, depth, { external: true, samples: count, uncertainty: size / 10, pooledSamples: 0 });
}

/** One literal for both snapshots: a Snapshot is a class, so it is not spread. */
const fields: ConstructorParameters<typeof Snapshot>[0] = {
  traces: [trace(1264128.4, 10.3, [main, fill]), trace(8192, 4, [main]), trace(100_000, 2, [main, cache]), externalTrace(5_000_000, 60)],
  tracebackLimit: 8,
  takenAt: new Date(1_700_000_000_000),
  heap: null,
  samplingInterval: 65536,
  mode: 'live',
  external: { samplingInterval: 131072, attributed: 5_000_000, arrayBuffers: 5_200_000, residual: 200_000, poolSize: 8192 },
};
const snapshot = new Snapshot(fields);

interface Decoded extends ReadProfile {
  /** Each sample as [its stack's function names newest first, memory label, objects, bytes]. */
  samples: Array<[string[], string, number, number]>;
}

function decode(file: Buffer): Decoded {
  const read = readProfile(file);
  const samples = read.profile.sample.map((sample): [string[], string, number, number] => [
    sample.locationId.map((locationId) => read.functionAt(locationId).name),
    read.memoryOf(sample),
    Number(sample.value[0]),
    Number(sample.value[1]),
  ]);
  return { ...read, samples };
}

function heapProfileTotal(node: ProfileNode): number {
  return node.children.reduce((sum, child) => sum + heapProfileTotal(child), node.selfSize);
}

describe('the pprof dump', () => {
  let directory: string;
  let decoded: Decoded;
  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-pprof-'));
    const file = path.join(directory, 'x.pb.gz');
    await snapshot.dump(file, 'pprof');
    decoded = decode(fs.readFileSync(file));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("is gzip, with Go heap profiles' sample types, inuse_space shown first, and the V8 interval as the period", () => {
    const { profile, text } = decoded;
    expect(profile.sampleType.map((type) => [text(type.type), text(type.unit)])).toEqual([
      ['inuse_objects', 'count'],
      ['inuse_space', 'bytes'],
    ]);
    expect(text(profile.defaultSampleType)).toBe('inuse_space');
    expect([text(profile.periodType!.type), text(profile.periodType!.unit), Number(profile.period)]).toEqual(['space', 'bytes', 65536]);
    expect(Number(profile.timeNanos)).toBe(1_700_000_000_000 * 1e6);
    expect(profile.comment.map(text).join('\n')).toMatch(
      /one sample per 65536 bytes[\s\S]*where the allocating function starts[\s\S]*memory=external[^\n]*131072 bytes/,
    );
  });

  it("has the heap profile's totals: bytes per sample within rounding, objects rounded", () => {
    const bytes = decoded.samples.reduce((sum, [, , , size]) => sum + size, 0);
    expect(Math.abs(bytes - heapProfileTotal(snapshotToHeapProfile(snapshot).head))).toBeLessThanOrEqual(0.5 * snapshot.traces.length);
    expect(decoded.samples.map(([, , objects]) => objects)).toEqual([10, 4, 2, 60]);
  });

  it('labels the Buffer contents external and the rest heap, on stacks newest frame first', () => {
    expect(decoded.samples.map(([stack, memory, , size]) => [stack, memory, size])).toEqual([
      [['fill', 'main'], 'heap', 1264128],
      [['main'], 'heap', 8192],
      [['cachePut', 'main'], 'heap', 100_000],
      [['cachePut', 'main'], 'external', 5_000_000],
    ]);
  });

  it('gives each function one location with its file and line, shared by every stack it is on', () => {
    const { profile, text } = decoded;
    const described = profile.function.map((fn) => [text(fn.name), text(fn.filename), Number(fn.startLine)]);
    expect(described).toEqual([
      ['fill', '/srv/app/fill.js', 10],
      ['main', '/srv/app/main.js', 3],
      ['cachePut', '/srv/app/cache.js', 21],
    ]);
    expect(profile.location.map((location) => [Number(location.line[0]?.functionId), Number(location.line[0]?.line)])).toEqual([
      [1, 10],
      [2, 3],
      [3, 21],
    ]);
  });

  it("names allocated mode's sample types alloc_objects and alloc_space", async () => {
    const file = path.join(directory, 'allocated.pb.gz');
    await new Snapshot({ ...fields, mode: 'allocated' }).dump(file, 'pprof');
    const { profile, text } = decode(fs.readFileSync(file));
    expect(profile.sampleType.map((type) => text(type.type))).toEqual(['alloc_objects', 'alloc_space']);
    expect(text(profile.defaultSampleType)).toBe('alloc_space');
  });
});
