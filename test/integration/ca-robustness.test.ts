import * as dgram from 'node:dgram';
import { Command, Eca } from '../../src/ca/protocol/constants';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { createCaServer } from '../../src/ca/server';
import { silentLogger } from '../../src/logger';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';
import { RawCircuit, request } from '../helpers/raw-client';
import { afterScheduledFlush, waitUntil } from '../helpers/wait';

// Bad input gets a clear error to the one who sent it; everyone else keeps being served.

describe('a client that misbehaves', () => {
  let server: TestServer;
  let counter: SimplePv;
  let wave: SimplePv;

  beforeAll(async () => {
    counter = new SimplePv({ name: 'R:COUNTER', type: FieldType.LONG, value: 0 });
    wave = new SimplePv({ name: 'R:WAVE', type: FieldType.CHAR, maxElements: 100000, value: new Uint8Array(100000) });
    server = await startTestServer(new PvMap([counter, wave]));
  });
  afterAll(() => server.close());

  const healthyRead = () => runPyepics<{ value: number }>(`emit({'value': epics.caget('R:COUNTER', timeout=5)})`, server.clientEnv);

  it('gets ECA_BADCHID for an unknown channel id, and the circuit stays open', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    client.send(request(Command.READ_NOTIFY, 6, 1, 4242, 7));
    const error = await client.waitFor((m) => m.command === Command.ERROR);
    expect(error.parameter2).toBe(Eca.BADCHID);
    const sid = await client.createChannel('R:COUNTER', 1);
    client.send(request(Command.READ_NOTIFY, 5, 1, sid, 8));
    const reply = await client.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === 8);
    expect(reply.parameter1).toBe(Eca.NORMAL);
    client.close();
  });

  // A raw client: libca never names a channel after clearing it. rsrv's ids only count up
  // (camessage.c, casCreateChannel), so a cleared id finds no channel, not a newer one.
  it('gets ECA_BADCHID for a channel id it cleared, also after creating others', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    const cleared = await client.createChannel('R:COUNTER', 1);
    client.send(request(Command.CLEAR_CHANNEL, 0, 0, cleared, 1));
    await client.waitFor((m) => m.command === Command.CLEAR_CHANNEL && m.parameter1 === cleared);
    const sids = [await client.createChannel('R:COUNTER', 2), await client.createChannel('R:WAVE', 3)];
    expect(sids).not.toContain(cleared);
    client.send(request(Command.READ_NOTIFY, 5, 1, cleared, 12));
    const error = await client.waitFor((m) => m.command === Command.ERROR);
    expect(error.parameter2).toBe(Eca.BADCHID);
    client.send(request(Command.READ_NOTIFY, 5, 1, sids[0]!, 13));
    expect((await client.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === 13)).parameter1).toBe(Eca.NORMAL);
    client.close();
  });

  it('gets ECA_BADTYPE for an unknown DBR type', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    const sid = await client.createChannel('R:COUNTER', 1);
    client.send(request(Command.READ_NOTIFY, 99, 1, sid, 9));
    const error = await client.waitFor((m) => m.command === Command.ERROR);
    expect(error.parameter2).toBe(Eca.BADTYPE);
    expect(error.parameter1).toBe(1);
    client.send(request(Command.WRITE_NOTIFY, 77, 1, sid, 10, Buffer.alloc(8)));
    const writeReply = await client.waitFor((m) => m.command === Command.WRITE_NOTIFY && m.parameter2 === 10);
    expect(writeReply.parameter1).toBe(Eca.BADTYPE);
    client.close();
  });

  it('gets CREATE_CH_FAIL for a name the server does not serve', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    await expect(client.createChannel('R:NOPE', 3)).rejects.toThrow(/no channel/);
    client.close();
  });

  it('has only its own circuit closed after a malformed message', async () => {
    const bad = await RawCircuit.connect(server.server.tcpPort);
    bad.send(request(0x4242, 0, 0, 0, 0));
    await bad.waitClosed();
    expect((await healthyRead()).value).toBe(0);
  });

  it('disconnecting mid-message harms nobody', async () => {
    const client = await RawCircuit.connect(server.server.tcpPort);
    const sid = await client.createChannel('R:COUNTER', 1);
    const message = request(Command.WRITE_NOTIFY, 5, 1, sid, 11, Buffer.from([0, 0, 0, 5]));
    // The first 20 bytes handed to the kernel, then the connection dropped.
    await new Promise((resolve) => client.socket.write(message.subarray(0, 20), resolve));
    client.close();
    counter.post(1);
    expect((await healthyRead()).value).toBe(1);
  });

  it('a client that stops reading keeps the server bounded and others served', async () => {
    const stalled = await RawCircuit.connect(server.server.tcpPort);
    const sid = await stalled.createChannel('R:WAVE', 1);
    stalled.socket.pause();
    // DBE_VALUE: with a mask of 0 no update would be sent, and the test would prove nothing.
    const eventAdd = Buffer.alloc(16);
    eventAdd.writeUInt16BE(1, 12);
    stalled.send(request(Command.EVENT_ADD, 4, 0, sid, 1, eventAdd));
    // 100 000-byte updates, 300 of them: 30 MB that must not pile up in the server.
    const payload = new Uint8Array(100000);
    for (let i = 0; i < 300; i++) {
      payload.fill(i & 0xff);
      wave.post(payload);
      if (i % 20 === 0) await afterScheduledFlush();
    }
    await afterScheduledFlush();
    const stats = server.server.statistics();
    expect(stats.queuedBytes).toBeLessThan(2 * 1024 * 1024);
    // Another client still reads while the stalled one holds its subscription.
    const monitor = await runPyepics<{ updates: number }>(
      `
count = [0]
def cb(**kw): count[0] += 1
chid = ca.create_channel('R:COUNTER')
ca.connect_channel(chid, timeout=5)
sub = ca.create_subscription(chid, callback=cb)
for i in range(20):
    epics.caput('R:COUNTER', i + 10, wait=True)
t0 = time.time()
while count[0] < 21 and time.time() - t0 < 5: time.sleep(0.01)
emit({'updates': count[0]})
`,
      server.clientEnv,
    );
    expect(monitor.updates).toBe(21);
    stalled.close();
  });
});

describe('DBR types that libca rarely asks for', () => {
  it('answers STSACK_STRING and CLASS_NAME with the db_access.h layouts', async () => {
    const pv = new SimplePv({ name: 'K:PV', type: FieldType.DOUBLE, value: 1.5, className: 'ai', metadata: { precision: 1 } });
    pv.setAlarm(3, 2);
    const server = await startTestServer(new PvMap([pv]));
    const client = await RawCircuit.connect(server.server.tcpPort);
    try {
      const sid = await client.createChannel('K:PV', 1);
      client.send(request(Command.READ_NOTIFY, 37, 1, sid, 1));
      client.send(request(Command.READ_NOTIFY, 38, 1, sid, 2));
      const stsack = await client.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === 1);
      // dbr_stsack_string: status, severity, ackt, acks (uint16 each), then char value[40]
      const text = (bytes: Buffer) => bytes.toString('latin1', 0, bytes.indexOf(0));
      expect(stsack.payload.subarray(0, 8).toString('hex')).toBe('0003' + '0002' + '0001' + '0002');
      expect(text(stsack.payload.subarray(8, 48))).toBe('1.5');
      const className = await client.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === 2);
      // dbr_class_name_t: char[40]
      expect(text(className.payload.subarray(0, 40))).toBe('ai');
    } finally {
      client.close();
      await server.close();
    }
  });

  // The twin through libca: pyepics has no decoder for types 37 and 38, so the script asks libca
  // itself (ca_array_get) for them, into the db_access.h structs; libca converts them from network order.
  it('gives libca the same STSACK_STRING and CLASS_NAME', async () => {
    const pv = new SimplePv({ name: 'K:PV', type: FieldType.DOUBLE, value: 1.5, className: 'ai', metadata: { precision: 1 } });
    pv.setAlarm(3, 2);
    const server = await startTestServer(new PvMap([pv]));
    try {
      const result = await runPyepics<{ stsack: number[]; value: string; className: string }>(
        `
import ctypes
class StsackString(ctypes.Structure):
    _fields_ = [('status', ctypes.c_uint16), ('severity', ctypes.c_uint16), ('ackt', ctypes.c_uint16), ('acks', ctypes.c_uint16), ('value', ctypes.c_char * 40)]
chid = ca.create_channel('K:PV')
ca.connect_channel(chid, timeout=5)
stsack = StsackString()
class_name = (ctypes.c_char * 40)()
ca.libca.ca_array_get(37, 1, chid, ctypes.byref(stsack))
ca.libca.ca_array_get(38, 1, chid, ctypes.byref(class_name))
ca.libca.ca_pend_io(ctypes.c_double(5))
emit({'stsack': [stsack.status, stsack.severity, stsack.ackt, stsack.acks], 'value': stsack.value.decode('latin-1'), 'className': class_name.value.decode('latin-1')})
`,
        server.clientEnv,
      );
      expect(result).toEqual({ stsack: [3, 2, 1, 2], value: '1.5', className: 'ai' });
    } finally {
      await server.close();
    }
  });
});

describe('flow control and echo', () => {
  it('holds monitor updates between EVENTS_OFF and EVENTS_ON, then sends only the newest', async () => {
    const pv = new SimplePv({ name: 'F:PV', type: FieldType.LONG, value: 0 });
    const server = await startTestServer(new PvMap([pv]));
    const client = await RawCircuit.connect(server.server.tcpPort);
    try {
      const sid = await client.createChannel('F:PV', 1);
      const eventAdd = Buffer.alloc(16);
      eventAdd.writeUInt16BE(1, 12); // DBE_VALUE
      client.send(request(Command.EVENT_ADD, 5, 1, sid, 7, eventAdd));
      const updates = () => client.messages.filter((m) => m.command === Command.EVENT_ADD && m.parameter2 === 7);
      await client.waitFor((m) => m.command === Command.EVENT_ADD && m.parameter2 === 7);
      client.send(request(Command.EVENTS_OFF, 0, 0, 0, 0));
      client.send(request(Command.ECHO, 0, 0, 0, 0));
      await client.waitFor((m) => m.command === Command.ECHO);
      for (let value = 1; value <= 5; value++) pv.post(value);
      client.send(request(Command.READ_SYNC, 0, 0, 0, 0));
      await client.waitFor((m) => m.command === Command.READ_SYNC);
      expect(updates()).toHaveLength(1);
      client.send(request(Command.EVENTS_ON, 0, 0, 0, 0));
      await client.waitFor(() => updates().length === 2);
      // An ECHO's reply goes out after whatever that flush sent: a third update would come before it.
      client.send(request(Command.ECHO, 0, 0, 0, 0));
      await client.waitFor(() => client.messages.filter((m) => m.command === Command.ECHO).length === 2);
      expect(updates().map((m) => m.payload.readInt32BE(0))).toEqual([0, 5]);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('two servers on one host', () => {
  it('share the UDP search port and are both found through the loopback broadcast address', async () => {
    const port = await freePort();
    const beaconPort = await freePort();
    const env = loopbackEnv(port, beaconPort);
    const first = await createCaServer({
      provider: new PvMap([new SimplePv({ name: 'ONE:PV', type: FieldType.LONG, value: 1 })]),
      env,
      logger: silentLogger(),
    });
    const second = await createCaServer({
      provider: new PvMap([new SimplePv({ name: 'TWO:PV', type: FieldType.LONG, value: 2 })]),
      env,
      logger: silentLogger(),
    });
    try {
      expect(first.tcpPort).toBe(port);
      expect(second.tcpPort).not.toBe(port);
      expect(second.udpPort).toBe(port);
      const result = await runPyepics<{ one: number; two: number }>(
        `emit({'one': epics.caget('ONE:PV', timeout=5), 'two': epics.caget('TWO:PV', timeout=5)})`,
        { ...env, EPICS_CA_ADDR_LIST: `127.255.255.255:${port}` },
      );
      expect(result).toEqual({ one: 1, two: 2 });
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('EPICS_CAS_IGNORE_ADDR_LIST', () => {
  it('leaves searches from ignored addresses unanswered', async () => {
    const server = await startTestServer(new PvMap([new SimplePv({ name: 'IGN:PV', type: FieldType.LONG, value: 1 })]), {
      EPICS_CAS_IGNORE_ADDR_LIST: '127.0.0.1',
    });
    try {
      const result = await runPyepics<{ connected: boolean }>(
        `emit({'connected': ca.connect_channel(ca.create_channel('IGN:PV', connect=False), timeout=1.5)})`,
        server.clientEnv,
      );
      expect(result.connected).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('beacons', () => {
  it('start fast, count up, and carry the TCP port', async () => {
    const port = await freePort();
    const beaconPort = await freePort();
    const listener = dgram.createSocket('udp4');
    const seen: { sequence: number; port: number; at: number }[] = [];
    listener.on('message', (message) => {
      if (message.readUInt16BE(0) === Command.RSRV_IS_UP) {
        seen.push({ sequence: message.readUInt32BE(8), port: message.readUInt16BE(6), at: Date.now() });
      }
    });
    await new Promise<void>((resolve) => listener.bind(beaconPort, '127.0.0.1', resolve));
    const server = await createCaServer({
      provider: new PvMap(),
      env: loopbackEnv(port, beaconPort),
      logger: silentLogger(),
    });
    try {
      await waitUntil(() => seen.length >= 4, 'four beacons');
      expect(seen.map((beacon) => beacon.sequence)).toEqual(seen.map((_, index) => index));
      expect(new Set(seen.map((beacon) => beacon.port))).toEqual(new Set([server.tcpPort]));
    } finally {
      await server.close();
      listener.close();
    }
  });
});

describe('shutdown', () => {
  it('sends SERVER_DISCONN for each channel and closes the circuit', async () => {
    const port = await freePort();
    const server = await createCaServer({
      provider: new PvMap([new SimplePv({ name: 'S:PV', type: FieldType.LONG, value: 1 })]),
      env: loopbackEnv(port, await freePort()),
      logger: silentLogger(),
    });
    const client = await RawCircuit.connect(server.tcpPort);
    await client.createChannel('S:PV', 21);
    await server.close();
    const disconnect = await client.waitFor((m) => m.command === Command.SERVER_DISCONN).catch(() => undefined);
    expect(disconnect?.parameter1).toBe(21);
    await client.waitClosed();
  });
});
