import type { Context } from 'epics-tca';
import { DEFAULT_CONFIG, type IocConfig } from '../../src/ioc/config/ioc-config';
import { fitLocation } from '../../src/ioc/devices/memory-tracing/trace-results';
import { startIocCore, type IocCore } from '../../src/ioc/ioc-core';
import { silentLogger } from '../../src/logger';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

// The result lists as data: each list's NTTable over pvAccess (epics-tca) and its numeric and
// string waveforms (libca through pyepics) say what its text says.

const kept: unknown[] = [];
function keepTables(count: number): void {
  for (let i = 0; i < count; i++) kept.push(new Array(2048).fill(i));
}

interface TableData {
  labels: string[];
  value: {
    rank: number[];
    location: string[];
    functionName: string[];
    package: string[];
    bytes: number[];
    count: number[];
    deltaBytes: number[];
    deltaCount: number[];
    external: boolean[];
  };
}

describe('the lists as NTTables and waveforms', () => {
  let core: IocCore;
  let context: Context;
  let caEnv: Record<string, string>;

  beforeAll(async () => {
    caEnv = loopbackEnv(await freePort(), await freePort());
    const pvaPort = await freePort();
    const broadcastPort = await freePort();
    const config: IocConfig = {
      ...DEFAULT_CONFIG,
      prefix: 'TT:',
      groups: { memoryTracing: { enabled: true, macros: '' }, iocStats: { enabled: false, macros: '' } },
      // One snapshot at start, none after: every reader sees the same lists.
      tracing: { ...DEFAULT_CONFIG.tracing, enabled: true, period: 3600, samplingInterval: 8192 },
      pva: { ...DEFAULT_CONFIG.pva, serverPort: pvaPort, broadcastPort, interfaces: ['127.0.0.1'], autoBeaconAddresses: false, beaconAddresses: ['127.0.0.1'] },
      thread: 'main',
    };
    core = await startIocCore({ config, logger: silentLogger(), observedThread: 'current', metrics: () => undefined, env: caEnv });
    context = await startTcaContext({
      ...caEnv,
      EPICS_PVA_ADDR_LIST: '127.0.0.1',
      EPICS_PVA_AUTO_ADDR_LIST: 'NO',
      EPICS_PVA_SERVER_PORT: String(core.pvaServer!.tcpPort),
      EPICS_PVA_BROADCAST_PORT: String(broadcastPort),
    });
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await core.close();
    kept.length = 0;
  });

  // One channel per PV for the whole file: a new channel costs a search.
  const channels = new Map<string, Awaited<ReturnType<Context['createChannel']>>>();
  const getPva = async (name: string) => {
    if (!channels.has(name)) channels.set(name, await context.createChannel(name, 'pva', 5));
    const channel = channels.get(name);
    if (!channel) throw new Error(`${name} did not connect`);
    // epics-tca does not type the structure: each test says which table shape it reads.
    const data: unknown = await channel.getPva(5, '');
    return data;
  };

  it('serves TraceTopTable as an NTTable whose rows are the text entries, as are the waveforms', async () => {
    let table = (await getPva('TT:TraceTopTable')) as TableData & Record<string, unknown>;
    for (let tries = 0; table.value.rank.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      table = (await getPva('TT:TraceTopTable')) as TableData & Record<string, unknown>;
    }
    expect(table.labels).toEqual(['rank', 'location', 'function', 'package', 'bytes', 'count', 'delta bytes', 'delta count', 'external']);
    // Sampling runs: what is kept from now on shows in the next snapshot.
    keepTables(400);
    const ca = await runPyepics<{ text: string; bytes: number[]; counts: number[]; locations: string[] }>(
      `
epics.caput('TT:TraceSnapshot', 1, wait=True)
deadline = time.time() + 20
while epics.caget('TT:TraceSnapshot') != 0 and time.time() < deadline:
    time.sleep(0.1)
emit({'text': read_text('TT:TraceTopAllocations'), 'bytes': list(epics.caget('TT:TraceTopBytes')),
      'counts': list(epics.caget('TT:TraceTopCounts')), 'locations': list(epics.caget('TT:TraceTopLocations'))})
`,
      caEnv,
    );
    table = (await getPva('TT:TraceTopTable')) as TableData & Record<string, unknown>;
    const entries = ca.text
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => /^#(\d+): (.+): (\d+\.\d) KiB$/.exec(line)!);
    expect(entries.length).toBeGreaterThan(1);
    expect(table.value.rank).toEqual(entries.map((entry) => Number(entry[1])));
    expect(table.value.location).toEqual(entries.map((entry) => entry[2]));
    // The text rounds KiB as Python's %.1f does (ties to even), so compare within its rounding.
    table.value.bytes.forEach((bytes, index) => expect(Math.abs(bytes / 1024 - Number(entries[index]![3]))).toBeLessThanOrEqual(0.05 + 1e-9));
    expect(ca.bytes).toEqual(table.value.bytes);
    expect(ca.counts).toEqual(table.value.count);
    // DBR_STRING elements hold 39 bytes: a longer location keeps its end.
    expect(ca.locations).toEqual(table.value.location.map(fitLocation));
    expect(table.value.functionName[0]).toBe('keepTables');
    expect(table.value.external.every((external) => !external)).toBe(true);
    // The diff table ranks by change: keepTables grew the most since the first snapshot.
    const diff = (await getPva('TT:TraceDiffTable')) as TableData;
    expect(diff.value.functionName[0]).toBe('keepTables');
    expect(diff.value.deltaBytes[0]).toBeGreaterThan(0);
  }, 60_000);

  it('refuses writes to a table', async () => {
    await getPva('TT:TraceTopTable');
    const status = (await channels.get('TT:TraceTopTable')!.putPva('value.rank', [1], 5)) as { type: number };
    expect([0, 255]).not.toContain(status.type);
  });
});
