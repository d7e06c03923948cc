import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TracingError } from '../../../src/tracing/errors';
import { DEFAULT_FILTERS, Filter } from '../../../src/tracing/filters';
import type { ProfileNode, SamplingHeapProfile } from '../../../src/tracing/protocol';
import { Snapshot } from '../../../src/tracing/snapshot';
import { frame, trace } from './synthetic';

const main = frame('main', '/app/main.js', 1);
const handle = frame('handle', '/app/handler.js', 5);
const parse = frame('parse', '/app/node_modules/lib/index.js', 9, 'lib');

const snapshot = new Snapshot({
  traces: [trace(1000, 10, [main, handle]), trace(500, 5, [main, handle, parse]), trace(300, 2, [main, parse]), trace(20, 1, [main, handle])],
  tracebackLimit: 64,
  takenAt: new Date('2026-11-21T10:00:00.000Z'),
  heap: { heapUsed: 5_000_000, heapTotal: 8_000_000, rss: 60_000_000 },
  samplingInterval: 16384,
  mode: 'allocated',
}).filterTraces([new Filter(false, '/nowhere/*')]);

describe('dump and load', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-dump-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('writes a .heapprofile tree that DevTools and speedscope read', async () => {
    const file = path.join(directory, 'a.heapprofile');
    await snapshot.dump(file);
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as SamplingHeapProfile;
    expect(profile.head.callFrame.functionName).toBe('(root)');
    const [mainNode] = profile.head.children;
    expect(mainNode?.callFrame).toEqual({ functionName: 'main', scriptId: '0', url: '/app/main.js', lineNumber: 0, columnNumber: 0 });
    const total = (node: ProfileNode): number => node.children.reduce((sum, child) => sum + total(child), node.selfSize);
    expect(total(profile.head)).toBe(1820);
    expect(profile.samples?.reduce((sum, sample) => sum + sample.size, 0)).toBe(1820);
    expect(profile.memtrace).toMatchObject({ format: 1, samplingInterval: 16384, tracebackLimit: 64, mode: 'allocated' });
  });

  it('loads back a snapshot that supports everything, and compares to its original without differences', async () => {
    const file = path.join(directory, 'b.heapprofile');
    await snapshot.dump(file);
    const loaded = await Snapshot.load(file);
    expect(loaded.takenAt.toISOString()).toBe('2026-11-21T10:00:00.000Z');
    expect(loaded.heap).toEqual(snapshot.heap);
    expect(loaded.mode).toBe('allocated');
    expect(loaded.tracebackLimit).toBe(64);
    expect(loaded.filters.map((f) => f.toJSON())).toEqual(snapshot.filters.map((f) => f.toJSON()));
    for (const keyType of ['lineno', 'filename', 'traceback', 'package'] as const) {
      expect(loaded.statistics(keyType).map((s) => [s.key, s.size, s.count])).toEqual(snapshot.statistics(keyType).map((s) => [s.key, s.size, s.count]));
    }
    expect(loaded.compareTo(snapshot, 'traceback').every((diff) => diff.sizeDiff === 0 && diff.countDiff === 0)).toBe(true);
    expect(loaded.filterTraces(DEFAULT_FILTERS).statistics('lineno')[0]?.traceback[0]?.functionName).toBe('handle');
  });

  it('loads a profile of another tool, counting its samples at the given interval', async () => {
    const file = path.join(directory, 'chrome.heapprofile');
    // As V8 reports them: per sample, and per node (where it rounds after summing).
    const scaled = (samples: number) => 32 * Math.floor(samples / (1 - Math.exp(-32 / 524288)) + 0.5);
    const reported = scaled(1);
    const profile: SamplingHeapProfile = {
      head: {
        id: 1,
        selfSize: 0,
        callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
        children: [
          {
            id: 2,
            selfSize: scaled(2),
            callFrame: { functionName: 'work', scriptId: '9', url: 'file:///srv/work.js', lineNumber: 3, columnNumber: 17 },
            children: [],
          },
        ],
      },
      samples: [
        { nodeId: 2, size: reported, ordinal: 1 },
        { nodeId: 2, size: reported, ordinal: 2 },
      ],
    };
    fs.writeFileSync(file, JSON.stringify(profile));
    const loaded = await Snapshot.load(file, { samplingInterval: 524288 });
    const [statistic] = loaded.statistics('lineno');
    expect([statistic?.key, statistic?.size, statistic?.count, statistic?.traceback[0]?.column]).toEqual(['/srv/work.js:4', scaled(2), scaled(2) / 32, 18]);
    expect(loaded.heap).toBeNull();
    expect(loaded.tracebackLimit).toBe(1);
  });

  it('rejects a file that is not a heap profile', async () => {
    const file = path.join(directory, 'bad.heapprofile');
    fs.writeFileSync(file, '{"nodes": []}');
    await expect(Snapshot.load(file)).rejects.toThrow(TracingError);
  });
});
