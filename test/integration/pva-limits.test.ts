import type { Context } from 'epics-tca';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { Command } from '../../src/pva/protocol';
import { RawPvaClient } from '../helpers/pva-raw-client';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { pvaValue, startTcaContext, stopTcaContext } from '../helpers/tca';

// The limits CA has (test/integration/ca-limits.test.ts), over pvAccess: past a limit a client gets
// an error status or a closed connection; the server and its other clients go on.

const until = async (condition: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !condition() && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
};

describe('pvAccess limits per server and per connection, through epics-tca', () => {
  let server: TestPvaServer;
  let context: Context;
  beforeAll(async () => {
    const pvs = [0, 1, 2, 3].map((i) => new SimplePv({ name: `PL:PV${i}`, type: FieldType.LONG, value: i }));
    server = await startTestPvaServer(new PvMap(pvs), undefined, { maxChannelsPerCircuit: 2, maxSubscriptionsPerCircuit: 2 });
    context = await startTcaContext(server.clientEnv);
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await server.close();
  });

  it('refuses the channel past maxChannelsPerCircuit, and keeps serving the others', async () => {
    const first = await context.createChannel('PL:PV0', 'pva', 5);
    const second = await context.createChannel('PL:PV1', 'pva', 5);
    expect(first && second).toBeTruthy();
    // epics-tca's one connection to the server now holds two channels: a third is refused.
    expect(await context.createChannel('PL:PV2', 'pva', 1)).toBeUndefined();
    expect(server.server.statistics().channels).toBe(2);
    // (epics-tca loses track of the channel created just before the refused one; the first serves on.)
    expect(((await first!.getPva(5, '')) as { value: number }).value).toBe(0);
    await first!.destroyHard();
    await second!.destroyHard();
  });

  it('refuses the operation past maxSubscriptionsPerCircuit (get, put and monitor operations count)', async () => {
    const channel = await context.createChannel('PL:PV3', 'pva', 5);
    const monitors = [];
    for (let i = 0; i < 2; i++) monitors.push(await channel!.createMonitorPva(5, 'value', () => undefined));
    expect(monitors.every(Boolean)).toBe(true);
    expect(server.server.statistics().monitors).toBe(2);
    // A GET is an operation too: its INIT gets an error status, and epics-tca no value.
    expect(await channel!.getPva(2, '')).toBeUndefined();
    for (const monitor of monitors) monitor!.destroyHard();
    await until(() => server.server.statistics().monitors === 0);
    expect(((await channel!.getPva(5, '')) as { value: number }).value).toBe(3);
    await channel!.destroyHard();
  });
});

describe('pvAccess clients past maxCircuits, or that stop reading or talking', () => {
  it('closes connections past maxCircuits at once (a raw client: a real one retries)', async () => {
    const server = await startTestPvaServer(new PvMap([new SimplePv({ name: 'PM:PV', type: FieldType.LONG, value: 1 })]), undefined, { maxCircuits: 2 });
    const clients = await Promise.all([1, 2].map(() => RawPvaClient.connect(server.server.tcpPort)));
    try {
      await expect(RawPvaClient.connect(server.server.tcpPort)).rejects.toThrow();
      expect(server.server.statistics().clients).toBe(2);
      clients[0]!.close();
      await until(() => server.server.statistics().clients === 1);
      const admitted = await RawPvaClient.connect(server.server.tcpPort);
      expect(await admitted.createChannel('PM:PV')).toBeGreaterThan(0);
      admitted.close();
    } finally {
      for (const client of clients) client.close();
      await server.close();
    }
  });

  it('builds the replies to pipelined GETs of a large array as the client takes them (a raw client: real ones read)', async () => {
    const wave = new SimplePv({ name: 'PA:WAVE', type: FieldType.DOUBLE, maxElements: 100000, value: new Float64Array(100000).fill(2.5) });
    const server = await startTestPvaServer(new PvMap([wave]));
    const client = await RawPvaClient.connect(server.server.tcpPort);
    try {
      const sid = await client.createChannel('PA:WAVE');
      await client.getInit(sid, 1);
      client.socket.pause();
      // About 1.7 kB of requests asking for 80 MB of replies: the measured problem of issue 16.
      for (let i = 0; i < 100; i++) client.get(sid, 1);
      let mostQueued = 0;
      for (const end = Date.now() + 1000; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) {
        mostQueued = Math.max(mostQueued, server.server.statistics().queuedBytes);
      }
      expect(mostQueued).toBeLessThan(4 * 1024 * 1024);
      client.socket.resume();
      await until(() => client.messages.filter((m) => m.command === Command.GET && m.payload[4] === 0x40).length === 100, 20000);
      expect(client.messages.filter((m) => m.command === Command.GET && m.payload[4] === 0x40)).toHaveLength(100);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('closes a connection that sends a message larger than maxPayloadSize (a raw client: real ones do not)', async () => {
    const server = await startTestPvaServer(new PvMap([new SimplePv({ name: 'PB:PV', type: FieldType.LONG, value: 1 })]), undefined, {
      maxPayloadSize: 64 * 1024,
    });
    const client = await RawPvaClient.connect(server.server.tcpPort);
    try {
      const closed = new Promise((resolve) => client.socket.once('close', resolve));
      client.send(Command.CREATE_CHANNEL, (w) => {
        w.uint16(1);
        w.uint32(1);
        w.string('x'.repeat(100 * 1024));
      });
      await closed;
      expect(server.server.statistics().clients).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('closes the connection of a client that neither talks nor reads, after an echo (a raw client: real ones read)', async () => {
    const wave = new SimplePv({ name: 'PD:WAVE', type: FieldType.CHAR, maxElements: 100000, value: new Uint8Array(100000) });
    const server = await startTestPvaServer(new PvMap([wave]), undefined, { inactivity: 0.3, echoTimeout: 0.3 });
    const stalled = await RawPvaClient.connect(server.server.tcpPort);
    try {
      const sid = await stalled.createChannel('PD:WAVE');
      await stalled.monitor(sid, 1, 1_000_000);
      stalled.socket.pause();
      // Updates keep coming, so that its socket buffers fill, as they do for a hung client of a live IOC.
      const deadline = Date.now() + 8000;
      for (let i = 0; server.server.statistics().clients > 0 && Date.now() < deadline; i++) {
        wave.post(new Uint8Array(100000).fill(i));
        // Paces the writer inside the wait for the circuit to close: not an ordering sleep.
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(server.server.statistics().clients).toBe(0);
    } finally {
      stalled.close();
      await server.close();
    }
  });

  it('keeps an idle epics-tca client that monitors', async () => {
    const counter = new SimplePv({ name: 'PI:COUNTER', type: FieldType.LONG, value: 42 });
    const server = await startTestPvaServer(new PvMap([counter]), undefined, { inactivity: 0.3, echoTimeout: 0.3 });
    const context = await startTcaContext(server.clientEnv);
    try {
      const values: number[] = [];
      const channel = await context.createChannel('PI:COUNTER', 'pva', 5);
      const monitor = await channel!.createMonitorPva(5, 'value', (m) => values.push(pvaValue(m) as number));
      await until(() => values.length > 0);
      // Several probe periods pass with the client silent but reading.
      const probesLater = Date.now() + 2000;
      await until(() => Date.now() > probesLater, 3000);
      expect(server.server.statistics().clients).toBe(1);
      counter.post(43);
      await until(() => values.includes(43));
      expect(values).toEqual([42, 43]);
      monitor!.destroyHard();
    } finally {
      await stopTcaContext(context);
      await server.close();
    }
  });
});
