import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Context } from 'epics-tca';
import { DEFAULT_CONFIG, type IocConfig } from '../../src/ioc/config/ioc-config';
import { startIocCore, type IocCore } from '../../src/ioc/ioc-core';
import { silentLogger } from '../../src/logger';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

/** The limits of an NTScalar that these tests read (epics-tca does not type getPva's result). */
interface Limited {
  control?: { limitLow?: number; limitHigh?: number };
  display?: { limitLow?: number; limitHigh?: number };
}

// What a client writes stays within bounds, over CA (libca: ECA_PUTFAIL) and pvAccess (epics-tca:
// an error status with the reason) alike:
// - TraceDumpFile names a file in the dump directory, and nothing else: a path, `..`, a symlink
//   (the dumps/escape -> elsewhere) or a name that exists is refused, and nothing is written;
// - each setting takes the values of its one declared range (src/ioc/config/setting-ranges.ts),
//   which its DRVH/DRVL and HOPR/LOPR show: a value at each bound is taken, one past it refused.

const ECA_PUTFAIL = 160; // caerr.h: CA_INSERT_MSG_NO(20) with CA_K_WARNING
const ECA_NORMAL = 1;
const REFUSED = ['escape/evil', 'escape', '../evil', '/tmp/evil', 'taken', '.hidden'];
/** [setting, value, taken]: each bound, and just past it (2e9: the interval, once taken over CA). */
const BOUNDS: Array<[string, number, boolean]> = [
  ['TracePeriod', 1, true],
  ['TracePeriod', 0.99, false],
  ['TracePeriod', 86400, true],
  ['TracePeriod', 86400.5, false],
  ['TraceSamplingInterval', 1024, true],
  ['TraceSamplingInterval', 1023, false],
  ['TraceSamplingInterval', 2 ** 30, true],
  ['TraceSamplingInterval', 2 ** 30 + 1, false],
  ['TraceSamplingInterval', 2e9, false],
  ['TraceCount', 1, true],
  ['TraceCount', 0, false],
  ['TraceCount', 1000, true],
  ['TraceCount', 1001, false],
];
const LIMITS = { TracePeriod: [1, 86400], TraceSamplingInterval: [1024, 2 ** 30], TraceCount: [1, 1000] };

describe('the dump directory', () => {
  let root: string;
  let outside: string;
  let dumps: string;
  let core: IocCore;
  let env: Record<string, string>;
  let pvaEnv: Record<string, string>;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-dumpdir-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-escape-'));
    dumps = path.join(root, 'dumps');
    fs.mkdirSync(dumps);
    fs.symlinkSync(outside, path.join(dumps, 'escape'));
    fs.writeFileSync(path.join(dumps, 'taken'), 'keep');
    env = loopbackEnv(await freePort(), await freePort());
    const pvaUdp = await freePort();
    const config: IocConfig = {
      ...DEFAULT_CONFIG,
      prefix: 'DD:',
      groups: { memoryTracing: { enabled: true, macros: '' }, iocStats: { enabled: false, macros: '' } },
      tracing: { ...DEFAULT_CONFIG.tracing, enabled: true, dumpDirectory: dumps },
      pva: { ...DEFAULT_CONFIG.pva, serverPort: await freePort(), broadcastPort: pvaUdp, interfaces: ['127.0.0.1'], autoBeaconAddresses: false },
      thread: 'main',
    };
    core = await startIocCore({ config, logger: silentLogger(), observedThread: 'current', metrics: () => undefined, env });
    pvaEnv = { EPICS_PVA_SERVER_PORT: String(core.pvaServer!.tcpPort), EPICS_PVA_BROADCAST_PORT: String(pvaUdp) };
  });
  afterAll(async () => {
    await core.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('over CA (libca): refuses each escape with ECA_PUTFAIL, writes a plain name, then refuses it as taken', async () => {
    const result = await runPyepics<{ refused: Record<string, number>; named: number; dumped: number; file: string; again: number }>(
      `
refused = {name: put_status('DD:TraceDumpFile', name) for name in ${JSON.stringify(REFUSED)}}
# Tracing starts with the IOC; TraceDump waits for it.
t0 = time.time()
while epics.caget('DD:TraceStatus', as_string=True) != 'tracing this process' and time.time() - t0 < 20: time.sleep(0.1)
named = put_status('DD:TraceDumpFile', 'good.heapprofile')
dumped = put_status('DD:TraceDump', 1)
t0 = time.time()
file = ''
while not file.startswith('/') and time.time() - t0 < 20:
    time.sleep(0.1)
    file = epics.caget('DD:TraceDumpFile.VAL$', as_string=True) or ''
emit({'status': epics.caget('DD:TraceStatus', as_string=True), 'refused': refused, 'named': named, 'dumped': dumped, 'file': file, 'again': put_status('DD:TraceDumpFile', 'good.heapprofile')})
`,
      env,
      60000,
    );
    expect(result).toHaveProperty('status', 'tracing this process');
    expect(result.refused).toEqual(Object.fromEntries(REFUSED.map((name) => [name, ECA_PUTFAIL])));
    expect([result.named, result.dumped]).toEqual([ECA_NORMAL, ECA_NORMAL]);
    expect(result.file).toBe(path.join(fs.realpathSync(dumps), 'good.heapprofile'));
    expect(JSON.parse(fs.readFileSync(result.file, 'utf8'))).toHaveProperty('head');
    expect(result.again).toBe(ECA_PUTFAIL);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readFileSync(path.join(dumps, 'taken'), 'utf8')).toBe('keep');
    expect(fs.readdirSync(dumps).sort()).toEqual(['escape', 'good.heapprofile', 'taken']);
  }, 70000);

  it('over CA (libca): takes each setting at its bounds, refuses it past them, and shows them as limits', async () => {
    const result = await runPyepics<{ statuses: number[]; limits: Record<string, number[]> }>(
      `
statuses = [put_status('DD:' + name, value) for name, value, _ in ${JSON.stringify(BOUNDS).replace(/true/g, 'True').replace(/false/g, 'False')}]
limits = {}
for name in ${JSON.stringify(Object.keys(LIMITS))}:
    chid = ca.create_channel('DD:' + name)
    ca.connect_channel(chid, timeout=5)
    c = ca.get_ctrlvars(chid)
    limits[name] = [c['lower_ctrl_limit'], c['upper_ctrl_limit'], c['lower_disp_limit'], c['upper_disp_limit']]
emit({'statuses': statuses, 'limits': limits})
`,
      env,
    );
    expect(result.statuses).toEqual(BOUNDS.map(([, , taken]) => (taken ? ECA_NORMAL : ECA_PUTFAIL)));
    for (const [name, [low, high]] of Object.entries(LIMITS)) expect([name, result.limits[name]]).toEqual([name, [low, high, low, high]]);
  });

  describe('over pvAccess (epics-tca)', () => {
    let context: Context;
    beforeAll(async () => {
      context = await startTcaContext({ ...env, ...pvaEnv });
    });
    afterAll(() => stopTcaContext(context));

    it('answers each escape with an error status that says why', async () => {
      const channel = await context.createChannel('DD:TraceDumpFile', 'pva', 5);
      const messages: Record<string, string> = {};
      for (const name of REFUSED) {
        const status = (await channel!.putPva('value', [name], 5)) as { type: number; message: string };
        expect({ name, type: status.type }).toEqual({ name, type: 2 });
        messages[name] = status.message;
      }
      expect(messages['escape/evil']).toMatch(/not a plain file name/);
      expect(messages['../evil']).toMatch(/not a plain file name/);
      expect(messages.escape).toMatch(/exists already/);
      expect(messages.taken).toMatch(/exists already/);
      expect(fs.readdirSync(outside)).toEqual([]);
    });

    it('takes each setting at its bounds, refuses it past them with the range, and shows them as limits', async () => {
      for (const [name, value, taken] of BOUNDS) {
        const channel = await context.createChannel(`DD:${name}`, 'pva', 5);
        const status = (await channel!.putPva('value', [value], 5)) as { type: number; message: string };
        expect({ name, value, ok: [0, 255].includes(status.type) }).toEqual({ name, value, ok: taken });
        if (!taken) expect(status.message).toMatch(new RegExp(`${name} must be .*from ${LIMITS[name as keyof typeof LIMITS].join(' to ')}`));
      }
      for (const [name, [low, high]] of Object.entries(LIMITS)) {
        const data = (await (await context.createChannel(`DD:${name}`, 'pva', 5))!.getPva(5, '')) as Limited;
        expect([name, data.control?.limitLow, data.control?.limitHigh, data.display?.limitLow, data.display?.limitHigh]).toEqual([name, low, high, low, high]);
      }
    });
  });
});
