/**
 * The accuracy each V8 sampling interval gives: the fixture of test/unit/tracing/accuracy.test.ts
 * (a 40 MB site of small objects, a 4 MB site of 8 KiB arrays that then grows by 10 MB, and 200 MB
 * of churn beside them, "really retained" measured around full GCs) run several times at each
 * interval, and each estimate's error against the truth. The test itself runs at 16 KiB so that it
 * cannot flake; its tolerances (±10% for the 40 MB site, ±15% for the growth) are the yardstick.
 *
 * Run from the repository root (it runs the fixture from there, through its TypeScript register):
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   node /tmp/bench-out/bench/tracing-accuracy.js [runs=8] [intervals=32768,65536,131072,524288]
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { loadAverage, machine, median } from './figures';
import { intervalLabel } from './tracing-overhead';

const FIXTURES = path.resolve('test/fixtures/tracing');

interface Statistic {
  functionName: string;
  size: number;
  sizeDiff?: number;
}

interface AccuracyResult {
  retainedByA: number;
  retainedByB: number;
  grownByB: number;
  live: Statistic[];
  diffs: Statistic[];
}

/** Each estimate's relative error: the 40 MB site, the 4 MB site, and the 10 MB growth. */
interface Errors {
  large: number;
  small: number;
  growth: number;
}

async function runOnce(interval: number): Promise<Errors> {
  const argv = ['--expose-gc', '-r', path.join(FIXTURES, 'register.js'), path.join(FIXTURES, 'accuracy.js'), String(interval)];
  const { stdout } = await promisify(execFile)(process.execPath, argv, { cwd: FIXTURES, maxBuffer: 32 * 1024 * 1024 });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as AccuracyResult;
  const size = (list: Statistic[], name: string, of: (statistic: Statistic) => number) =>
    of(list.find((statistic) => statistic.functionName === name) ?? { functionName: name, size: 0, sizeDiff: 0 });
  return {
    large: size(result.live, 'retainA', (statistic) => statistic.size) / result.retainedByA - 1,
    small: size(result.live, 'retainB', (statistic) => statistic.size) / result.retainedByB - 1,
    growth: size(result.diffs, 'retainB', (statistic) => statistic.sizeDiff ?? 0) / result.grownByB - 1,
  };
}

/** "median |error| 3.1%, worst 7.4%, 8 of 8 within ±10%". */
function summary(errors: readonly number[], tolerance: number): string {
  const absolute = errors.map(Math.abs);
  const within = absolute.filter((error) => error <= tolerance).length;
  return `median |error| ${(median(absolute) * 100).toFixed(1)}%, worst ${(Math.max(...absolute) * 100).toFixed(1)}%, ${within} of ${errors.length} within ±${tolerance * 100}%`;
}

async function main(runs: number, intervals: readonly number[]): Promise<void> {
  const lines = [machine(), `load average before: ${loadAverage()}`, `${runs} runs per interval, intervals interleaved`];
  const errors = new Map<number, Errors[]>(intervals.map((interval) => [interval, []]));
  for (let run = 0; run < runs; run++) for (const interval of intervals) errors.get(interval)!.push(await runOnce(interval));
  for (const interval of intervals) {
    const own = errors.get(interval)!;
    lines.push(
      `${intervalLabel(interval)}: 40 MB site ${summary(
        own.map((error) => error.large),
        0.1,
      )}; 10 MB growth ${summary(
        own.map((error) => error.growth),
        0.15,
      )}; 4 MB site ${summary(
        own.map((error) => error.small),
        0.2,
      )}`,
    );
  }
  lines.push(`load average after: ${loadAverage()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(Number(process.argv[2] ?? 8), (process.argv[3] ?? '32768,65536,131072,524288').split(',').map(Number)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
