import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { Command } from '../../src/pva/protocol';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { RawPvaClient } from '../helpers/pva-raw-client';
import { afterScheduledFlush } from '../helpers/wait';

// Monitor flow control over a real socket: the pipeline window a client grants, and a client
// that stops reading altogether.
// Raw clients only: epics-tca, the one pvAccess client here, sends no pipeline acknowledgements
// (no MONITOR with subcommand 0x80) and cannot stop reading its socket; pvxs' pvmonitor could do
// the first, but no pvxs is installed on these machines.

/**
 * An ECHO round trip: its reply goes out after every update the server sent before reading it, so
 * that what has arrived by then is all the server sent (no sleep guessing how long that takes).
 */
async function roundTrip(client: RawPvaClient): Promise<void> {
  const echoes = () => client.messages.filter((m) => m.command === Command.ECHO).length;
  const before = echoes();
  client.send(Command.ECHO, () => undefined);
  await client.waitFor(() => echoes() > before);
}

describe('pvAccess monitor flow control', () => {
  let server: TestPvaServer;
  const counter = new SimplePv({ name: 'FLOW:COUNTER', type: FieldType.DOUBLE, value: 0 });
  const big = new SimplePv({ name: 'FLOW:BIG', type: FieldType.DOUBLE, maxElements: 100_000, value: new Float64Array(100_000) });
  const clients: RawPvaClient[] = [];

  beforeAll(async () => {
    server = await startTestPvaServer(new PvMap([counter, big]));
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(() => server.close());

  const connect = async () => {
    const client = await RawPvaClient.connect(server.server.tcpPort);
    clients.push(client);
    return client;
  };

  const values = (client: RawPvaClient, requestId: number) => client.updates(requestId).map((u) => client.doubleValue(u));
  const overruns = (client: RawPvaClient, requestId: number) => client.updates(requestId).map((u) => client.doubleOverrun(u));
  /** The overrun BitSet {1} (value) of a field(value) update, and the empty one. */
  const VALUE_OVERRUN = [0b10];

  // pvxs servermon.cpp: a monitor queues up to record._options.queueSize updates (4 by default)
  // while the client's window is closed, squashing the newest into the last when full.
  it('queues queueSize distinct updates while the window is closed, the newest squashed into the last', async () => {
    const client = await connect();
    const channel = await client.createChannel('FLOW:COUNTER');
    counter.post(0);
    await client.monitor(channel, 7, 1, { queueSize: '3' });
    await client.waitFor(() => client.updates(7).length === 1);
    for (let value = 1; value <= 20; value++) counter.post(value);
    await roundTrip(client);
    expect(values(client, 7)).toEqual([0]);
    client.ack(channel, 7, 1);
    await roundTrip(client);
    expect(values(client, 7)).toEqual([0, 1]);
    client.ack(channel, 7, 10);
    await roundTrip(client);
    expect(values(client, 7)).toEqual([0, 1, 2, 20]);
    // The last carries 3 to 20: its value changed more than once (pvAccess's overrun BitSet).
    expect(overruns(client, 7)).toEqual([[], [], [], VALUE_OVERRUN]);
    counter.post(21);
    await roundTrip(client);
    expect(values(client, 7)).toEqual([0, 1, 2, 20, 21]);
    expect(overruns(client, 7).at(-1)).toEqual([]);
  });

  it('queues 4 updates without queueSize, and sends no more than the window', async () => {
    const client = await connect();
    const channel = await client.createChannel('FLOW:COUNTER');
    counter.post(0);
    await client.monitor(channel, 8, 2);
    await client.waitFor(() => client.updates(8).length === 1);
    for (let value = 30; value <= 50; value++) counter.post(value);
    await roundTrip(client);
    expect(values(client, 8)).toEqual([0, 30]);
    client.ack(channel, 8, 2);
    await roundTrip(client);
    expect(values(client, 8)).toEqual([0, 30, 31, 32]);
    client.ack(channel, 8, 2);
    await roundTrip(client);
    expect(values(client, 8)).toEqual([0, 30, 31, 32, 33, 50]);
    counter.post(51);
    await roundTrip(client);
    expect(client.updates(8)).toHaveLength(6);
    client.ack(channel, 8, 1);
    await roundTrip(client);
    expect(values(client, 8).at(-1)).toBe(51);
  });

  it('fails a pipelined monitor whose queueSize is invalid, as pvxs does', async () => {
    const client = await connect();
    const channel = await client.createChannel('FLOW:COUNTER');
    const reply = await client.monitorInit(channel, 9, 4, { queueSize: '1' });
    expect(RawPvaClient.isOk(reply)).toBe(false);
    expect(reply.payload.toString('latin1')).toContain('can not pipeline invalid queueSize: "1"');
  });

  it('bounds queueSize at 64 entries a monitor, and says so', async () => {
    const client = await connect();
    const channel = await client.createChannel('FLOW:COUNTER');
    const reply = await client.monitorInit(channel, 10, 4, { queueSize: '100000' });
    expect(RawPvaClient.isOk(reply)).toBe(true);
    const warning = await client.waitFor((m) => m.command === Command.MESSAGE && client.uint32(m, 0) === 10);
    expect(warning.payload.toString('latin1')).toContain("record._options.queueSize 100000 is above this server's 64: using 64");
  });

  it('keeps a client that stops reading to bounded memory and goes on serving the others', async () => {
    const stalled = await connect();
    const channel = await stalled.createChannel('FLOW:BIG');
    await stalled.monitor(channel, 1, 1_000_000);
    await stalled.waitFor(() => stalled.updates(1).length === 1);
    stalled.socket.pause();
    const element = new Float64Array(100_000);
    // 800 kB an update: 400 MB if every update were queued.
    for (let update = 1; update <= 500; update++) {
      big.post(element.fill(update));
      if (update % 50 === 0) await afterScheduledFlush();
    }
    await afterScheduledFlush();
    expect(server.server.statistics().queuedBytes).toBeLessThan(16 * 1024 * 1024);

    const other = await connect();
    const counterChannel = await other.createChannel('FLOW:COUNTER');
    await other.monitor(counterChannel, 2, 10);
    counter.post(99);
    await other.waitFor(() => other.updates(2).some((u) => other.doubleValue(u) === 99));

    stalled.socket.resume();
    // Once it reads again the stalled client catches up with at most queueSize (4) updates, the last the newest, not with the backlog.
    // The first echo is read once the socket drains; by the second's reply the queued update has gone out.
    await roundTrip(stalled);
    await roundTrip(stalled);
    expect(stalled.updates(1).length).toBeGreaterThan(1);
    expect(stalled.updates(1).length).toBeLessThan(100);
    // The last it got is the newest value, whole: ioid, subcommand, BitSet {1}, the array's size
    // (0xFE, then 100000 as an int32), the elements, all 500, and the overrun BitSet {1}: the
    // value was squashed into the last of the queue.
    const newest = stalled.updates(1).at(-1);
    expect(newest?.size).toBe(12 + 8 * 100_000 + 2);
    expect(newest?.payload[7]).toBe(0xfe);
    expect(newest && (newest.littleEndian ? newest.payload.readDoubleLE(12) : newest.payload.readDoubleBE(12))).toBe(500);
  });
});
