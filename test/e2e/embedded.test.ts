import * as path from 'node:path';
import { ChildProcess, startEmbeddingService, stopEmbeddingService } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { RawPvaClient } from '../helpers/pva-raw-client';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

// A Node service embeds the IOC with startIoc (CA in a worker thread), and libca watches it.

const HOST = path.join(__dirname, '..', 'fixtures', 'ioc', 'host-service.js');

describe('an IOC embedded in a Node service', () => {
  let host: ChildProcess;
  let env: Record<string, string>;
  let pvaPort: number;
  let pvaBroadcastPort: number;

  beforeAll(async () => {
    env = loopbackEnv(await freePort(), await freePort());
    pvaPort = await freePort();
    pvaBroadcastPort = await freePort();
    const pva = { serverPort: pvaPort, broadcastPort: pvaBroadcastPort, interfaces: ['127.0.0.1'], autoBeaconAddresses: false };
    const options = { prefix: 'HOST:', status: { period: 0.5, limits: { minPeriod: 0.5 } }, tracing: { period: 1 }, logging: { level: 'warn' }, pva };
    host = await startEmbeddingService(HOST, options, env);
  });
  afterAll(() => stopEmbeddingService(host));

  it('tells the host both ports from the worker, and serves pvAccess on its own', async () => {
    host.send('ports');
    const [, caPort, pvaTcpPort] = (await host.waitForLine(/^ports \d+ \d+$/)).split(' ').map(Number);
    expect([caPort, pvaTcpPort]).toEqual([Number(env.EPICS_CAS_SERVER_PORT), pvaPort]);
    const client = await RawPvaClient.connect(pvaTcpPort!);
    try {
      expect(await client.createChannel('HOST:HEARTBEAT')).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  // The twin through a real client: epics-tca finds HEARTBEAT by a pvAccess search and reads it.
  it('serves pvAccess to epics-tca on its own', async () => {
    const context = await startTcaContext({ ...env, EPICS_PVA_SERVER_PORT: String(pvaPort), EPICS_PVA_BROADCAST_PORT: String(pvaBroadcastPort) });
    try {
      const channel = await context.createChannel('HOST:HEARTBEAT', 'pva', 5);
      const data = (await channel?.getPva(5, '')) as { value?: unknown } | undefined;
      expect(data?.value).toEqual(expect.any(Number));
      expect(data?.value).toBeGreaterThan(0);
    } finally {
      await stopTcaContext(context);
    }
  });

  it('answers caget of HEARTBEAT while the host blocks its event loop for 3 s, before the host is free again', async () => {
    const before = await runPyepics<{ heartbeat: number }>(`emit({'heartbeat': epics.caget('HOST:HEARTBEAT', timeout=5)})`, env);
    expect(before.heartbeat).toBeGreaterThan(0);
    const watcher = startPyepics<{ heartbeat: number; later: number; lags: number[] }>(
      `
lags = []
lag = ca.create_channel('HOST:EVENT_LOOP_LAG')
ca.connect_channel(lag, timeout=5)
sub = ca.create_subscription(lag, callback=lambda value=None, **kw: lags.append(value))
say('go')
sys.stdin.readline()
heartbeat = epics.caget('HOST:HEARTBEAT', timeout=5)
# The next tick (status period 0.5 s) comes within the 3 s stall, if the CA thread keeps ticking.
wait_until(lambda: (epics.caget('HOST:HEARTBEAT', timeout=5) or 0) > heartbeat, timeout=1.5)
later = epics.caget('HOST:HEARTBEAT', timeout=5)
say('served')
# The first period after the stall posts its lag to the monitor.
wait_until(lambda: any(lag > 2000 for lag in lags), timeout=10)
emit({'heartbeat': heartbeat, 'later': later, 'lags': lags})
`,
      env,
    );
    await watcher.waitForLine('go');
    host.send('block 3000');
    await host.waitForLine(/^blocking$/, 10000);
    watcher.send('go');
    // Both reads were answered while the host's thread was still stuck: before it said so.
    await watcher.waitForLine('served');
    expect(host.lines).not.toContain('unblocked');
    const during = await watcher.result;
    await host.waitForLine(/^unblocked$/, 10000);
    expect(during.heartbeat).toBeGreaterThan(0);
    // HEARTBEAT ticks in the CA thread while the host thread is stuck.
    expect(during.later).toBeGreaterThan(during.heartbeat);
    // The period after the stall reports it; a monitor (as an archiver) sees it.
    expect(Math.max(...during.lags)).toBeGreaterThan(2000);
  });

  it('traces the host thread: a leak in a known function comes first and grows in the diff', async () => {
    host.send('leak');
    const result = await runPyepics<{ top: string; diff: string }>(
      `
epics.caput('HOST:EnableTracing', 'Enable', wait=True)
# Snapshots every second (tracing period 1): wait for one that shows the leak's growth since the one before.
wait_until(lambda: '#' in (read_text('HOST:TraceTopAllocations') or '') and '(+' in ''.join((read_text('HOST:TraceDiffResults') or '').splitlines()[:1]), timeout=20)
emit({'top': read_text('HOST:TraceTopAllocations'), 'diff': read_text('HOST:TraceDiffResults')})
`,
      env,
      30000,
    );
    const entries = result.top.split('\n').filter((line) => line.startsWith('#'));
    expect(entries.length).toBeGreaterThan(0);
    for (const line of entries) expect(line).toMatch(/^#\d+: .+:\d+: [\d.]+ KiB$/);
    expect(entries[0]).toMatch(/host-service\.js:\d+/);
    expect(result.top.split('\n')[1]).toMatch(/^    leakInKnownFunction: /);
    expect(result.diff.split('\n')[0]).toMatch(/host-service\.js:\d+: size=.*\(\+[\d.]+ [KM]iB\)/);
  });
});
