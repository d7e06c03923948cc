import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSize, formatStatistic, formatStatisticDiff, formatTopLines, formatTopStatistics, formatTopTotals, topTitle } from '../../../src/tracing/format';
import { Snapshot } from '../../../src/tracing/snapshot';
import type { StatisticDiff } from '../../../src/tracing/statistics';
import { frame, trace } from './synthetic';

describe('formatSize (tracemalloc._format_size)', () => {
  it.each([
    [0, false, '0 B'],
    [0, true, '+0 B'],
    [117, false, '117 B'],
    [117.4, false, '117 B'],
    [2.5, false, '2 B'],
    [-1536, true, '-1536 B'],
    [10 * 1024, false, '10.0 KiB'],
    [10496, false, '10.2 KiB'],
    [99.95 * 1024, false, '100.0 KiB'],
    [8173 * 1024, false, '8173 KiB'],
    [4428 * 1024, true, '+4428 KiB'],
    [12.5 * 1024 * 1024, false, '12.5 MiB'],
    [-3 * 1024 ** 3, true, '-3072 MiB'],
    [-50 * 1024 ** 3, true, '-50.0 GiB'],
    [200 * 1024 ** 4, false, '200 TiB'],
    [20000 * 1024 ** 4, false, '20000 TiB'],
  ])('%d (sign %s) is %s', (bytes, sign, text) => {
    expect(formatSize(bytes, sign)).toBe(text);
  });
});

const root = '/srv/app';
const heapSampling = { external: false, samples: 1, uncertainty: 0, pooledSamples: 0 };
const handler = frame('handle', '/srv/app/src/app.ts', 42);

describe('formatStatistic and formatStatisticDiff', () => {
  it('print as str(Statistic) and str(StatisticDiff)', () => {
    const diff: StatisticDiff = {
      keyType: 'lineno',
      key: handler.location,
      traceback: [handler],
      size: 8173 * 1024,
      sizeDiff: 4428 * 1024,
      count: 71332,
      countDiff: 39369,
      ...heapSampling,
    };
    expect(formatStatisticDiff(diff, { root })).toBe('src/app.ts:42: size=8173 KiB (+4428 KiB), count=71332 (+39369), average=117 B');
    expect(formatStatisticDiff({ ...diff, size: 0, sizeDiff: -2048, count: 0, countDiff: -3 }, { root })).toBe(
      'src/app.ts:42: size=0 B (-2048 B), count=0 (-3)',
    );
    expect(formatStatistic(diff, { root })).toBe('src/app.ts:42: size=8173 KiB, count=71332, average=117 B');
    expect(formatStatistic({ ...diff, keyType: 'package', key: 'lodash', traceback: [] })).toBe('lodash: size=8173 KiB, count=71332, average=117 B');
  });

  it('keeps paths outside the root absolute', () => {
    const elsewhere = frame('f', '/opt/lib/x.js', 3);
    expect(formatStatistic({ keyType: 'lineno', key: elsewhere.location, traceback: [elsewhere], size: 10, count: 1, ...heapSampling }, { root })).toBe(
      '/opt/lib/x.js:3: size=10 B, count=1, average=10 B',
    );
  });
});

describe('formatTopStatistics', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-format-'));
    fs.writeFileSync(path.join(directory, 'app.js'), 'const a = 1;\n  function retainA(bytes) {\n    return bytes;\n}\n');
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('prints the top as tracemalloc’s display_top, with the function and its source line', () => {
    const retainA = frame('retainA', path.join(directory, 'app.js'), 2);
    const anonymous = frame('', path.join(directory, 'gone.js'), 7);
    const snapshot = new Snapshot({
      traces: [trace(1264128, 10, [retainA]), trace(2048, 1, [anonymous]), trace(1024, 1, [frame('x', '/x.js', 1)]), trace(512, 1, [frame('y', '/y.js', 1)])],
      tracebackLimit: 1,
      takenAt: new Date(0),
      heap: null,
      samplingInterval: 32768,
      mode: 'live',
    });
    expect(formatTopStatistics(snapshot.statistics('lineno'), { limit: 2, root: directory })).toBe(
      [
        'Top 2 functions (file:line is where the allocating function starts)',
        '#1: app.js:2: 1234.5 KiB',
        '    retainA: function retainA(bytes) {',
        '#2: gone.js:7: 2.0 KiB',
        '    (anonymous)',
        '2 other: 1.5 KiB',
        'Total: 1238.0 KiB',
      ].join('\n'),
    );
    expect(formatTopStatistics(snapshot.statistics('package'), { limit: 1, root: directory })).toBe(
      ['Top 1 packages', '#1: app: 1238.0 KiB', 'Total: 1238.0 KiB'].join('\n'),
    );
  });
});

// caproto/server/stats.py: get_top_allocation_info writes f"#{index}: {frame.filename}:{frame.lineno}: {kbytes:.1f} KiB"
// with frame = stat.traceback[0], then f"    {line}" where linecache has a line; TraceDiffResults is
// '\n'.join(str(stat)) of compare_to. CPython's tracemalloc: str(Traceback) is str(self[0]), its oldest
// frame, "%s:%s" % (filename, lineno); filename statistics carry lineno 0.
const SIZE = String.raw`-?\d+(\.\d)? (B|KiB|MiB|GiB|TiB)`;
const TOP_ENTRY = /^#(\d+): (.+):(\d+): (\d+\.\d) KiB$/;
const DIFF_LINE = new RegExp(String.raw`^(.+):(\d+): size=${SIZE} \([+-]${SIZE.slice(2)}\), count=\d+ \([+-]\d+\)(, average=${SIZE})?$`);

/** Every line an entry, numbered from 1, or one indented line right after an entry. */
function expectCaprotoTop(lines: readonly string[]): void {
  let rank = 0;
  let indentedAllowed = false;
  for (const line of lines) {
    const entry = TOP_ENTRY.exec(line);
    if (entry) {
      expect(Number(entry[1])).toBe(++rank);
      indentedAllowed = true;
    } else {
      expect([line, indentedAllowed]).toEqual([expect.stringMatching(/^ {4}\S/), true]);
      indentedAllowed = false;
    }
  }
  expect(rank).toBeGreaterThan(0);
}

describe("caproto's line grammar", () => {
  const main = frame('main', '/srv/app/src/main.ts', 3);
  const fill = frame('fill', '/srv/app/src/fill.ts', 10);
  const make = frame('', '/srv/app/src/fill.ts', 20);
  const older = new Snapshot({
    traces: [trace(4096, 2, [main, fill])],
    tracebackLimit: 8,
    takenAt: new Date(0),
    heap: null,
    samplingInterval: 1024,
    mode: 'live',
  });
  const newer = new Snapshot({
    traces: [trace(1264128, 10, [main, fill, make]), trace(8192, 4, [main, fill]), trace(100, 1, [main])],
    tracebackLimit: 8,
    takenAt: new Date(1),
    heap: null,
    samplingInterval: 1024,
    mode: 'live',
  });

  it.each(['lineno', 'filename', 'traceback'] as const)('TraceTopAllocations and TraceDiffResults by %s', (keyType) => {
    const top = formatTopLines(newer.statistics(keyType), { root, limit: 10 });
    expectCaprotoTop(top);
    const diffs = newer.compareTo(older, keyType).map((diff) => formatStatisticDiff(diff, { root }));
    for (const line of diffs) expect(line).toMatch(DIFF_LINE);
  });

  it('prints the key as str(Traceback): oldest frame, file:0 for filename', () => {
    expect(formatTopLines(newer.statistics('filename'), { root })[0]).toBe('#1: src/fill.ts:0: 1242.5 KiB');
    expect(formatTopLines(newer.statistics('traceback'), { root }).slice(0, 2)).toEqual([
      '#1: src/main.ts:3: 1234.5 KiB',
      '    (anonymous) (src/fill.ts:20) <- fill (src/fill.ts:10) <- main (src/main.ts:3)',
    ]);
    expect(formatStatisticDiff(newer.compareTo(older, 'filename')[0]!, { root })).toBe(
      'src/fill.ts:0: size=1242 KiB (+1238 KiB), count=14 (+12), average=88.8 KiB',
    );
  });

  it('leaves the title, the others and the total to the summary, and marks external memory on the indented line', () => {
    const statistics = newer.statistics('lineno');
    expect(topTitle('lineno', 1)).toBe('Top 1 functions (file:line is where the allocating function starts)');
    expect(formatTopTotals(statistics, 1)).toEqual(['2 other: 8.1 KiB', 'Total: 1242.6 KiB']);
    const external = { ...statistics[0]!, external: true, uncertainty: 12.5 * 1024 * 1024 };
    expect(formatTopLines([external], { root })).toEqual(['#1: src/fill.ts:20: 1234.5 KiB', '    (anonymous)  [external, +/- 12.5 MiB]']);
  });
});
