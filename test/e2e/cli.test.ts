import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { PY_WAIT_FOR, runPyepics } from '../helpers/pyepics';
import { textMatching } from '../helpers/matchers';

// The memtrace-ioc command as users start it, watched by libca.

const CLI = path.join(__dirname, '..', '..', 'dist', 'ioc', 'cli.js');

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = new ChildProcess(process.execPath, [CLI, ...args], env);
  const code = await child.waitForExit(15000);
  return { code, out: child.lines.join('\n'), err: child.stderr };
}

describe('memtrace-ioc command', () => {
  let directory: string;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-cli-'));
    fs.writeFileSync(path.join(directory, 'extra.db'), 'record(ai, "$(P)TEMP") { field(EGU, "degC") field(VAL, "21.5") }\n');
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('prints help and version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/-d FILE/);
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, out: textMatching(/^memtrace-ioc \d+\.\d+\.\d+$/) });
  });

  it('lists the PVs of both groups and of -d files with -m macros, as softIoc takes them', async () => {
    const listed = await run(['--prefix', 'X:', '-D', 'softIoc.dbd', '-S', '-m', 'P=LAB:', '-d', path.join(directory, 'extra.db'), '--list-pvs']);
    expect(listed.code).toBe(0);
    const names = listed.out.split('\n');
    expect(names).toEqual(expect.arrayContaining(['X:EnableTracing', 'X:TraceTopAllocations', 'X:HEARTBEAT', 'X:EVENT_LOOP_LAG', 'LAB:TEMP']));
  });

  it('stops start-up on a bad configuration, naming the JSON path and the reason', async () => {
    const file = path.join(directory, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ tracing: { period: 0, colour: 'red' }, ca: { serverPort: 'x' } }));
    const result = await run(['--config', file]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/\$\.tracing\.period: 0 is outside/);
    expect(result.err).toMatch(/\$\.tracing\.colour: unknown key/);
    expect(result.err).toMatch(/\$\.ca\.serverPort: expected a number/);
  });

  it('refuses an unknown option with a usage error', async () => {
    const result = await run(['--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown option --frobnicate/);
  });

  describe('serving', () => {
    let ioc: ChildProcess;
    let env: Record<string, string>;

    beforeAll(async () => {
      env = loopbackEnv(await freePort(), await freePort());
      const config = path.join(directory, 'ioc.config.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          prefix: 'CLI:',
          // devIocStats' CA group updates every second here (its ca_scan_rate ao record, default 15 s).
          groups: { iocStats: { macros: 'CA_UPD_TIME=1' } },
          tracing: { period: 1, dumpDirectory: path.join(directory, 'dumps') },
          status: { period: 0.5, limits: { minPeriod: 0.5 } },
        }),
      );
      ioc = new ChildProcess(process.execPath, [CLI, '--config', config, '-m', 'P=CLI:', '-d', path.join(directory, 'extra.db')], env);
      await ioc.waitForLine(/CA server listening/);
    });
    afterAll(() => ioc.stop());

    it('serves every PV of both groups with its DBR type, units and labels', async () => {
      const names = [...(await run(['--prefix', 'CLI:', '--list-pvs'])).out.split('\n').filter(Boolean), 'CLI:TEMP'];
      const result = await runPyepics<Record<string, { type: number; units?: string; enum_strs?: string[] }>>(
        `
out = {}
names = ${JSON.stringify(names)}
chans = {n: ca.create_channel(n) for n in names}
for n, c in chans.items():
    if not ca.connect_channel(c, timeout=5):
        out[n] = {'type': -1}
        continue
    md = ca.get_with_metadata(c, ftype=ca.promote_type(c, use_ctrl=True), timeout=5) or {}
    out[n] = {'type': ca.field_type(c), 'units': md.get('units'), 'enum_strs': md.get('enum_strs')}
emit(out)
`,
        env,
        60000,
      );
      const typeOf = (name: string) => result[`CLI:${name}`]?.type;
      for (const name of names) expect([name, result[name]!.type >= 0]).toEqual([name, true]);
      expect(typeOf('EnableTracing')).toBe(3);
      expect(result['CLI:EnableTracing']!.enum_strs).toEqual(['Disable', 'Enable']);
      expect(result['CLI:TraceKeyType']!.enum_strs).toEqual(['lineno', 'filename', 'traceback', 'package']);
      expect(result['CLI:TraceMode']!.enum_strs).toEqual(['live', 'allocated']);
      expect(typeOf('TraceTopAllocations')).toBe(4);
      expect(typeOf('TraceDiffResults')).toBe(4);
      expect(typeOf('TraceCount')).toBe(5);
      expect(result['CLI:TracePeriod']).toMatchObject({ type: 6, units: 's' });
      expect(result['CLI:TracedMemory']).toMatchObject({ type: 6, units: 'bytes' });
      expect(result['CLI:HEAP_USED']).toMatchObject({ type: 6, units: 'byte' });
      expect(result['CLI:EVENT_LOOP_LAG']).toMatchObject({ type: 6, units: 'ms' });
      expect(result['CLI:IOC_CPU_LOAD']).toMatchObject({ type: 6, units: '%' });
      expect(typeOf('UPTIME')).toBe(0);
      expect(result['CLI:TEMP']).toMatchObject({ type: 6, units: 'degC' });
    });

    it('counts its CA clients and channels', async () => {
      const result = await runPyepics<{ clients: number; channels: number }>(
        `${PY_WAIT_FOR}
chans = [ca.create_channel('CLI:' + n) for n in ('HEAP_USED', 'RSS', 'TOD')]
for c in chans: ca.connect_channel(c, timeout=5)
clients = wait_for('CLI:CA_CLNT_CNT', lambda v, kw: v is not None and v >= 1)['value']
channels = wait_for('CLI:CA_CONN_CNT', lambda v, kw: v is not None and v >= 3)['value']
emit({'clients': clients, 'channels': channels})
`,
        env,
      );
      expect(result.clients).toBeGreaterThanOrEqual(1);
      expect(result.channels).toBeGreaterThanOrEqual(3);
    });

    it('logs that SIGHUP has nothing to reload without -a, and keeps serving (softIoc ignores it too)', async () => {
      const before = await runPyepics<{ heartbeat: number }>(`emit({'heartbeat': epics.caget('CLI:HEARTBEAT', timeout=5)})`, env);
      ioc.signal('SIGHUP');
      await ioc.waitForLine(/SIGHUP: no access security file; nothing to reload/);
      // HEARTBEAT is devIocStats' calcout, scanned each second: wait for its next count.
      const after = await runPyepics<{ heartbeat: number }>(
        `${PY_WAIT_FOR}
emit({'heartbeat': wait_for('CLI:HEARTBEAT', lambda v, kw: v is not None and v > ${before.heartbeat})['value']})`,
        env,
      );
      expect(ioc.exitCode).toBeUndefined();
      expect(after.heartbeat).toBeGreaterThan(before.heartbeat);
    });

    // No timing assertion: a shutdown that hangs fails through waitForExit's own bound.
    it('exits 0 on SIGTERM, telling clients', async () => {
      ioc.signal('SIGTERM');
      const code = await ioc.waitForExit(5000);
      expect(code).toBe(0);
    });
  });
});
