import * as path from 'node:path';
import { Snapshot } from '../../../src/tracing/snapshot';
import { applyFilters, DEFAULT_FILTERS, Filter, filterFromJSON, filterKey, FrameFilter, HIDDEN_FRAMES } from '../../../src/tracing/filters';
import { globToRegExp } from '../../../src/tracing/glob';
import { trace } from './synthetic';
import type { Trace } from '../../../src/tracing/frames';

describe('glob patterns (fnmatch)', () => {
  it.each([
    ['*.ts', '/src/app.ts', true],
    ['*/node_modules/*', '/app/node_modules/pkg/index.js', true],
    ['node:*', 'node:internal/fs/utils', true],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['[ab].js', 'a.js', true],
    ['[!ab].js', 'a.js', false],
    ['[!ab].js', 'c.js', true],
    ['(*)', '(V8 API)', true],
    ['/a.b/*', '/axb/c', false],
    ['[unclosed', '[unclosed', true],
  ])('%s against %s is %s', (pattern, text, expected) => {
    expect(globToRegExp(pattern).test(text)).toBe(expected);
  });
});

/** memtrace-ioc's code trees: this test runs src, while the engine's worker runs dist (compiled-module.ts) and sees the frames of src. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');
const TREES = ['src', 'dist'].map((tree) => path.join(PACKAGE_ROOT, tree));

const app = (line: number): [string, string, number] => ['handler', '/app/src/app.ts', line];
const lib = ['parse', '/app/node_modules/lib/index.js', 3] as [string, string, number];

describe('Filter (tracemalloc semantics)', () => {
  const traces = [trace(100, 1, [app(10), lib]), trace(200, 2, [app(20)]), trace(300, 3, [lib, app(30)])];

  it('matches the newest frame by default', () => {
    const kept = applyFilters(traces, [new Filter(false, '*/node_modules/*')]);
    expect(kept.map((t) => t.size)).toEqual([200, 300]);
  });

  it('matches any frame with allFrames', () => {
    const kept = applyFilters(traces, [new Filter(false, '*/node_modules/*', { allFrames: true })]);
    expect(kept.map((t) => t.size)).toEqual([200]);
  });

  it('keeps a trace matching any inclusive filter, and restricts by line', () => {
    const kept = applyFilters(traces, [new Filter(true, '*/app.ts', { lineno: 20 }), new Filter(true, '*/app.ts', { lineno: 30 })]);
    expect(kept.map((t) => t.size)).toEqual([200, 300]);
  });

  it('drops a trace matching any exclusive filter even if an inclusive one matches', () => {
    const kept = applyFilters(traces, [new Filter(true, '*'), new Filter(false, '*/app.ts', { lineno: 20 })]);
    expect(kept.map((t) => t.size)).toEqual([100, 300]);
  });
});

describe('Filter lookThrough', () => {
  const pino = ['write', '/app/node_modules/pino/lib/proto.js', 3] as [string, string, number];
  const sonicBoom = ['write', '/app/node_modules/sonic-boom/index.js', 9] as [string, string, number];
  const lookThrough = ['*/node_modules/pino/*', '*/node_modules/sonic-boom/*'];
  const traces = [trace(1, 1, [app(10), pino, sonicBoom]), trace(2, 1, [app(20), pino]), trace(4, 1, [pino, app(10), lib]), trace(8, 1, [pino, sonicBoom])];

  it('tests the newest frame that none of its patterns matches', () => {
    const kept = applyFilters(traces, [new Filter(false, '*/app.ts', { lineno: 10, lookThrough })]);
    expect(kept.map((t) => t.size)).toEqual([2, 4, 8]);
    expect(applyFilters(traces, [new Filter(true, '*/app.ts', { lookThrough })]).map((t) => t.size)).toEqual([1, 2]);
  });

  it('decides the same on a stack cut by the traceback limit, and survives a dump', () => {
    const filter = new Filter(false, '*/app.ts', { lookThrough });
    expect(applyFilters([trace(1, 1, [app(10), pino, sonicBoom], 2), trace(2, 1, [app(10), pino, sonicBoom], 3)], [filter]).map((t) => t.size)).toEqual([1]);
    expect(filterFromJSON(filter.toJSON()).toJSON()).toEqual({ kind: 'trace', inclusive: false, filenamePattern: '*/app.ts', allFrames: false, lookThrough });
  });
});

describe('FrameFilter', () => {
  it('charges hidden frames to the nearest visible caller and drops traces left empty', () => {
    const buffer = ['alloc', 'node:buffer', 1] as [string, string, number];
    const traces = [trace(100, 1, [app(10), buffer]), trace(50, 1, [buffer]), trace(70, 1, [app(10)]), trace(30, 1, [app(10), buffer, buffer])];
    const kept = applyFilters(traces, [new FrameFilter('node:*')]);
    expect(kept.map((t) => [t.size, t.newestFrame.location, t.depth])).toEqual([
      [100, '/app/src/app.ts:10', 1],
      [70, '/app/src/app.ts:10', 1],
      [30, '/app/src/app.ts:10', 1],
    ]);
    // A trace with nothing hidden is kept as it is.
    expect(kept[1]).toBe(traces[2]);
  });
});

describe('DEFAULT_FILTERS', () => {
  it.each(TREES)("drops the engine's own allocations under %s and hides Node's and V8's frames", (tree) => {
    const engine = ['aggregateProfile', path.join(tree, 'tracing', 'profile.ts'), 30] as [string, string, number];
    const traces = [
      trace(1, 1, [app(10), engine]),
      trace(2, 1, [['(V8 API)', '(V8 API)', 0]]),
      trace(4, 1, [app(10), ['readFileSync', 'node:fs', 400], ['Uint8Array', '(no script)', 0]]),
      trace(8, 1, [lib]),
    ];
    const kept = applyFilters(traces, DEFAULT_FILTERS);
    expect(kept.map((t) => [t.size, t.newestFrame.functionName])).toEqual([
      [4, 'handler'],
      [8, 'parse'],
    ]);
  });
});

describe.each(TREES)("the external sampler's wrappers under %s", (tree) => {
  const engineFrame = (name: string, file: string, line: number) => [name, path.join(tree, 'tracing', file), line] as [string, string, number];
  const wrapper = engineFrame('wrapper', path.join('external', 'hooks.ts'), 54);
  const trap = engineFrame('construct', path.join('external', 'hooks.ts'), 84);
  const observe = engineFrame('observe', path.join('external', 'external-sampler.ts'), 96);
  const nodeFrom = ['from', 'node:buffer', 300] as [string, string, number];
  const nodeConcat = ['concat', 'node:buffer', 560] as [string, string, number];
  const typedArray = ['Uint8Array', '(no script)', 0] as [string, string, number];
  const kept = (traces: Trace[]) => applyFilters(traces, DEFAULT_FILTERS).map((t) => [t.size, t.newestFrame.location, t.depth]);

  it("leave what Node allocates for a user's call through them to the user's caller", () => {
    const traces = [
      trace(1, 1, [app(10), wrapper, nodeFrom]),
      trace(2, 1, [app(10), trap, typedArray]),
      // Buffer.concat calls Buffer.allocUnsafe: two wrappers, each called through Node.
      trace(4, 1, [app(10), wrapper, nodeConcat, wrapper, nodeFrom]),
      // Node's own code calling the public allocators (readFileSync) is the user's call too.
      trace(8, 1, [app(10), ['readFileSync', 'node:fs', 400], wrapper, nodeFrom]),
    ];
    expect(kept(traces)).toEqual([
      [1, '/app/src/app.ts:10', 1],
      [2, '/app/src/app.ts:10', 1],
      [4, '/app/src/app.ts:10', 1],
      [8, '/app/src/app.ts:10', 1],
    ]);
  });

  it('keep as ours what is allocated with a wrapper newest, in the sampler, or for our own call', () => {
    const circuit = ['send', path.join(tree, 'ca', 'server', 'ca-circuit.ts'), 12] as [string, string, number];
    const engineCaller = engineFrame('encode', 'pprof.ts', 40);
    const traces = [
      trace(1, 1, [app(10), wrapper]),
      trace(2, 1, [app(10), wrapper, nodeConcat, wrapper]),
      trace(4, 1, [app(10), wrapper, observe, ['captureStackTrace', '(no script)', 0]]),
      trace(8, 1, [app(10), engineFrame('aggregateProfile', 'profile.ts', 30), ['readFileSync', 'node:fs', 400]]),
      trace(16, 1, [engineCaller, wrapper, nodeFrom]),
      trace(32, 1, [circuit, wrapper, nodeFrom]),
      trace(64, 1, [wrapper, nodeFrom]),
    ];
    expect(kept(traces)).toEqual([]);
    const snapshot = new Snapshot({ traces, tracebackLimit: 8, takenAt: new Date(0), heap: null, samplingInterval: 1024, mode: 'live' });
    expect(snapshot.ownCodeSize()).toBe(63);
  });

  it('pass through whatever steps the filters come in', () => {
    const traces = [
      trace(1, 1, [app(10), wrapper, nodeFrom]),
      trace(2, 1, [app(10), wrapper, nodeConcat, wrapper, nodeFrom, typedArray]),
      trace(4, 1, [app(10), trap, typedArray]),
      trace(8, 1, [app(10), wrapper]),
    ];
    const snapshot = new Snapshot({ traces, tracebackLimit: 8, takenAt: new Date(0), heap: null, samplingInterval: 1024, mode: 'live' });
    const sizes = (filtered: Snapshot) => filtered.statistics('lineno').map((s) => [s.key, s.size]);
    const atOnce = sizes(snapshot.filterTraces());
    expect(atOnce).toEqual([['/app/src/app.ts:10', 7]]);
    const [nodeFrames, v8Frames, ...passThrough] = HIDDEN_FRAMES;
    // Node's frames first, then the defaults; the pass-through filters alone first; one filter a step.
    expect(sizes(snapshot.filterTraces([nodeFrames!]).filterTraces())).toEqual(atOnce);
    expect(sizes(snapshot.filterTraces(passThrough).filterTraces([nodeFrames!, v8Frames!]).filterTraces())).toEqual(atOnce);
    expect(sizes(HIDDEN_FRAMES.reduce((filtered, filter) => filtered.filterTraces([filter]), snapshot).filterTraces())).toEqual(atOnce);
    expect(
      sizes(
        [...HIDDEN_FRAMES]
          .reverse()
          .reduce((filtered, filter) => filtered.filterTraces([filter]), snapshot)
          .filterTraces(),
      ),
    ).toEqual(atOnce);
    // TraceSelfMemory's figure is the same difference, whatever the steps.
    expect(snapshot.filterTraces([v8Frames!]).ownCodeSize()).toBe(8);
  });

  it('keep passing through when saved and loaded (dump.ts)', () => {
    expect(HIDDEN_FRAMES.map((filter) => filterFromJSON(filter.toJSON())).map(filterKey)).toEqual(HIDDEN_FRAMES.map(filterKey));
    expect(HIDDEN_FRAMES.filter((filter) => filter instanceof FrameFilter && filter.passThrough)).toHaveLength(2);
  });

  it('count only visible frames in a short traceback limit, so an allocation deep in Node keeps its caller', () => {
    const traces = [trace(1, 1, [app(9), app(10), wrapper, nodeConcat, wrapper, nodeFrom], 1), trace(2, 1, [app(9), app(10), wrapper], 1)];
    expect(kept(traces)).toEqual([[1, '/app/src/app.ts:10', 1]]);
    expect(applyFilters([trace(4, 1, [app(9), app(10), ['readFileSync', 'node:fs', 400], nodeFrom], 2)], DEFAULT_FILTERS)[0]?.frames.map(String)).toEqual([
      '/app/src/app.ts:9',
      '/app/src/app.ts:10',
    ]);
  });
});

describe.each(TREES)("memtrace-ioc's logger under %s", (tree) => {
  const connected = ['connected', path.join(tree, 'net', 'circuit-host.ts'), 180] as [string, string, number];
  const scan = ['processRecord', path.join(tree, 'database', 'scan', 'periodic.ts'), 40] as [string, string, number];
  const pinoWrite = ['write', path.join(PACKAGE_ROOT, 'node_modules', 'pino', 'lib', 'proto.js'), 200] as [string, string, number];
  const boomWrite = ['write', path.join(PACKAGE_ROOT, 'node_modules', 'sonic-boom', 'index.js'), 300] as [string, string, number];
  const subroutine = ['keepOnScan', '/app/src/subroutines.ts', 5] as [string, string, number];
  const plugin = ['read', '/app/node_modules/modbus-device/index.js', 12] as [string, string, number];
  const sizes = (traces: Trace[]) => applyFilters(traces, DEFAULT_FILTERS).map((t) => t.size);

  it('is ours when our code called it, with no frame of the user between', () => {
    const traces = [
      trace(1, 1, [connected, pinoWrite, boomWrite, ['writeSync', 'node:fs', 900]]),
      trace(2, 1, [app(10), connected, pinoWrite]),
      // memtrace-ioc's packages, called from Node's timers on its behalf: nothing tells whose.
      trace(4, 1, [['listOnTimeout', 'node:internal/timers', 500], boomWrite]),
    ];
    expect(sizes(traces)).toEqual([4]);
  });

  it("is the user's when the user called it, or when our scan called the user's code that did", () => {
    const traces = [
      trace(1, 1, [app(10), pinoWrite, boomWrite]),
      trace(2, 1, [scan, subroutine, pinoWrite]),
      trace(4, 1, [scan, subroutine]),
      // A device support from npm that our scan calls is the user's choice, not our dependency.
      trace(8, 1, [scan, plugin]),
      // A serializer of the user's that our logging runs.
      trace(16, 1, [connected, pinoWrite, subroutine]),
    ];
    expect(sizes(traces)).toEqual([1, 2, 4, 8, 16]);
  });
});

describe.each(TREES)("memtrace-ioc's own code under %s", (tree) => {
  const circuit = ['onData', path.join(tree, 'ca', 'server', 'ca-circuit.ts'), 12] as [string, string, number];
  const userHandler = ['onWrite', '/app/src/handler.ts', 7] as [string, string, number];
  const traces = [
    // The CA server's own buffers, through Node's stream code: ours.
    trace(16, 1, [circuit, ['push', 'node:internal/streams/readable', 300]]),
    // A user's write handler that the IOC calls: the user's.
    trace(32, 1, [circuit, userHandler]),
    // A user's call into the IOC that allocates inside it: ours.
    trace(64, 1, [userHandler, circuit]),
    trace(128, 1, [app(10)]),
  ];
  const snapshot = new Snapshot({ traces, tracebackLimit: 8, takenAt: new Date(0), heap: null, samplingInterval: 1024, mode: 'live' });

  it('is left out of the default statistics whenever its frame is the newest, and summed apart', () => {
    expect(
      snapshot
        .filterTraces()
        .statistics('lineno')
        .map((s) => [s.key, s.size]),
    ).toEqual([
      ['/app/src/app.ts:10', 128],
      ['/app/src/handler.ts:7', 32],
    ]);
    expect(snapshot.ownCodeSize()).toBe(80);
  });
});
