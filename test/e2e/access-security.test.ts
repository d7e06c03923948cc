import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';

// Access security as users turn it on: `memtrace-ioc -a FILE` (re-read on SIGHUP), and
// startIoc({ accessSecurity }) in a host service; both serve CA from a worker thread.

const CLI = path.join(__dirname, '..', '..', 'dist', 'ioc', 'cli.js');
const HOST = path.join(__dirname, '..', 'fixtures', 'ioc', 'host-service.js');

/** The MEMTRACE group writable by one user, named by the macro OPERATOR. */
const ACF = 'UAG(ops) { $(OPERATOR) }\nASG(DEFAULT) { RULE(1, WRITE) }\nASG(MEMTRACE) { RULE(1, READ) RULE(1, WRITE) { UAG(ops) } }\n';
const RESTRICTED = ACF.replace('$(OPERATOR)', 'somebody_else');

/** Whether libca (running as root, as the tests do) may write `pv`. */
async function mayWrite(pv: string, env: Record<string, string>): Promise<boolean> {
  const result = await runPyepics<{ write: boolean }>(
    `
chid = ca.create_channel('${pv}')
ca.connect_channel(chid, timeout=5)
emit({'write': bool(ca.write_access(chid))})
`,
    env,
  );
  return result.write;
}

describe('access security in the memtrace-ioc command and startIoc', () => {
  let directory: string;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-e2e-acf-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('stops start-up on a file with an error, naming the file, line, column and reason', async () => {
    const file = path.join(directory, 'bad.acf');
    fs.writeFileSync(file, 'ASG(MEMTRACE) {\n    RULE(1, WRITE) { UAG(ops) }\n}\n');
    const child = new ChildProcess(process.execPath, [CLI, '--prefix', 'BAD:', '-a', file], loopbackEnv(await freePort(), await freePort()));
    const code = await child.waitForExit(15000);
    expect(code).toBe(1);
    expect(child.stderr).toContain(`memtrace-ioc: ${file}:2:26: No User Access Group named 'ops' defined\n`);
    expect(child.stderr).not.toMatch(/\n\s+at /);
  });

  it('loads -a FILE with the -m macros in force, and re-reads it on SIGHUP', async () => {
    const file = path.join(directory, 'cli.acf');
    fs.writeFileSync(file, ACF);
    const env = loopbackEnv(await freePort(), await freePort());
    const ioc = new ChildProcess(process.execPath, [CLI, '--prefix', 'ACF:', '-m', 'OPERATOR=root', '-a', file], env);
    try {
      await ioc.waitForLine(/CA server listening/);
      expect(await mayWrite('ACF:EnableTracing', env)).toBe(true);
      fs.writeFileSync(file, RESTRICTED);
      ioc.signal('SIGHUP');
      let writable = true;
      for (const deadline = Date.now() + 10000; writable && Date.now() < deadline;) writable = await mayWrite('ACF:EnableTracing', env);
      expect(writable).toBe(false);
      expect(await mayWrite('ACF:HEAP_USED.DESC', env)).toBe(true);
    } finally {
      await ioc.stop();
    }
  });

  it('takes accessSecurity in startIoc, and re-reads it in the worker on ioc.reloadAccessSecurity()', async () => {
    const file = path.join(directory, 'embedded.acf');
    fs.writeFileSync(file, ACF);
    const env = loopbackEnv(await freePort(), await freePort());
    const options = { prefix: 'EMB:', accessSecurity: { file, macros: 'OPERATOR=root' }, logging: { level: 'warn' } };
    const host = new ChildProcess(process.execPath, [HOST, JSON.stringify(options)], env);
    try {
      await host.waitForLine(/^ready \d+$/);
      expect(await mayWrite('EMB:TracePeriod', env)).toBe(true);
      fs.writeFileSync(file, RESTRICTED);
      host.send('reloadacf');
      await host.waitForLine(/^reloaded$/);
      expect(await mayWrite('EMB:TracePeriod', env)).toBe(false);
      fs.writeFileSync(file, 'ASG(MEMTRACE) { RULE(1, WRITE }\n');
      host.send('reloadacf');
      expect(await host.waitForLine(/^reload failed/)).toBe(`reload failed: ${file}:1:31: expected ')', found '}'`);
      expect(await mayWrite('EMB:TracePeriod', env)).toBe(false);
    } finally {
      await host.stop();
    }
  });
});
