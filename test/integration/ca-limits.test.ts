import * as dgram from 'node:dgram';
import { writeDatagramVersionRequest, writeSearchRequest } from '../../src/ca/protocol/client-requests';
import { Command, Dbe, Eca } from '../../src/ca/protocol/constants';
import { MessageWriter } from '../../src/ca/protocol/writer';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { RawCircuit, request } from '../helpers/raw-client';
import { afterScheduledFlush, waitUntil } from '../helpers/wait';

// Past a limit a client gets an error or a closed circuit; the server and its other clients go on.

/** The EVENT_ADD payload for DBE_VALUE. */
const eventAdd = () => {
  const payload = Buffer.alloc(16);
  payload.writeUInt16BE(Dbe.VALUE, 12);
  return payload;
};

describe('limits per server and per circuit', () => {
  let server: TestServer;
  beforeAll(async () => {
    const pvs = [0, 1, 2, 3].map((i) => new SimplePv({ name: `L:PV${i}`, type: FieldType.LONG, value: i }));
    server = await startTestServer(new PvMap(pvs), {}, { maxCircuits: 3, maxChannelsPerCircuit: 2, maxSubscriptionsPerCircuit: 2 });
  });
  afterAll(() => server.close());

  it('closes connections past maxCircuits at once, and accepts again when a circuit has gone', async () => {
    const circuits = await Promise.all([1, 2, 3].map(() => RawCircuit.connect(server.server.tcpPort)));
    await Promise.all(circuits.map((circuit) => circuit.waitFor((m) => m.command === Command.VERSION)));
    const refused = await RawCircuit.connect(server.server.tcpPort);
    await refused.waitClosed();
    expect(refused.messages).toHaveLength(0);
    circuits[0]!.close();
    await waitUntil(() => server.server.statistics().clients === 2, 'the closed circuit to be released');
    const admitted = await RawCircuit.connect(server.server.tcpPort);
    expect(await admitted.createChannel('L:PV0', 1)).toBeGreaterThan(0);
    for (const circuit of [...circuits, admitted]) circuit.close();
    await waitUntil(() => server.server.statistics().clients === 0, 'every circuit to be released');
  });

  // The twin through libca: one circuit per libca process, so each client is a process of its own.
  it('over libca: a client past maxCircuits cannot connect, and can once another client has gone', async () => {
    const holder = () =>
      startPyepics<{ value: number }>(
        `
chid = ca.create_channel('L:PV1')
ca.connect_channel(chid, timeout=5)
say('connected')
sys.stdin.readline()
emit({'value': ca.get(chid, timeout=5)})
`,
        server.clientEnv,
      );
    const connects = () =>
      runPyepics<{ connected: boolean }>(`emit({'connected': ca.connect_channel(ca.create_channel('L:PV0'), timeout=2)})`, server.clientEnv);
    const first = holder();
    const holders = [first, holder(), holder()];
    try {
      await Promise.all(holders.map((session) => session.waitForLine('connected')));
      expect(await connects()).toEqual({ connected: false });
      first.send('');
      expect(await first.result).toEqual({ value: 1 });
      await waitUntil(() => server.server.statistics().clients === 2, 'the gone client to be released');
      expect(await connects()).toEqual({ connected: true });
    } finally {
      for (const session of holders) session.kill();
    }
    await waitUntil(() => server.server.statistics().clients === 0, 'every circuit to be released');
  });

  it('answers CREATE_CHAN past maxChannelsPerCircuit with ECA_ALLOCMEM and CREATE_CH_FAIL', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    const first = await client.createChannel('L:PV0', 1);
    await client.createChannel('L:PV1', 2);
    await expect(client.createChannel('L:PV2', 3)).rejects.toThrow(/no channel/);
    const error = await client.waitFor((m) => m.command === Command.ERROR);
    expect(error).toMatchObject({ parameter1: 3, parameter2: Eca.ALLOCMEM });
    client.send(request(Command.CLEAR_CHANNEL, 0, 0, first, 1));
    expect(await client.createChannel('L:PV2', 4)).toBeGreaterThan(0);
    client.close();
  });

  it('answers EVENT_ADD past maxSubscriptionsPerCircuit with ECA_ALLOCMEM, and keeps the others', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    const sid = await client.createChannel('L:PV3', 7);
    for (const id of [1, 2, 3]) client.send(request(Command.EVENT_ADD, 5, 1, sid, id, eventAdd()));
    const error = await client.waitFor((m) => m.command === Command.ERROR);
    expect(error).toMatchObject({ parameter1: 7, parameter2: Eca.ALLOCMEM });
    expect(error.payload.readUInt32BE(12)).toBe(3);
    expect(server.server.statistics().subscriptions).toBe(2);
    client.close();
  });

  // What a libca user sees of the same limits (the raw tests above show the exact replies).
  it('over libca: a channel past maxChannelsPerCircuit never connects, a subscription past maxSubscriptionsPerCircuit gets ECA_ALLOCMEM, the rest work', async () => {
    const result = await runPyepics<{ connected: boolean[]; values: Array<number | null>; statuses: number[] }>(
      `
import ctypes
chids = [ca.create_channel('L:PV%d' % i) for i in range(3)]
connected = [ca.connect_channel(chid, timeout=2) for chid in chids]
values = [ca.get(chid, timeout=5) if ok else None for chid, ok in zip(chids, connected)]
statuses = []
callback = dbr.make_callback(lambda args: statuses.append(args.status), dbr.event_handler_args)
evids = []
for i in range(3):
    evid = ctypes.c_void_p()
    ca.libca.ca_create_subscription(dbr.LONG, 0, chids[0], 1, callback, None, ctypes.byref(evid))
    evids.append(evid)
ca.flush_io()
t0 = time.time()
while len(statuses) < 3 and time.time() - t0 < 5: time.sleep(0.01)
emit({'connected': connected, 'values': values, 'statuses': sorted(statuses)})
`,
      server.clientEnv,
    );
    expect(result).toEqual({ connected: [true, true, false], values: [0, 1, null], statuses: [Eca.NORMAL, Eca.NORMAL, Eca.ALLOCMEM] });
  });
});

describe('clients that have gone without closing', () => {
  let server: TestServer;
  let wave: SimplePv;
  beforeAll(async () => {
    wave = new SimplePv({ name: 'D:WAVE', type: FieldType.CHAR, maxElements: 100000, value: new Uint8Array(100000) });
    const counter = new SimplePv({ name: 'D:COUNTER', type: FieldType.LONG, value: 42 });
    server = await startTestServer(new PvMap([wave, counter]), {}, { inactivity: 0.3, echoTimeout: 0.3 });
  });
  afterAll(() => server.close());

  it('probes a silent circuit with ECHO, and keeps it while it reads', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    await client.createChannel('D:COUNTER', 1);
    // Probed again and again, each time after `inactivity`, yet kept: it reads what it is sent.
    await waitUntil(() => client.closed || client.messages.filter((m) => m.command === Command.ECHO).length >= 3, 'three ECHO probes');
    expect(client.closed).toBe(false);
    client.close();
  });

  it('closes the circuit of a client that neither answers nor reads', async () => {
    const stalled = await RawCircuit.connect(server.server.tcpPort);
    const sid = await stalled.createChannel('D:WAVE', 1);
    stalled.socket.pause();
    stalled.send(request(Command.EVENT_ADD, 4, 0, sid, 1, eventAdd()));
    // Updates keep coming, so that its socket buffers fill, as they do for a hung client of a live IOC.
    const deadline = Date.now() + 8000;
    for (let i = 0; server.server.statistics().clients > 0 && Date.now() < deadline; i++) {
      wave.post(new Uint8Array(100000).fill(i));
      // Paces the writer inside the wait for the circuit to close: not an ordering sleep.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(server.server.statistics().clients).toBe(0);
    stalled.close();
  });

  it('keeps an idle libca client that monitors (libca does not answer a server ECHO)', async () => {
    const result = await runPyepics<{ before: number; after: number; updates: number }>(
      `
updates = [0]
def cb(**kw): updates[0] += 1
pv = epics.PV('D:COUNTER', callback=cb, auto_monitor=True)
before = pv.get(timeout=5)
# Idle over many inactivity + echo periods (0.3 s each): a duration to survive, not an ordering sleep.
time.sleep(2.5)
emit({'before': before, 'after': epics.caget('D:COUNTER', timeout=5), 'updates': updates[0]})
`,
      server.clientEnv,
    );
    expect(result).toEqual({ before: 42, after: 42, updates: 1 });
  });
});

describe('a burst of reads of a large array', () => {
  it('has its replies built as the client takes them, not all at once (found by fuzzing)', async () => {
    const wave = new SimplePv({ name: 'A:WAVE', type: FieldType.DOUBLE, maxElements: 100000, value: new Float64Array(100000).fill(2.5) });
    const server = await startTestServer(new PvMap([wave]));
    const client = await RawCircuit.connect(server.server.tcpPort);
    try {
      const sid = await client.createChannel('A:WAVE', 1);
      client.socket.pause();
      // 1.6 kB of requests asking for 80 MB of replies (DBR_DOUBLE, 100 000 elements each).
      client.send(Buffer.concat(Array.from({ length: 100 }, (_, ioid) => request(Command.READ_NOTIFY, 6, 100000, sid, ioid))));
      // The socket is full: from here the server must stop building replies.
      await waitUntil(() => server.server.statistics().queuedBytes > 0, 'the client socket to fill');
      await afterScheduledFlush();
      expect(server.server.statistics().queuedBytes).toBeLessThan(4 * 1024 * 1024);
      client.socket.resume();
      const last = await client.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === 99, 20000);
      expect(last.payload.readDoubleBE(8 * 99999)).toBe(2.5);
      expect(client.messages.filter((m) => m.command === Command.READ_NOTIFY)).toHaveLength(100);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('a burst of searches', () => {
  it('is answered without growing the heap or holding up TCP service', async () => {
    const counter = new SimplePv({ name: 'B:COUNTER', type: FieldType.LONG, value: 7 });
    const server = await startTestServer(new PvMap([counter]));
    const sender = dgram.createSocket('udp4');
    // A search after the burst, answered in turn: its reply tells that the server has handled the burst.
    const MARKER = 1_000_000;
    let markerAnswered = false;
    sender.on('message', (datagram: Buffer) => {
      for (let at = 0; at + 16 <= datagram.length; at += 16 + datagram.readUInt16BE(at + 2)) {
        if (datagram.readUInt16BE(at) === Command.SEARCH && datagram.readUInt32BE(at + 12) === MARKER) markerAnswered = true;
      }
    });
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    const client = await RawCircuit.connect(server.server.tcpPort);
    try {
      const sid = await client.createChannel('B:COUNTER', 1);
      const writer = new MessageWriter(256);
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let reads = 0;
      for (let i = 0; i < 100_000; i++) {
        writeDatagramVersionRequest(writer, i);
        writeSearchRequest(writer, i % 2 ? 'B:COUNTER' : 'B:NOPE', i);
        sender.send(writer.take()!, server.server.udpPort, '127.0.0.1');
        if (i % 5000 === 0) {
          // TCP requests are served between the datagrams.
          client.send(request(Command.READ_NOTIFY, 5, 1, sid, ++reads));
          await client.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === reads);
        }
      }
      await waitUntil(() => {
        // Sent again while unanswered: a datagram may be dropped when the socket's buffer is full.
        if (!markerAnswered) {
          writeDatagramVersionRequest(writer, MARKER);
          writeSearchRequest(writer, 'B:COUNTER', MARKER);
          sender.send(writer.take()!, server.server.udpPort, '127.0.0.1');
        }
        return markerAnswered;
      }, 'the search after the burst to be answered');
      global.gc?.();
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
      expect(reads).toBe(20);
    } finally {
      client.close();
      sender.close();
      await server.close();
    }
  });
});
