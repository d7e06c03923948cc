import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceMapResolver } from '../../../src/tracing/sourcemaps';
import { type DescribedStatistic, FIXTURES, runFixture } from './run-fixture';

const compiled = path.join(FIXTURES, 'sourcemapped', 'retain.js');
const original = path.join(FIXTURES, 'sourcemapped', 'retain.ts');
const lineOf = (file: string, text: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text)) + 1;

describe('source maps', () => {
  it('maps a compiled function start back to its TypeScript line', () => {
    const jsLine = lineOf(compiled, 'function retainReadings(');
    const tsLine = lineOf(original, 'export function retainReadings(');
    expect(jsLine).not.toBe(tsLine);
    const location = new SourceMapResolver().resolve(compiled, jsLine, 1);
    expect(location).toEqual({ file: original, line: tsLine, column: 1 });
  });

  it('reads inline data: URL maps and ignores files without a map', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-maps-'));
    try {
      const map = JSON.parse(fs.readFileSync(`${compiled}.map`, 'utf8')) as { sources: string[] };
      map.sources = [original];
      const inline = path.join(directory, 'inline.js');
      const code = fs.readFileSync(compiled, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
      fs.writeFileSync(inline, `${code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`);
      const resolver = new SourceMapResolver();
      expect(resolver.resolve(inline, lineOf(compiled, 'function retainReadings('), 1)?.file).toBe(original);
      const plain = path.join(directory, 'plain.js');
      fs.writeFileSync(plain, 'function f() {}\n');
      expect(resolver.resolve(plain, 1, 1)).toBeNull();
      expect(resolver.resolve(path.join(directory, 'missing.js'), 1, 1)).toBeNull();
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports the .ts line of a running compiled workload', async () => {
    const result = await runFixture<{ top: DescribedStatistic[]; text: string }>('sourcemapped-run.js');
    const tsLine = lineOf(original, 'export function retainReadings(');
    expect(result.top[0]).toMatchObject({ functionName: 'retainReadings', file: original, line: tsLine });
    expect(result.text).toContain(`retain.ts:${tsLine}: `);
    expect(result.text).toContain('    retainReadings: export function retainReadings(count: number): number {');
  });
});
