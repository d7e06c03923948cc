import { Snapshot } from '../../../src/tracing/snapshot';
import { Filter } from '../../../src/tracing/filters';
import type { Trace } from '../../../src/tracing/frames';
import { frame, trace } from './synthetic';

function snapshotOf(traces: Trace[]): Snapshot {
  return new Snapshot({ traces, tracebackLimit: 128, takenAt: new Date(0), heap: null, samplingInterval: 32768, mode: 'live' });
}

const main = frame('main', '/app/main.js', 1);
const handle = frame('handle', '/app/handler.js', 5);
const parse = frame('parse', '/app/node_modules/lib/index.js', 9, 'lib');
const recurse = frame('walk', '/app/handler.js', 20);

describe('Snapshot.statistics', () => {
  const snapshot = snapshotOf([
    trace(1000, 10, [main, handle]),
    trace(500, 5, [main, handle, parse]),
    trace(300, 1, [main, recurse, recurse, recurse]),
    trace(200, 20, [main, handle]),
  ]);

  it('groups by the newest frame’s file:line, sorted by size then count', () => {
    const statistics = snapshot.statistics('lineno');
    expect(statistics.map((s) => [s.key, s.size, s.count])).toEqual([
      ['/app/handler.js:5', 1200, 30],
      ['/app/node_modules/lib/index.js:9', 500, 5],
      ['/app/handler.js:20', 300, 1],
    ]);
    expect(statistics[0]?.traceback).toEqual([handle]);
  });

  it('groups by file, traceback and package', () => {
    expect(snapshot.statistics('filename').map((s) => [s.key, s.size, s.traceback[0]?.line])).toEqual([
      ['/app/handler.js', 1500, 0],
      ['/app/node_modules/lib/index.js', 500, 0],
    ]);
    const tracebacks = snapshot.statistics('traceback');
    expect(tracebacks).toHaveLength(3);
    expect(tracebacks[0]?.traceback).toEqual([main, handle]);
    expect(snapshot.statistics('package').map((s) => [s.key, s.size])).toEqual([
      ['app', 1500],
      ['lib', 500],
    ]);
  });

  it('charges callers in cumulative mode, once per trace even under recursion', () => {
    const statistics = snapshot.statistics('lineno', { cumulative: true });
    expect(statistics.map((s) => [s.key, s.size])).toEqual([
      ['/app/main.js:1', 2000],
      ['/app/handler.js:5', 1700],
      ['/app/node_modules/lib/index.js:9', 500],
      ['/app/handler.js:20', 300],
    ]);
    expect(snapshot.statistics('package', { cumulative: true }).map((s) => [s.key, s.size])).toEqual([
      ['app', 2000],
      ['lib', 500],
    ]);
  });

  it('honours the traceback limit of each trace', () => {
    const limited = snapshotOf([trace(10, 1, [main, handle, parse], 1), trace(20, 1, [main, recurse, parse], 1)]);
    expect(limited.statistics('traceback').map((s) => [s.traceback.length, s.size])).toEqual([[1, 30]]);
    expect(limited.statistics('lineno', { cumulative: true }).map((s) => s.key)).toEqual(['/app/node_modules/lib/index.js:9']);
  });

  it('breaks ties on the key, descending, as tracemalloc', () => {
    const tied = snapshotOf([trace(10, 1, [frame('a', '/a.js', 1)]), trace(10, 1, [frame('b', '/b.js', 1)])]);
    expect(tied.statistics('lineno').map((s) => s.key)).toEqual(['/b.js:1', '/a.js:1']);
  });

  // CPython Lib/tracemalloc.py: Statistic._sort_key is (size, count, traceback), sorted reverse; a
  // Traceback compares its frames oldest first as (filename, lineno) tuples, lineno a number.
  it('orders tied keys as tracemalloc orders Tracebacks: frames oldest first, by file, then line as a number', () => {
    const nine = frame('nine', '/a.js', 9);
    const ten = frame('ten', '/a.js', 10);
    const dashed = frame('dashed', '/a.js-b', 1);
    const tied = snapshotOf([trace(10, 1, [nine]), trace(10, 1, [dashed]), trace(10, 1, [ten])]);
    expect(tied.statistics('lineno').map((s) => s.key)).toEqual(['/a.js-b:1', '/a.js:10', '/a.js:9']);
    // A stack sorts after one it starts with, so it comes first in descending order.
    const stacks = snapshotOf([trace(10, 1, [main]), trace(10, 1, [main, nine]), trace(10, 1, [main, ten])]);
    expect(stacks.statistics('traceback').map((s) => s.traceback.map((f) => f.functionName))).toEqual([['main', 'ten'], ['main', 'nine'], ['main']]);
  });

  it('rejects unknown key types and cumulative tracebacks', () => {
    expect(() => snapshot.statistics('line' as never)).toThrow(/unknown key type/);
    expect(() => snapshot.statistics('traceback', { cumulative: true })).toThrow(/cumulative/);
  });
});

describe('Snapshot.compareTo', () => {
  const before = snapshotOf([trace(1000, 10, [main, handle]), trace(400, 4, [main, parse]), trace(50, 1, [recurse])]);
  const after = snapshotOf([trace(1000, 10, [main, handle]), trace(4000, 40, [main, parse]), trace(60, 3, [main])]);

  it('sorts by |sizeDiff|, size, |countDiff|, count, key, and includes what disappeared', () => {
    const diffs = after.compareTo(before, 'lineno');
    expect(diffs.map((d) => [d.key, d.size, d.sizeDiff, d.count, d.countDiff])).toEqual([
      ['/app/node_modules/lib/index.js:9', 4000, 3600, 40, 36],
      ['/app/main.js:1', 60, 60, 3, 3],
      ['/app/handler.js:20', 0, -50, 0, -1],
      ['/app/handler.js:5', 1000, 0, 10, 0],
    ]);
  });

  it('filters both snapshots alike, so a filter on one side shows no phantom entries', () => {
    const excludeLib = [new Filter(false, '*/node_modules/*')];
    const diffs = after.filterTraces(excludeLib).compareTo(before, 'lineno');
    expect(diffs.map((d) => d.key)).not.toContain('/app/node_modules/lib/index.js:9');
    const reversed = after.compareTo(before.filterTraces(excludeLib), 'lineno');
    expect(reversed.map((d) => d.key)).not.toContain('/app/node_modules/lib/index.js:9');
    // The same filter on both sides is applied once.
    expect(after.filterTraces(excludeLib).compareTo(before.filterTraces(excludeLib), 'lineno')).toEqual(diffs);
  });
});

describe('Snapshot.filterTraces', () => {
  it('records the filters it applied and copies with []', () => {
    const snapshot = snapshotOf([trace(1, 1, [main])]);
    const filtered = snapshot.filterTraces([new Filter(true, '*.js')]);
    expect(filtered.filters).toHaveLength(1);
    expect(snapshot.filterTraces([]).traces).toEqual(snapshot.traces);
    expect(snapshot.filterTraces().filters.length).toBeGreaterThan(0);
    expect(snapshot.size).toBe(1);
  });
});
