import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE_INTERNAL, PackageResolver, UNNAMED_APP } from '../../../src/tracing/packages';
import { type DescribedStatistic, FIXTURES, runFixture } from './run-fixture';

/** An app with a package.json and a dependency under node_modules, built in a temp dir (node_modules is git-ignored). */
function makeApp(directory: string): void {
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    fs.writeFileSync(path.join(directory, file), text);
  };
  write('package.json', JSON.stringify({ name: 'fixture-app' }));
  write('node_modules/cache-hog/package.json', JSON.stringify({ name: 'cache-hog', main: 'lib/index.js' }));
  write(
    'node_modules/cache-hog/lib/index.js',
    "const cache = [];\nexports.fill = function fill(items) {\n  for (let i = 0; i < items; i++) cache.push({ key: 'k' + i, hits: [i] });\n};\n",
  );
  write('node_modules/@scope/tiny/index.js', 'module.exports = 1;\n');
  write(
    'main.js',
    [
      `const { tracing, describe, run } = require(${JSON.stringify(path.join(FIXTURES, 'helpers.js'))});`,
      'const own = [];',
      "function keepOwn(items) { for (let i = 0; i < items; i++) own.push({ id: i, label: 'own' + i }); }",
      'run(async () => {',
      '  await tracing.start({ samplingInterval: 16384 });',
      "  require('cache-hog').fill(200000);",
      '  keepOwn(50000);',
      '  const snapshot = (await tracing.takeSnapshot()).filterTraces();',
      "  return { packages: snapshot.statistics('package').map(describe).map((s) => [s.key, s.size]) };",
      '});',
      '',
    ].join('\n'),
  );
}

describe('package of a file', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-packages-')));
    makeApp(directory);
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('names the package after the last node_modules, scoped or not', () => {
    const packages = new PackageResolver();
    expect(packages.packageOf('/srv/app/node_modules/lodash/lodash.js')).toBe('lodash');
    expect(packages.packageOf('/srv/app/node_modules/@grpc/grpc-js/build/src/index.js')).toBe('@grpc/grpc-js');
    expect(packages.packageOf('/srv/app/node_modules/.pnpm/pino@10.4.0/node_modules/pino/pino.js')).toBe('pino');
    expect(packages.packageOf('C:\\app\\node_modules\\left-pad\\index.js')).toBe('left-pad');
  });

  it("puts Node's own code and V8's pseudo-frames in node:internal", () => {
    const packages = new PackageResolver();
    expect(packages.packageOf('node:internal/fs/utils')).toBe(NODE_INTERNAL);
    expect(packages.packageOf('node:buffer')).toBe(NODE_INTERNAL);
    expect(packages.packageOf('(V8 API)')).toBe(NODE_INTERNAL);
  });

  it('gives app files the name of their nearest named package.json', () => {
    const packages = new PackageResolver();
    expect(packages.packageOf(path.join(directory, 'src', 'deep', 'x.js'))).toBe('fixture-app');
    expect(packages.packageOf('webpack://app/./src/x.ts')).toBe(UNNAMED_APP);
  });

  it('groups a running app’s memory by the dependency that holds it', async () => {
    const { packages } = await runFixture<{ packages: [string, number][] }>(path.join(directory, 'main.js'), [], { cwd: directory });
    expect(packages[0]?.[0]).toBe('cache-hog');
    expect(packages.map(([name]) => name)).toContain('fixture-app');
    const own = packages.find(([name]) => name === 'fixture-app') as [string, number];
    expect(packages[0]?.[1]).toBeGreaterThan(own[1]);
  });
});

export type { DescribedStatistic };
