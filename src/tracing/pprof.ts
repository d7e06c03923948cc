import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Function as PprofFunction, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { Frame, StackNode, Trace } from './frames';
import type { Snapshot } from './snapshot';

const gzipAsync = promisify(gzip);

/** The `memory` label's values: which sampler saw the sample, in Node's own words (`process.memoryUsage()`). */
export const PPROF_MEMORY_LABEL = 'memory';
export const PPROF_HEAP = 'heap';
export const PPROF_EXTERNAL = 'external';

/**
 * The snapshot as a pprof profile (profile.proto), as `go tool pprof` and Grafana Pyroscope read
 * heap profiles: Go's sample types (`inuse_objects`/`inuse_space` in live mode, `alloc_objects`/
 * `alloc_space` in allocated mode), `inuse_space` (or `alloc_space`) shown by default, stacks newest
 * frame first, and V8's sampling interval as the period. Every sample carries a `memory` label,
 * `heap` or `external` (Buffer and ArrayBuffer contents), for `-tagfocus`/`-tagignore` and
 * Pyroscope's label filters. The same traces as the `.heapprofile` dump, so the totals agree.
 */
export function snapshotToPprof(snapshot: Snapshot): Profile {
  const strings = new StringTable();
  const valueType = (type: string, unit: string) => new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) });
  const table = new LocationTable(strings);
  const memoryKey = strings.dedup(PPROF_MEMORY_LABEL);
  const labels = {
    heap: [new Label({ key: memoryKey, str: strings.dedup(PPROF_HEAP) })],
    external: [new Label({ key: memoryKey, str: strings.dedup(PPROF_EXTERNAL) })],
  };
  const sample = snapshot.traces.map(
    (trace) =>
      new Sample({
        locationId: table.stack(trace),
        value: [Math.round(trace.count), Math.round(trace.size)],
        label: trace.external ? labels.external : labels.heap,
      }),
  );
  const kind = snapshot.mode === 'live' ? 'inuse' : 'alloc';
  return new Profile({
    sampleType: [valueType(`${kind}_objects`, 'count'), valueType(`${kind}_space`, 'bytes')],
    defaultSampleType: strings.dedup(`${kind}_space`),
    sample,
    location: table.locations,
    function: table.functions,
    timeNanos: BigInt(snapshot.takenAt.getTime()) * 1_000_000n,
    periodType: valueType('space', 'bytes'),
    period: snapshot.samplingInterval,
    comment: comments(snapshot).map((comment) => strings.dedup(comment)),
    stringTable: strings,
  });
}

/** The profile encoded and gzipped, as pprof files are stored (`.pb.gz`). */
export async function encodePprof(profile: Profile): Promise<Buffer> {
  return gzipAsync(await profile.encodeAsync());
}

/** What a reader of the profile must know to read its figures right (`go tool pprof -comments`). */
function comments(snapshot: Snapshot): string[] {
  const lines = [
    `memtrace-ioc: sizes and counts are estimates from V8's sampling heap profiler, one sample per ${snapshot.samplingInterval} bytes on average`,
    'line numbers are where the allocating function starts (V8 records no finer position); functions TurboFan inlined are credited to their callers',
  ];
  if (snapshot.external) {
    lines.push(
      `external memory (label memory=external): Buffer and ArrayBuffer contents, one sample per ${snapshot.external.samplingInterval} bytes on average`,
    );
  }
  return lines;
}

/** One pprof function per JS function and one location per function (V8 gives no finer position). */
class LocationTable {
  readonly functions: PprofFunction[] = [];
  readonly locations: Location[] = [];
  private readonly ids = new Map<string, number>();
  private readonly strings: StringTable;

  constructor(strings: StringTable) {
    this.strings = strings;
  }

  /** The trace's location ids, newest frame first, as profile.proto orders them. */
  stack(trace: Trace): number[] {
    const ids: number[] = [];
    let node: StackNode | null = trace.stack;
    for (let i = 0; i < trace.depth && node; i++, node = node.parent) ids.push(this.locationOf(node.frame));
    return ids;
  }

  private locationOf(frame: Frame): number {
    // Two closures on one line differ by column.
    const key = `${frame.functionName}\n${frame.file}\n${frame.line}\n${frame.column}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.locations.length + 1;
      const name = this.strings.dedup(frame.functionName || '(anonymous)');
      this.functions.push(new PprofFunction({ id, name, systemName: name, filename: this.strings.dedup(frame.file), startLine: frame.line }));
      this.locations.push(new Location({ id, line: [new Line({ functionId: id, line: frame.line, column: frame.column })] }));
      this.ids.set(key, id);
    }
    return id;
  }
}
