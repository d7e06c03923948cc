import { Writable } from 'node:stream';
import pino from 'pino';
import type { Context } from 'epics-tca';
import { createCaServer, type CaServer } from '../../src/ca/server';
import { Database } from '../../src/database';
import { FieldType, type DisplayMetadata, type FieldValue, type ProcessVariable, type PvProvider, type WriteResult } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { createPvaServer, type PvaServer } from '../../src/pva/server';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { pvaValue, startTcaContext, stopTcaContext } from '../helpers/tca';
import { RawCircuit, request } from '../helpers/raw-client';
import { Command } from '../../src/ca/protocol/constants';
import { DbrType } from '../../src/ca/protocol/dbr';

// Code the servers call on a client's behalf (SimplePv validate, RecordHandle.onWrite listeners,
// a PV's own write, a provider's find) throws or rejects: that client gets an error (ECA_PUTFAIL
// over CA, an error status over pvAccess), the failure is logged with the PV and the client, and
// every other client keeps being served. The same for reads: a PV whose value, metadata or
// subscribe throws gets the client ECA_GETFAIL (or the subscription's error) over CA, an error
// status over pvAccess, and the circuit goes on serving its other channels.

const ECA_PUTFAIL = 160; // caerr.h: CA_INSERT_MSG_NO(20) with CA_K_WARNING
const ECA_NORMAL = 1;
// rsrv's camessage.c read_reply and read_notify_action answer a failed dbChannel_get with ECA_GETFAIL.
const ECA_GETFAIL = 152; // caerr.h: DEFMSG(CA_K_WARNING, 19)
const ECA_ADDFAIL = 168; // caerr.h: DEFMSG(CA_K_WARNING, 21), "could not perform a database event add"

class ThrowingPv extends SimplePv {
  override write(): WriteResult {
    throw new TypeError('a bug in the service');
  }
}

const fail = (why: string) => {
  throw new Error(why);
};

/** A PV whose reads throw while `broken` is set: a service whose value function has a bug for some states. */
class FlakyPv extends SimplePv {
  broken = false;
  override value(): FieldValue {
    return this.broken ? fail('value threw') : super.value();
  }
}
class UnreadablePv extends SimplePv {
  override value(): FieldValue {
    return fail('value threw');
  }
}
class NoMetadataPv extends SimplePv {
  override metadata(): DisplayMetadata {
    return fail('metadata threw');
  }
}
class UnsubscribablePv extends SimplePv {
  override subscribe(): () => void {
    return fail('subscribe threw');
  }
}

const flaky = new FlakyPv({ name: 'G:FLAKY', type: FieldType.DOUBLE, value: 1 });
const okPv = new SimplePv({ name: 'G:OK', type: FieldType.DOUBLE, value: 1 });

function guardedPvs() {
  return new PvMap([
    okPv,
    new SimplePv({ name: 'G:VALIDATE', type: FieldType.DOUBLE, validate: () => fail('validate threw') }),
    new SimplePv({ name: 'G:VALIDATE_ASYNC', type: FieldType.DOUBLE, validate: () => Promise.reject(new Error('validate rejected')) }),
    new ThrowingPv({ name: 'G:WRITE', type: FieldType.DOUBLE }),
    new UnreadablePv({ name: 'G:READ', type: FieldType.DOUBLE }),
    new NoMetadataPv({ name: 'G:META', type: FieldType.DOUBLE }),
    new UnsubscribablePv({ name: 'G:SUBSCRIBE', type: FieldType.DOUBLE, value: 4 }),
    flaky,
  ]);
}

const RECORDS = `
record(ao, "G:REC") {}
record(ao, "G:REC_ASYNC") {}
`;

/** A user's provider over both, which throws for one name. */
function provider(pvs: PvMap, database: Database): PvProvider {
  return {
    find(name: string): ProcessVariable | undefined {
      if (name === 'G:FIND') throw new RangeError('provider lookup failed');
      return pvs.find(name) ?? database.find(name);
    },
  };
}

const BAD_WRITES = ['G:VALIDATE', 'G:VALIDATE_ASYNC', 'G:WRITE', 'G:REC', 'G:REC_ASYNC'];

describe('a throwing or rejecting handler', () => {
  let database: Database;
  let ca: CaServer;
  let pva: PvaServer;
  let env: Record<string, string>;
  let pvaEnv: Record<string, string>;
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    database = new Database();
    database.loadText(RECORDS);
    database.start();
    database.record('G:REC', 'number').onWrite(() => fail('onWrite threw'));
    database.record('G:REC_ASYNC', 'number').onWrite(() => Promise.reject(new Error('onWrite rejected')));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'warn' }, sink);
    const users = provider(guardedPvs(), database);
    const port = await freePort();
    env = loopbackEnv(port, await freePort());
    ca = await createCaServer({ provider: users, env, logger });
    const pvaUdp = await freePort();
    pva = await createPvaServer({
      provider: users,
      logger,
      env: {
        EPICS_PVAS_INTF_ADDR_LIST: '127.0.0.1',
        EPICS_PVAS_SERVER_PORT: String(await freePort()),
        EPICS_PVAS_BROADCAST_PORT: String(pvaUdp),
        EPICS_PVAS_BEACON_ADDR_LIST: '127.0.0.1',
        EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'NO',
      },
    });
    pvaEnv = {
      EPICS_PVA_SERVER_PORT: String(pva.tcpPort),
      EPICS_PVA_BROADCAST_PORT: String(pvaUdp),
      EPICS_CA_ADDR_LIST: env.EPICS_CA_ADDR_LIST!,
      EPICS_CA_SERVER_PORT: env.EPICS_CA_SERVER_PORT!,
    };
  });
  afterAll(async () => {
    await ca.close();
    await pva.close();
    database.close();
  });

  it('over CA (libca): ECA_PUTFAIL to the writer, while another client keeps its monitor and reads', async () => {
    const watcher = startPyepics<{ values: number[] }>(
      `
values = []
chid = ca.create_channel('G:OK')
ca.connect_channel(chid, timeout=5)
sub = ca.create_subscription(chid, callback=lambda value=None, **kw: values.append(value))
say('watching')
sys.stdin.readline()
t0 = time.time()
while 7 not in values and time.time() - t0 < 10: time.sleep(0.05)
emit({'values': values})
`,
      env,
    );
    await watcher.waitForLine('watching');
    const writer = await runPyepics<{ statuses: Record<string, number | null>; found: boolean; ok: number | null; plain: number }>(
      `
statuses = {}
for name in ${JSON.stringify(BAD_WRITES)}:
    statuses[name] = put_status(name, 5)
found = epics.caget('G:FIND', timeout=1) is not None
ok = put_status('G:OK', 7)
emit({'statuses': statuses, 'found': found, 'ok': ok, 'plain': epics.caget('G:OK', timeout=5)})
`,
      env,
    );
    expect(writer.statuses).toEqual(Object.fromEntries(BAD_WRITES.map((name) => [name, ECA_PUTFAIL])));
    expect(writer.found).toBe(false);
    expect(writer.ok).toBe(ECA_NORMAL);
    expect(writer.plain).toBe(7);
    watcher.send('go');
    expect((await watcher.result).values).toContain(7);
    // Nothing the failing handlers refused was stored.
    expect(database.record('G:REC', 'number').get()).toBe(0);
    expect(database.record('G:REC_ASYNC', 'number').get()).toBe(0);
    const failures = logs.filter((line) => line.msg === 'write handler failed');
    expect(failures.map((line) => line.pv).sort()).toEqual([...BAD_WRITES].sort());
    expect(failures.every((line) => typeof line.user === 'string' && line.address === '127.0.0.1')).toBe(true);
    expect(logs.some((line) => line.msg === 'PV provider failed' && line.pv === 'G:FIND')).toBe(true);
  });

  it('over CA (libca): a read that throws fails that get with ECA_GETFAIL; the same client reads its other channels', async () => {
    const result = await runPyepics<{ gets: Record<string, number | string>; ok: number; stillOk: number }>(
      `
def get(name, ctrl=False):
    chid = ca.create_channel(name)
    ca.connect_channel(chid, timeout=5)
    try:
        return ca.get(chid, ftype=ca.promote_type(chid, use_ctrl=ctrl), timeout=5)
    except ca.ChannelAccessGetFailure as failure:
        return 'failed %d' % failure.status
gets = {}
ok = get('G:OK')
gets['value'] = get('G:READ')
gets['ctrl'] = get('G:META', ctrl=True)
emit({'gets': gets, 'ok': ok, 'stillOk': get('G:OK')})
`,
      env,
    );
    expect(result.gets).toEqual({ value: `failed ${ECA_GETFAIL}`, ctrl: `failed ${ECA_GETFAIL}` });
    expect(result.stillOk).toBe(result.ok);
    const reads = logs.filter((line) => line.msg === 'read failed');
    expect(reads.map((line) => line.pv).sort()).toEqual(['G:META', 'G:READ']);
    expect(reads.every((line) => typeof line.user === 'string' && line.user !== '' && (line.err as { message: string }).message.endsWith('threw'))).toBe(true);
    // Both were answered on the one circuit the script opened, which stayed open.
    expect(new Set(reads.map((line) => line.client)).size).toBe(1);
    expect(logs.filter((line) => /closing/.test(line.msg as string))).toEqual([]);
  });

  it('over CA (libca): a monitor gets ECA_GETFAIL while its PV cannot be read and the value once it can; a subscribe that throws gets ECA_ADDFAIL', async () => {
    flaky.broken = false;
    flaky.post(1);
    const watcher = startPyepics<{ events: Array<[number, number | null]> }>(
      `
import ctypes
events = []
def on_event(args):
    value = ctypes.cast(args.raw_dbr, ctypes.POINTER(ctypes.c_double))[0] if args.status == 1 else None
    events.append((args.status, value))
callback = dbr.make_callback(on_event, dbr.event_handler_args)
def subscribe(name):
    chid = ca.create_channel(name)
    ca.connect_channel(chid, timeout=5)
    evid = ctypes.c_void_p()
    ca.libca.ca_create_subscription(dbr.DOUBLE, 0, chid, 1, callback, None, ctypes.byref(evid))
    ca.flush_io()
    return evid
def wait_until(predicate):
    t0 = time.time()
    while not predicate() and time.time() - t0 < 10: time.sleep(0.02)
keep = [subscribe('G:FLAKY')]
wait_until(lambda: len(events) > 0)
say('subscribed')
sys.stdin.readline()
wait_until(lambda: any(status != 1 for status, _ in events))
say('failed')
sys.stdin.readline()
wait_until(lambda: (1, 3.0) in events)
flaky = list(events)
del events[:]
keep.append(subscribe('G:SUBSCRIBE'))
wait_until(lambda: len(events) > 0)
emit({'flaky': flaky, 'subscribe': events})
`,
      env,
    );
    await watcher.waitForLine('subscribed');
    flaky.broken = true;
    flaky.post(2);
    watcher.send('go');
    await watcher.waitForLine('failed');
    flaky.broken = false;
    flaky.post(3);
    watcher.send('go');
    const { flaky: events, subscribe } = (await watcher.result) as unknown as {
      flaky: Array<[number, number | null]>;
      subscribe: Array<[number, number | null]>;
    };
    expect(events).toEqual([
      [ECA_NORMAL, 1],
      [ECA_GETFAIL, null],
      [ECA_NORMAL, 3],
    ]);
    expect(subscribe).toEqual([[ECA_ADDFAIL, null]]);
    expect(logs.some((line) => line.msg === 'subscription failed' && line.pv === 'G:SUBSCRIBE')).toBe(true);
  });

  // READ, the request before READ_NOTIFY, is one libca no longer sends: a raw client of ours.
  it('over CA, a plain READ that throws gets ECA_GETFAIL as an error message with the reason, and the circuit reads on', async () => {
    const circuit = await RawCircuit.connect(Number(env.EPICS_CA_SERVER_PORT));
    try {
      const failing = await circuit.createChannel('G:READ', 1);
      circuit.send(request(Command.READ, DbrType.DOUBLE, 1, failing, 77));
      const error = await circuit.waitFor((message) => message.command === Command.ERROR);
      // rsrv's read_action: send_err(ECA_GETFAIL); the echoed request (16 bytes), then the text.
      expect([error.parameter1, error.parameter2]).toEqual([1, ECA_GETFAIL]);
      expect(error.payload.subarray(16).toString('utf8')).toMatch(/^G:READ: read failed: value threw\0/);
      const ok = await circuit.createChannel('G:OK', 2);
      circuit.send(request(Command.READ_NOTIFY, DbrType.DOUBLE, 1, ok, 78));
      const reply = await circuit.waitFor((message) => message.command === Command.READ_NOTIFY && message.parameter2 === 78);
      expect([reply.parameter1, reply.payload.readDoubleBE(0)]).toEqual([ECA_NORMAL, okPv.value()[0]]);
    } finally {
      circuit.close();
    }
  });

  describe('over pvAccess (epics-tca)', () => {
    let context: Context;
    beforeAll(async () => {
      context = await startTcaContext({ ...env, ...pvaEnv });
    });
    afterAll(() => stopTcaContext(context));

    it('answers an error status with the reason, while a monitor on another PV keeps updating', async () => {
      const watched = await context.createChannel('G:OK', 'pva', 5);
      const updates: number[] = [];
      const monitor = await watched!.createMonitorPva(5, '', (m) => updates.push(pvaValue(m) as number));
      expect(monitor).toBeDefined();
      for (const name of BAD_WRITES) {
        const channel = await context.createChannel(name, 'pva', 5);
        const status = (await channel!.putPva('value', [9], 5)) as { type: number; message: string };
        expect({ name, type: status.type }).toEqual({ name, type: 2 });
        expect(status.message).toMatch(/threw|rejected|bug in the service/);
      }
      expect(await context.createChannel('G:FIND', 'pva', 1)).toBeUndefined();
      const ok = await context.createChannel('G:OK', 'pva', 5);
      await ok!.putPva('value', [11], 5);
      await until(() => updates.includes(11));
      expect(updates).toContain(11);
      monitor!.destroyHard();
    });

    it('answers a GET or MONITOR whose PV cannot be read with an error status; the same client is still served, and a monitor outlives a failed update', async () => {
      for (const name of ['G:READ', 'G:META']) {
        const channel = await context.createChannel(name, 'pva', 5);
        expect({ name, data: await channel!.getPva(5, '') }).toEqual({ name, data: undefined });
      }
      const unsubscribable = await context.createChannel('G:SUBSCRIBE', 'pva', 5);
      expect(await unsubscribable!.createMonitorPva(5, '', () => undefined)).toBeUndefined();
      const ok = await context.createChannel('G:OK', 'pva', 5);
      expect(((await ok!.getPva(5, '')) as { value: number }).value).toBe(okPv.value()[0]);

      flaky.broken = false;
      flaky.post(1);
      const channel = await context.createChannel('G:FLAKY', 'pva', 5);
      const updates: number[] = [];
      const monitor = await channel!.createMonitorPva(5, '', (m) => updates.push(pvaValue(m) as number));
      await until(() => updates.includes(1));
      const readFailures = () => logs.filter((line) => line.msg === 'read failed' && line.pv === 'G:FLAKY').length;
      const failuresBefore = readFailures();
      flaky.broken = true;
      flaky.post(2);
      await until(() => readFailures() > failuresBefore);
      flaky.broken = false;
      flaky.post(3);
      await until(() => updates.includes(3));
      expect(updates).toEqual([1, 3]);
      monitor!.destroyHard();
      // Each failure was answered on the one connection it came on, which stayed open throughout.
      const failures = logs.filter((line) => line.protocol === 'pva' && /^(read|subscription) failed$/.test(line.msg as string));
      expect(failures.map((line) => line.pv)).toEqual(['G:READ', 'G:META', 'G:SUBSCRIBE', 'G:FLAKY']);
      expect(new Set(failures.map((line) => line.client)).size).toBe(1);
      expect(logs.filter((line) => /closing/.test(line.msg as string))).toEqual([]);
    });
  });
});

/** Polls `condition` until it holds, for at most 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (const end = Date.now() + 5000; !condition() && Date.now() < end;) await new Promise((resolve) => setTimeout(resolve, 20));
}
