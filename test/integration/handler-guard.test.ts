import { Writable } from 'node:stream';
import pino from 'pino';
import type { Context } from 'epics-tca';
import { createCaServer, type CaServer } from '../../src/ca/server';
import { Database } from '../../src/database';
import { FieldType, type ClientIdentity, type FieldValue, type ProcessVariable, type PvProvider, type WriteResult } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { createPvaServer, type PvaServer } from '../../src/pva/server';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

// Code the servers call on a client's behalf (SimplePv validate, RecordHandle.onWrite listeners,
// a PV's own write, a provider's find) throws or rejects: that client gets an error (ECA_PUTFAIL
// over CA, an error status over pvAccess), the failure is logged with the PV and the client, and
// every other client keeps being served.

const ECA_PUTFAIL = 160; // caerr.h: CA_INSERT_MSG_NO(20) with CA_K_WARNING
const ECA_NORMAL = 1;

class ThrowingPv extends SimplePv {
  override write(_value: FieldValue, _client: ClientIdentity): WriteResult {
    throw new TypeError('a bug in the service');
  }
}

const fail = (why: string) => {
  throw new Error(why);
};

function guardedPvs() {
  return new PvMap([
    new SimplePv({ name: 'G:OK', type: FieldType.DOUBLE, value: 1 }),
    new SimplePv({ name: 'G:VALIDATE', type: FieldType.DOUBLE, validate: () => fail('validate threw') }),
    new SimplePv({ name: 'G:VALIDATE_ASYNC', type: FieldType.DOUBLE, validate: async () => fail('validate rejected') }),
    new ThrowingPv({ name: 'G:WRITE', type: FieldType.DOUBLE }),
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
    database.record('G:REC_ASYNC', 'number').onWrite(async () => fail('onWrite rejected'));
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

  describe('over pvAccess (epics-tca)', () => {
    let context: Context;
    beforeAll(async () => {
      context = await startTcaContext({ ...env, ...pvaEnv });
    });
    afterAll(() => stopTcaContext(context));

    it('answers an error status with the reason, while a monitor on another PV keeps updating', async () => {
      const watched = await context.createChannel('G:OK', 'pva', 5);
      const updates: number[] = [];
      const monitor = await watched!.createMonitorPva(5, '', (m) => updates.push(m.getPvaData().value as number));
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
      for (const end = Date.now() + 5000; !updates.includes(11) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
      expect(updates).toContain(11);
      await monitor!.destroyHard();
    });
  });
});
