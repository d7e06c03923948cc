import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/tracing');
const REGISTER = path.join(FIXTURES, 'register.js');

export interface FixtureOptions {
  /** Extra node flags, before the script. */
  nodeArgs?: string[];
  cwd?: string;
}

/**
 * Runs a fixture script in its own node process (samplers are per isolate, and Jest's own
 * allocations would blur accuracy) and returns the JSON it prints last. The child is killed if it
 * outlives the timeout, so no test leaves one behind.
 */
export function runFixture<T>(script: string, args: string[] = [], options: FixtureOptions = {}): Promise<T> {
  const argv = [...(options.nodeArgs ?? []), '--expose-gc', '-r', REGISTER, path.resolve(FIXTURES, script), ...args];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { cwd: options.cwd ?? FIXTURES, env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${script} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        return;
      }
      // The fixture's result is its last line (split gives at least one).
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
    });
  });
}

/** A statistic as the fixtures print it (see fixtures/tracing/helpers.js). */
export interface DescribedStatistic {
  key: string;
  functionName: string;
  file: string;
  line: number;
  size: number;
  count: number;
  sizeDiff?: number;
  countDiff?: number;
}
