import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSize, formatStatistic, formatStatisticDiff, formatTopStatistics } from '../../../src/tracing/format';
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
    expect(formatStatistic({ keyType: 'lineno', key: elsewhere.location, traceback: [elsewhere], size: 10, count: 1 }, { root })).toBe(
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
