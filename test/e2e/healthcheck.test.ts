import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { textMatching } from '../helpers/matchers';

// The container's HEALTHCHECK, `node dist/ioc/healthcheck.js PV`, against a running IOC: it finds
// the PV by a UDP search and reads it over a circuit, exits 0 when it can, and 1 when it cannot.

const DIST = path.join(__dirname, '..', '..', 'dist', 'ioc');

async function healthcheck(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = new ChildProcess(process.execPath, [path.join(DIST, 'healthcheck.js'), ...args], env);
  const code = await child.waitForExit(15000);
  return { code, out: child.lines.join('\n'), err: child.stderr };
}

describe('healthcheck', () => {
  let directory: string;
  let ioc: ChildProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-health-'));
    env = loopbackEnv(await freePort(), await freePort());
    const config = path.join(directory, 'ioc.config.json');
    fs.writeFileSync(config, JSON.stringify({ prefix: 'HEALTH:', protocols: { ca: true, pva: false } }));
    ioc = new ChildProcess(process.execPath, [path.join(DIST, 'cli.js'), '--config', config], env);
    await ioc.waitForLine(/CA server listening/);
  });
  afterAll(async () => {
    await ioc.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('reads a PV of the running IOC and exits 0, printing its value and alarm', async () => {
    const result = await healthcheck(['HEALTH:EPICS_VERS'], env);
    expect(result).toMatchObject({ code: 0, out: textMatching(/^HEALTH:EPICS_VERS memtrace-ioc \d+\.\d+\.\d+ \(CA 4\.13\) \(status 0, severity 0\)$/) });
  });

  it('exits 1 with the reason when the PV is not served, or nothing answers', async () => {
    const missing = await healthcheck(['HEALTH:NO_SUCH_PV', '--timeout', '1'], env);
    expect(missing).toMatchObject({ code: 1, err: textMatching(/no search reply for HEALTH:NO_SUCH_PV/) });
    const silent = await healthcheck(['HEALTH:HEARTBEAT', '--timeout', '1'], { ...env, EPICS_CA_SERVER_PORT: String(await freePort()) });
    expect(silent).toMatchObject({ code: 1, err: textMatching(/no search reply for HEALTH:HEARTBEAT/) });
  });

  it('exits 2 with its usage when no PV is named', async () => {
    expect(await healthcheck([], env)).toMatchObject({ code: 2, err: textMatching(/^healthcheck: no PV named\nusage:/) });
  });
});
