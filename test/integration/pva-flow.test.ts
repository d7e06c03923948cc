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

  it('sends no more updates than the pipeline window, then the newest value once acknowledged', async () => {
    const client = await connect();
    const channel = await client.createChannel('FLOW:COUNTER');
    await client.monitor(channel, 7, 2);
    await client.waitFor((m) => m.command === Command.MONITOR && client.updates(7).length === 1);
    for (let value = 1; value <= 50; value++) counter.post(value);
    await roundTrip(client);
    expect(client.updates(7).map((u) => client.doubleValue(u))).toEqual([0, 1]);
    client.ack(channel, 7, 2);
    await roundTrip(client);
    // The 48 changes that waited went out as one update carrying the newest.
    expect(client.updates(7).map((u) => client.doubleValue(u))).toEqual([0, 1, 50]);
    counter.post(51);
    await roundTrip(client);
    expect(client.updates(7).map((u) => client.doubleValue(u))).toEqual([0, 1, 50, 51]);
    counter.post(52);
    await roundTrip(client);
    expect(client.updates(7)).toHaveLength(4);
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
    // Once it reads again the stalled client catches up with the newest value, not with the backlog.
    // The first echo is read once the socket drains; by the second's reply the queued update has gone out.
    await roundTrip(stalled);
    await roundTrip(stalled);
    expect(stalled.updates(1).length).toBeGreaterThan(1);
    expect(stalled.updates(1).length).toBeLessThan(100);
    // The last it got is the newest value, whole: ioid, subcommand, BitSet {1}, the array's size
    // (0xFE, then 100000 as an int32), the elements, all 500, and the overrun BitSet (empty).
    const newest = stalled.updates(1).at(-1);
    expect(newest?.size).toBe(12 + 8 * 100_000 + 1);
    expect(newest?.payload[7]).toBe(0xfe);
    expect(newest && (newest.littleEndian ? newest.payload.readDoubleLE(12) : newest.payload.readDoubleBE(12))).toBe(500);
  });
});
