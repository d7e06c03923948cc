import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OWN_DEPENDENCIES } from '../../../src/tracing/frame-resolver';
import { dependencyClosure } from '../../../src/tracing/own-dependencies';

function writePackage(directory: string, manifest: object): void {
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, 'package.json'), JSON.stringify(manifest));
}

describe('dependencyClosure', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-deps-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('follows dependencies as Node resolves them (nested first, then hoisted), not devDependencies, and skips what is not installed', () => {
    const app = path.join(root, 'app');
    writePackage(app, { name: 'app', dependencies: { logger: '1' }, optionalDependencies: { absent: '1' }, devDependencies: { tester: '1' } });
    writePackage(path.join(app, 'node_modules', 'logger'), { name: 'logger', dependencies: { writer: '1', '@scope/format': '1' } });
    writePackage(path.join(app, 'node_modules', 'logger', 'node_modules', 'writer'), { name: 'writer', dependencies: { logger: '1' } });
    writePackage(path.join(root, 'node_modules', '@scope', 'format'), { name: '@scope/format' });
    writePackage(path.join(app, 'node_modules', 'tester'), { name: 'tester', dependencies: { unrelated: '1' } });
    expect(dependencyClosure(app)).toEqual(['@scope/format', 'logger', 'writer']);
  });

  it("holds memtrace-ioc's logger and what it writes through", () => {
    expect(OWN_DEPENDENCIES).toEqual(expect.arrayContaining(['pino', 'sonic-boom', 'pprof-format']));
    expect(OWN_DEPENDENCIES).not.toContain('jest');
  });
});
