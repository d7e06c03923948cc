import { Snapshot } from '../../../src/tracing/snapshot';
import { resultRows } from '../../../src/tracing/rows';
import { formatKey } from '../../../src/tracing/format';
import { frame, trace } from './synthetic';

const root = '/srv/app';
const main = frame('main', '/srv/app/src/main.ts', 3, 'app');
const parse = frame('parse', '/srv/app/node_modules/lib/index.js', 9, 'lib');
const snapshot = new Snapshot({
  traces: [trace(2048, 2, [main, parse]), trace(1024, 1, [main])],
  tracebackLimit: 8,
  takenAt: new Date(0),
  heap: null,
  samplingInterval: 1024,
  mode: 'live',
});

describe('resultRows', () => {
  // CPython Lib/tracemalloc.py: str(Traceback) is str(self[0]), the oldest frame (frames run oldest to
  // newest since Python 3.7), and the text's `#N: file:line` prints it; a row names that same frame.
  it("names one frame in location, function and package: the one the text's key prints, the stack's oldest for traceback", () => {
    const rows = resultRows(snapshot.statistics('traceback'), { root });
    expect(rows.map(({ location, functionName, package: pkg }) => [location, functionName, pkg])).toEqual([
      ['src/main.ts:3', 'main', 'app'],
      ['src/main.ts:3', 'main', 'app'],
    ]);
    expect(rows.map((row) => row.location)).toEqual(snapshot.statistics('traceback').map((s) => formatKey(s, { root })));
  });

  it('names the allocating function for lineno, the file only for filename, the package for package', () => {
    const row = (keyType: 'lineno' | 'filename' | 'package') => {
      const { location, functionName, package: pkg } = resultRows(snapshot.statistics(keyType), { root })[0]!;
      return [location, functionName, pkg];
    };
    expect(row('lineno')).toEqual(['node_modules/lib/index.js:9', 'parse', 'lib']);
    expect(row('filename')).toEqual(['node_modules/lib/index.js:0', '', 'lib']);
    expect(row('package')).toEqual(['lib', '', 'lib']);
  });
});
