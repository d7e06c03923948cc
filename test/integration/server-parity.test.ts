import * as dgram from 'node:dgram';
import type { Channel } from 'epics-tca';
import pino from 'pino';
import { writeDatagramVersionRequest, writeSearchRequest } from '../../src/ca/protocol/client-requests';
import { MessageWriter } from '../../src/ca/protocol/writer';
import { Database } from '../../src/database';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import type { Logger } from '../../src/logger';
import type { ServerLimits } from '../../src/net/limits';
import { ByteWriter, Command as PvaCommand } from '../../src/pva/protocol';
import { startTestServer } from '../helpers/ca-server';
import { startTestPvaServer } from '../helpers/pva-server';
import { runPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import { anyOf } from '../helpers/matchers';

// What the shared circuit base and server shell (src/net) give both protocols alike, seen through
// real clients: epics-tca for pvAccess (and CA), pyepics/libca for CA.

type Line = Record<string, unknown> & { level: number; msg: string };

function capturingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  return { logger, lines };
}

const until = async (condition: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !condition() && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
};

interface Served {
  protocol: 'ca' | 'pva';
  clientEnv: Record<string, string>;
  udpPort: number;
  close(): Promise<void>;
}

async function serve(protocol: 'ca' | 'pva', provider: PvMap | Database, logger: Logger, limits: Partial<ServerLimits> = {}): Promise<Served> {
  if (protocol === 'ca') {
    const server = await startTestServer(provider, {}, limits, logger);
    return { protocol, clientEnv: server.clientEnv, udpPort: server.server.udpPort, close: () => server.close() };
  }
  const server = await startTestPvaServer(provider, logger, limits);
  return { protocol, clientEnv: server.clientEnv, udpPort: server.server.udpPort, close: () => server.close() };
}

/** A tca put and get, over whichever protocol the channel speaks. */
const put = (protocol: 'ca' | 'pva', channel: Channel, value: number) =>
  protocol === 'ca' ? channel.put([value], 10, true) : channel.putPva('value', [value], 10);
const get = (protocol: 'ca' | 'pva', channel: Channel) => (protocol === 'ca' ? channel.get(10) : channel.getPva(10, 'value'));

describe.each(['ca', 'pva'] as const)('%s: requests whose reply waits on a handler', (protocol) => {
  it('stops reading the client at maxRequestsInFlight, and resumes when a handler answers (epics-tca)', async () => {
    const held: Array<() => void> = [];
    const pv = new SimplePv({
      name: 'F:SLOW',
      type: FieldType.DOUBLE,
      value: 0,
      validate: () => new Promise<undefined>((resolve) => held.push(() => resolve(undefined))),
    });
    const reader = new SimplePv({ name: 'F:READ', type: FieldType.DOUBLE, value: 5 });
    const server = await serve(protocol, new PvMap([pv, reader]), capturingLogger().logger, { maxRequestsInFlight: 2 });
    const context = await startTcaContext(server.clientEnv);
    try {
      const slow = (await context.createChannel('F:SLOW', protocol, 5))!;
      const read = (await context.createChannel('F:READ', protocol, 5))!;
      const writes = [put(protocol, slow, 1), put(protocol, slow, 2)];
      await until(() => held.length === 2);
      let answeredAt: number | undefined;
      let released = 0;
      const reading = get(protocol, read).then((value) => {
        answeredAt = released;
        return value;
      });
      // The read waits behind the two writes in flight: it is answered only once one of them is.
      // Time for a read served too early to show.
      await until(() => answeredAt !== undefined, 500);
      released = 1;
      held[0]!();
      expect(await reading).toBeTruthy();
      expect(answeredAt).toBe(1);
      held[1]!();
      await Promise.all(writes);
    } finally {
      await stopTcaContext(context);
      await server.close();
    }
  });
});

describe.each(['ca', 'pva'] as const)('%s: logs', (protocol) => {
  const RECORDS = `
record(ao, "LOG:SET") { field(VAL, "1.5") field(PINI, "YES") }
record(ao, "LOG:FAST") { field(VAL, "0") info(logClientWrites, "NO") }
`;
  let database: Database;
  beforeEach(() => {
    database = new Database();
    database.loadText(RECORDS);
    database.start();
  });
  afterEach(() => database.close());

  async function writeBoth(server: Served): Promise<void> {
    if (protocol === 'ca') {
      await runPyepics(`emit([put_status('LOG:SET', 2.5), put_status('LOG:FAST', 7)])`, server.clientEnv);
      return;
    }
    const context = await startTcaContext(server.clientEnv);
    try {
      for (const [name, value] of [
        ['LOG:SET', 2.5],
        ['LOG:FAST', 7],
      ] as const)
        await put('pva', (await context.createChannel(name, 'pva', 5))!, value);
    } finally {
      await stopTcaContext(context);
    }
  }

  it('logs a client write at INFO with host, user, PV, old and new value; not for a PV tagged info(logClientWrites, "NO")', async () => {
    const { logger, lines } = capturingLogger();
    const server = await serve(protocol, database, logger);
    try {
      await writeBoth(server);
      const writes = lines.filter((line) => line.msg === 'client write');
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ level: 30, pv: 'LOG:SET', old: 1.5, new: 2.5, host: anyOf(String), user: anyOf(String) });
      expect((writes[0]!.user as string).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('logs arrivals and departures at DEBUG, and one INFO summary of clients and bytes', async () => {
    const { logger, lines } = capturingLogger();
    const server = await serve(protocol, database, logger);
    await writeBoth(server);
    await server.close();
    const connects = lines.filter((line) => line.msg === 'client connected' || line.msg === 'client disconnected');
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.every((line) => line.level === 20)).toBe(true);
    const summaries = lines.filter((line) => line.msg === 'clients');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ level: 30, clients: 0, disconnected: connects.length / 2 });
    expect(summaries[0]!.bytesReceived).toBeGreaterThan(0);
    expect(summaries[0]!.bytesSent).toBeGreaterThan(0);
  });
});

/** A datagram of `count` searches for `name`, in the protocol's encoding. */
function searches(protocol: 'ca' | 'pva', name: string, sequence: number): Buffer {
  if (protocol === 'ca') {
    const writer = new MessageWriter(64);
    writeDatagramVersionRequest(writer, sequence);
    writeSearchRequest(writer, name, sequence);
    return writer.take()!;
  }
  const body = new ByteWriter(true);
  for (const byte of [0xca, 2, 0x00, PvaCommand.SEARCH]) body.uint8(byte);
  body.uint32(0);
  body.uint32(sequence);
  body.uint8(0x00);
  for (let i = 0; i < 3; i++) body.uint8(0);
  for (let i = 0; i < 16; i++) body.uint8(0);
  body.uint16(0);
  body.uint8(0);
  body.uint16(1);
  body.uint32(sequence);
  body.string(name);
  body.patchInt32(4, body.length - 8);
  return Buffer.from(body.take()!);
}

describe.each(['ca', 'pva'] as const)('%s: a flood of searches', (protocol) => {
  it('is answered at most maxSearchRepliesPerSecond (raw datagrams: a real client does not flood)', async () => {
    const server = await serve(protocol, new PvMap([new SimplePv({ name: 'S:PV', type: FieldType.LONG, value: 1 })]), capturingLogger().logger, {
      maxSearchRepliesPerSecond: 50,
    });
    // Two senders taking turns: CA packs the replies to one peer's consecutive datagrams into one,
    // and the cap counts reply datagrams; from alternating peers, each search gets a datagram of its own.
    const senders = [dgram.createSocket('udp4'), dgram.createSocket('udp4')];
    let replies = 0;
    for (const sender of senders) {
      sender.on('message', () => replies++);
      await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    }
    try {
      const started = Date.now();
      for (let i = 0; i < 2000; i++) senders[i % 2]!.send(searches(protocol, 'S:PV', i), server.udpPort, '127.0.0.1');
      await until(() => replies >= 50);
      const elapsed = (Date.now() - started) / 1000;
      // The bucket holds a second's worth; it refills at the rate.
      expect(replies).toBeGreaterThanOrEqual(50);
      expect(replies).toBeLessThanOrEqual(50 + Math.ceil(elapsed * 50) + 50);
      expect(replies).toBeLessThan(2000);
    } finally {
      for (const sender of senders) sender.close();
      await server.close();
    }
  });
});
