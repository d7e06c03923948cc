import type { Context } from 'epics-tca';
import { DEFAULT_CONFIG, type IocConfig } from '../../src/ioc/config/ioc-config';
import { startIocCore, type IocCore } from '../../src/ioc/ioc-core';
import { MEMORY_TRACING_DB } from '../../src/ioc/records-files';
import { silentLogger } from '../../src/logger';
import { freePort, loopbackEnv } from '../helpers/ports';
import { PY_WAIT_FOR, runPyepics, startPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

// The shipped memoryTracing.db loaded by a site under prefixes of its own, as `memtrace-ioc
// -m P=LAB: -d records/memoryTracing.db -m P=LAB2: -d records/memoryTracing.db` loads it: two
// views of the one tracing engine, wired by DTYP "Memory tracing" and "@parameter", read and
// driven by libca (pyepics) and epics-tca (pvAccess).

const kept: unknown[] = [];
function keepArrays(count: number): void {
  for (let i = 0; i < count; i++) kept.push(new Array(2048).fill(i));
}

describe('memoryTracing.db loaded under other prefixes', () => {
  let core: IocCore;
  let env: Record<string, string>;
  let context: Context;

  beforeAll(async () => {
    env = loopbackEnv(await freePort(), await freePort());
    const broadcastPort = await freePort();
    const config: IocConfig = {
      ...DEFAULT_CONFIG,
      prefix: 'MV:',
      groups: { memoryTracing: { enabled: true, macros: '' }, iocStats: { enabled: false, macros: '' } },
      databases: [
        { file: MEMORY_TRACING_DB, macros: 'P=LAB:' },
        { file: MEMORY_TRACING_DB, macros: 'P=LAB2:' },
      ],
      tracing: { ...DEFAULT_CONFIG.tracing, period: 3600 },
      pva: { ...DEFAULT_CONFIG.pva, serverPort: 0, broadcastPort, interfaces: ['127.0.0.1'], autoBeaconAddresses: false, beaconAddresses: ['127.0.0.1'] },
      thread: 'main',
    };
    core = await startIocCore({ config, logger: silentLogger(), observedThread: 'current', metrics: () => undefined, env });
    context = await startTcaContext({ ...env, EPICS_PVA_SERVER_PORT: String(core.pvaServer!.tcpPort), EPICS_PVA_BROADCAST_PORT: String(broadcastPort) });
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await core.close();
    kept.length = 0;
  });

  it('replaces the default load: the named file serves its prefixes, the default prefix none', () => {
    expect(core.database.hasRecord('MV:EnableTracing')).toBe(false);
    expect(core.database.hasRecord('LAB:EnableTracing')).toBe(true);
    expect(core.database.hasRecord('LAB2:TraceStatus')).toBe(true);
  });

  it('acts on the one engine from either view, and both views follow', async () => {
    const session = startPyepics<Record<string, unknown>>(
      `${PY_WAIT_FOR}
out = {'before': epics.caget('LAB2:TraceStatus', as_string=True)}
epics.caput('LAB:EnableTracing', 'Enable', wait=True)
out['status'] = wait_for('LAB2:TraceStatus', lambda v, kw: v == 'tracing this process', timeout=20)['value']
out['own'] = epics.caget('LAB:TraceStatus', as_string=True)
out['enable2'] = epics.caget('LAB2:EnableTracing', as_string=True)
say('tracing')
sys.stdin.readline()
# A snapshot asked through one view; its list read through the other.
epics.caput('LAB2:TraceSnapshot', 1, wait=True)
wait_for('LAB2:TraceSnapshot', lambda v, kw: v == 0, timeout=20)
out['topText'] = read_text('LAB:TraceTopAllocations')
epics.caput('LAB2:TraceCount', 3, wait=True)
out['count'] = wait_for('LAB:TraceCount', lambda v, kw: v == 3)['value']
epics.caput('LAB2:EnableTracing', 'Disable', wait=True)
out['disabled'] = wait_for('LAB:TraceStatus', lambda v, kw: v == 'disabled', timeout=20)['value']
out['enable'] = epics.caget('LAB:EnableTracing', as_string=True)
emit(out)
`,
      env,
      60_000,
    );
    await session.waitForLine('tracing', 30_000);
    // Memory this (the traced) process keeps from now on, so that the list has an entry to show.
    keepArrays(400);
    session.send('go');
    const result = await session.result;
    expect(result).toMatchObject({
      before: 'disabled',
      status: 'tracing this process',
      own: 'tracing this process',
      enable2: 'Enable',
      count: 3,
      disabled: 'disabled',
      enable: 'Disable',
    });
    expect(result.topText).toMatch(/^#1: .*\n/);
    expect(result.topText).toMatch(/keepArrays/);
  }, 70_000);

  it('gives clients no write access to the results, and keeps their alarm limits and the settings writable', async () => {
    const result = await runPyepics<{ access: Record<string, boolean>; put: string; status: string }>(
      `
names = ['LAB:TraceStatus', 'LAB:TracedMemory', 'LAB:TraceTopAllocations', 'LAB:TraceTopBytes', 'LAB:TraceTopLocations',
         'LAB:TraceHeapSnapshotStatus', 'LAB:TraceGrowthRate.HIHI', 'LAB:TracedMemory.HIGH', 'LAB:TraceStatus.DESC',
         'LAB:EnableTracing', 'LAB:TraceDumpFormat']
access = {}
for n in names:
    chid = ca.create_channel(n)
    ca.connect_channel(chid, timeout=5)
    access[n] = bool(ca.write_access(chid))
try:
    epics.caput('LAB:TraceStatus', 'hacked', wait=True, timeout=5)
    put = 'accepted'
except Exception as error:
    put = str(error)
emit({'access': access, 'put': put, 'status': epics.caget('LAB:TraceStatus', as_string=True)})
`,
      env,
    );
    expect(result.access).toEqual({
      'LAB:TraceStatus': false,
      'LAB:TracedMemory': false,
      'LAB:TraceTopAllocations': false,
      'LAB:TraceTopBytes': false,
      'LAB:TraceTopLocations': false,
      'LAB:TraceHeapSnapshotStatus': false,
      'LAB:TraceGrowthRate.HIHI': true,
      'LAB:TracedMemory.HIGH': true,
      'LAB:TraceStatus.DESC': true,
      'LAB:EnableTracing': true,
      'LAB:TraceDumpFormat': true,
    });
    // libca itself refuses a put to a channel without write access (ECA_NOWTACCESS).
    expect(result.put).toMatch(/write access/i);
    expect(result.status).not.toBe('hacked');
  });

  it("refuses a pvAccess put to a result, and serves each view's NTTables", async () => {
    const status = await context.createChannel('LAB2:TraceStatus', 'pva', 5);
    const put = (await status!.putPva('value', ['hacked'], 5)) as { type: number };
    // 0 is OK, 255 none at all: anything else is an error status.
    expect([0, 255]).not.toContain(put.type);
    expect(core.database.record('LAB2:TraceStatus', 'string').get()).not.toBe('hacked');
    for (const name of ['LAB:TraceTopTable', 'LAB2:TraceSuspectTable']) {
      const table = await context.createChannel(name, 'pva', 5);
      const value = (await table!.getPva(5, '')) as { labels: string[] };
      expect(value.labels[0]).toBe('rank');
    }
  });
});

describe('memoryTracing.db loaded while the database runs', () => {
  let core: IocCore;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = loopbackEnv(await freePort(), await freePort());
    const config: IocConfig = {
      ...DEFAULT_CONFIG,
      groups: { memoryTracing: { enabled: false, macros: '' }, iocStats: { enabled: false, macros: '' } },
      protocols: { ...DEFAULT_CONFIG.protocols, pva: false },
      thread: 'main',
    };
    core = await startIocCore({ config, logger: silentLogger(), observedThread: 'current', metrics: () => undefined, env });
  });
  afterAll(() => core.close());

  it('binds to a working engine, as dbLoadRecords after iocInit does', async () => {
    core.database.loadFile(MEMORY_TRACING_DB, { macros: 'P=LATE:' });
    const result = await runPyepics<{ before: string; status: string }>(
      `${PY_WAIT_FOR}
before = epics.caget('LATE:TraceStatus', as_string=True)
epics.caput('LATE:EnableTracing', 1, wait=True)
emit({'before': before, 'status': wait_for('LATE:TraceStatus', lambda v, kw: v == 'tracing this process', timeout=20)['value']})
`,
      env,
      40_000,
    );
    expect(result).toEqual({ before: 'disabled', status: 'tracing this process' });
  }, 50_000);
});
