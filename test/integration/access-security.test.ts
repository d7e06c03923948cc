import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAcfFile } from '../../src/access';
import { writeClientNameRequest, writeEventAddRequest, writeWriteRequest } from '../../src/ca/protocol/client-requests';
import { AccessBits, Command, Eca } from '../../src/ca/protocol/constants';
import { MessageWriter } from '../../src/ca/protocol/writer';
import { Database } from '../../src/database';
import type { IocStatsDrivers } from '../../src/ioc/devices';
import type { ClientIdentity } from '../../src/database/pv';
import { startAccessSecurity, type AccessSecurity } from '../../src/ioc/access-security';
import { IOC_STATS_DB } from '../../src/ioc/records-files';
import { iocDatabase } from '../helpers/ioc-devices';
import { silentLogger } from '../../src/logger';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { RawCircuit, request } from '../helpers/raw-client';
import { textMatching } from '../helpers/matchers';

// Access security against libca (through pyepics) run as other users and on other hosts: libca
// sends the login name (getpwuid) and gethostname(), so the clients run under another uid and in
// a UTS namespace of their own. That takes root (with CAP_SYS_ADMIN: in Docker, --cap-add
// SYS_ADMIN), setpriv and unshare: without them these tests fail, saying so, rather than pass
// having tested nothing.

function checkPrerequisites(): void {
  const probes: [what: string, command: string, args: string[]][] = [
    ['setpriv (util-linux) running a command as uid 65534', 'setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']],
    ['unshare (util-linux) setting a host name in a new UTS namespace', 'unshare', ['--uts', 'sh', '-c', 'hostname opi-probe']],
  ];
  const failed = probes.filter(([, command, args]) => {
    try {
      execFileSync(command, args, { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (failed.length > 0) {
    throw new Error(
      `access security tests run libca clients as other users and host names, which needs root with CAP_SYS_ADMIN; ` +
        `running as uid ${process.getuid?.()}, these do not work: ${failed.map(([what]) => what).join('; ')}`,
    );
  }
}

/** Runs Python as `nobody` (uid 65534), so that libca sends the user name "nobody". */
const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
/** Runs Python in a UTS namespace whose host name is `host`, so that libca sends it. */
const onHost = (host: string) => ['unshare', '--uts', 'sh', '-c', `hostname ${host} && exec "$@"`, 'sh'];

interface Client {
  label: string;
  launcher: string[];
  user: string;
  host: string;
}

const ME: Client = { label: 'root on this host', launcher: [], user: 'root', host: os.hostname() };
const NOBODY: Client = { label: 'nobody on this host', launcher: AS_NOBODY, user: 'nobody', host: os.hostname() };
const ROOT_ON_CONSOLE: Client = { label: 'root on OPI-7', launcher: onHost('OPI-7'), user: 'root', host: 'OPI-7' };
const NOBODY_ON_CONSOLE: Client = { label: 'nobody on opi-7', launcher: [...onHost('opi-7'), ...AS_NOBODY], user: 'nobody', host: 'opi-7' };

const ACF = `
# Every rule shape, against the clients above.
UAG(ops) { nobody }
HAG(consoles) { opi-7 }
ASG(DEFAULT) { RULE(1, WRITE) }
ASG(OPS) { RULE(1, READ) RULE(1, WRITE) { UAG(ops) } }
ASG(CONSOLES) { RULE(1, READ) RULE(1, WRITE) { HAG(consoles) } }
ASG(BOTH) { RULE(1, READ) RULE(1, WRITE) { UAG(ops) HAG(consoles) } }
ASG(VALONLY) { RULE(1, READ) RULE(0, WRITE) { UAG(ops) } }
ASG(SECRET) { RULE(1, READ) { UAG(ops) } }
ASG(LOCKED) { RULE(1, NONE) }
`;

const RECORDS = `
record(ao, "AS:WHO")
record(ao, "AS:OPEN")
record(ao, "AS:UNDECLARED") { field(ASG, "NO_SUCH_GROUP") }
record(ao, "AS:OPS") { field(ASG, "OPS") }
record(ao, "AS:CONSOLES") { field(ASG, "CONSOLES") }
record(ao, "AS:BOTH") { field(ASG, "BOTH") }
record(ao, "AS:VALONLY") { field(ASG, "VALONLY") }
record(ao, "AS:SECRET") { field(ASG, "SECRET") }
record(ao, "AS:LOCKED") { field(ASG, "LOCKED") }
`;

const PVS = ['AS:OPEN', 'AS:UNDECLARED', 'AS:OPS', 'AS:CONSOLES', 'AS:BOTH', 'AS:VALONLY', 'AS:VALONLY.DESC', 'AS:SECRET', 'AS:LOCKED'];

interface Outcome {
  read: boolean;
  write: boolean;
  /** 1 (ECA_NORMAL) from the server, or libca's refusal. */
  put: number | string;
}

/** Connects each PV, reports its access rights and tries a put of `value`; first writes AS:WHO, whose writer the test records. */
const MATRIX_SCRIPT = (value: number) => `
epics.caput('AS:WHO', 1, wait=True, timeout=5)
out = {}
for n in ${JSON.stringify(PVS)}:
    chid = ca.create_channel(n, connect=False)
    ca.connect_channel(chid, timeout=5)
    entry = {'read': bool(ca.read_access(chid)), 'write': bool(ca.write_access(chid))}
    try:
        entry['put'] = put_status(n, '${value}' if n.endswith('.DESC') else ${value})
    except ca.CASeverityException as e:
        entry['put'] = str(e)
    out[n] = entry
emit(out)
`;

const rw = (read: boolean, write: boolean) => ({ read, write });
const R = rw(true, false);
const RW = rw(true, true);
const NONE = rw(false, false);

/** What each client may do to each PV under ACF. */
const EXPECTED: [Client, { [pv: string]: { read: boolean; write: boolean } }][] = [
  [ME, { OPS: R, CONSOLES: R, BOTH: R, VALONLY: R, SECRET: NONE }],
  [NOBODY, { OPS: RW, CONSOLES: R, BOTH: R, VALONLY: RW, SECRET: R }],
  [ROOT_ON_CONSOLE, { OPS: R, CONSOLES: RW, BOTH: R, VALONLY: R, SECRET: NONE }],
  [NOBODY_ON_CONSOLE, { OPS: RW, CONSOLES: RW, BOTH: RW, VALONLY: RW, SECRET: R }],
];

describe('access security with libca clients of different users and hosts', () => {
  let directory: string;
  let acfFile: string;
  let database: Database;
  let security: AccessSecurity;
  let drivers: IocStatsDrivers | undefined;
  let server: TestServer | undefined;
  const writers: ClientIdentity[] = [];

  const value = (name: string) => database.record(name, 'number').get();

  beforeAll(async () => {
    checkPrerequisites();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-as-'));
    acfFile = path.join(directory, 'test.acf');
    fs.writeFileSync(acfFile, ACF);
    // As the IOC prepares it: READACF's asSubProcess reloads through the access security started below.
    ({ database, drivers } = iocDatabase({}, () => security.reload()));
    database.loadText(RECORDS);
    database.loadFile(IOC_STATS_DB, { macros: 'P=AS:' });
    database.record('AS:WHO', 'number').onWrite((_value, client) => void writers.push({ ...client }));
    // Running, as in the IOC when access security starts: ACF_STATUS is an I/O Intr record.
    database.start();
    security = await startAccessSecurity({
      database,
      settings: { file: acfFile, macros: '', useClientIpAddress: false },
      status: drivers.accessSecurity,
      logger: silentLogger(),
    });
    server = await startTestServer(database);
  });
  afterAll(async () => {
    await server?.close();
    drivers?.stop();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it.each(EXPECTED.map(([client, rights], index) => [client.label, client, rights, 10 * (index + 1)] as const))(
    '%s gets the rights of its user and host, and writes only where it may',
    async (_label, client, rights, putValue) => {
      const before = Object.fromEntries(PVS.map((name) => [name, database.record(name.replace('.DESC', '')).field(name.endsWith('.DESC') ? 'DESC' : 'VAL')]));
      writers.length = 0;
      const result = await runPyepics<{ [pv: string]: Outcome }>(MATRIX_SCRIPT(putValue), server!.clientEnv, 30000, client.launcher);
      expect(writers).toEqual([expect.objectContaining({ user: client.user, host: client.host })]);

      const expected: { [pv: string]: { read: boolean; write: boolean } } = {
        'AS:OPEN': RW,
        'AS:UNDECLARED': RW,
        'AS:LOCKED': NONE,
        'AS:VALONLY.DESC': R,
        ...Object.fromEntries(Object.entries(rights).map(([name, access]) => [`AS:${name}`, access])),
      };
      for (const name of PVS) {
        const outcome = result[name]!;
        expect([name, outcome.read, outcome.write]).toEqual([name, expected[name]!.read, expected[name]!.write]);
        if (expected[name]!.write) {
          expect([name, outcome.put]).toEqual([name, 1]);
        } else {
          // libca refuses a put on a channel without write access itself (ECA_NOWTACCESS).
          expect([name, outcome.put]).toEqual([name, expect.stringMatching(/Write access denied/)]);
        }
        const field = name.endsWith('.DESC') ? 'DESC' : 'VAL';
        const now = database.record(name.replace('.DESC', '')).field(field);
        expect([name, now]).toEqual([name, expected[name]!.write ? (field === 'DESC' ? String(putValue) : putValue) : before[name]]);
      }
    },
  );

  describe('re-reading the file', () => {
    const RELOAD_SESSION = `
chid = ca.create_channel('AS:OPS', connect=False)
events = []
ca.replace_access_rights_event(chid, callback=lambda read_access, write_access, **kw: events.append([read_access, write_access]))
ca.connect_channel(chid, timeout=5)
t0 = time.time()
while not events and time.time() - t0 < 5: time.sleep(0.01)
first = put_status('AS:OPS', 5)
say('ready')
sys.stdin.readline()
`;

    /**
     * A client (nobody, in UAG ops) connected to AS:OPS loses write access when the file, with
     * nobody taken out of ops, is re-read: through the API by `reloadByCode`, else by the client
     * itself writing 1 to AS:READACF. It reports the access rights it saw and its next put.
     */
    async function loseWriteAccess(reloadByCode?: () => Promise<void>) {
      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      const session = startPyepics<{ first: number; events: boolean[][]; write: boolean; second: string; readValue: number }>(
        `${RELOAD_SESSION}
${reloadByCode ? '' : "epics.caput('AS:READACF', 1, wait=True, timeout=5)"}
deadline = time.time() + 10
# libca sets the channel's rights before it calls the handler, from another thread: wait for both.
while (ca.write_access(chid) or events[-1][1]) and time.time() < deadline:
    ca.poll(0.05)
try:
    second = str(put_status('AS:OPS', 6))
except ca.CASeverityException as e:
    second = str(e)
changes = [e for i, e in enumerate(events) if i == 0 or e != events[i - 1]]
emit({'first': first, 'events': changes, 'write': bool(ca.write_access(chid)), 'second': second, 'readValue': ca.get(chid, timeout=5)})
`,
        server!.clientEnv,
        30000,
        AS_NOBODY,
      );
      await session.waitForLine('ready');
      expect(value('AS:OPS')).toBe(5);
      fs.writeFileSync(acfFile, ACF.replace('UAG(ops) { nobody }', 'UAG(ops) { somebody_else }'));
      await reloadByCode?.();
      session.send('go');
      const result = await session.result;
      expect(result).toEqual({
        first: 1,
        events: [
          [true, true],
          [true, false],
        ],
        write: false,
        second: textMatching(/Write access denied/),
        readValue: 5,
      });
      expect(value('AS:OPS')).toBe(5);
    }

    it('through the reload PV: a connected client loses write access, sees ACCESS_RIGHTS change, and its put is refused', async () => {
      await loseWriteAccess();
      expect(database.record('AS:READACF', 'number').get()).toBe(0);
      expect(database.record('AS:ACF_STATUS', 'string').get()).toBe(`loaded ${acfFile}`);
    });

    it('through the Database API: the same, for rules put in force by code', async () => {
      await loseWriteAccess(async () => database.setAccessSecurity((await loadAcfFile(acfFile)).rules));
    });

    /** A raw circuit named nobody, subscribed to `name` (DBR_DOUBLE, DBE_VALUE) as `subscriptionId`, once the first update came. */
    async function subscribeAsNobody(name: string, subscriptionId: number) {
      const client = await RawCircuit.connect(server!.server.tcpPort);
      const writer = new MessageWriter(64);
      writeClientNameRequest(writer, 'nobody');
      client.send(writer.take()!);
      const sid = await client.createChannel(name, 1);
      writeEventAddRequest(writer, 6, 1, sid, subscriptionId, 1);
      client.send(writer.take()!);
      await client.waitFor((m) => m.command === Command.EVENT_ADD && m.parameter2 === subscriptionId);
      return { client, writer, sid };
    }

    // Raw only: libca checks write access itself and never sends a put without it (ECA_NOWTACCESS locally).
    it('refuses a raw CA write that arrives anyway with ECA_NOWTACCESS from the server, changing nothing', async () => {
      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      const { client, writer, sid } = await subscribeAsNobody('AS:OPS', 50);
      await client.waitFor((m) => m.command === Command.ACCESS_RIGHTS && m.parameter2 === (AccessBits.READ | AccessBits.WRITE));

      fs.writeFileSync(acfFile, ACF.replace('UAG(ops) { nobody }', 'UAG(ops) { somebody_else }'));
      await security.reload();
      const rights = await client.waitFor((m) => m.command === Command.ACCESS_RIGHTS && m.parameter2 === AccessBits.READ);
      expect(rights.parameter1).toBe(1);

      const before = value('AS:OPS');
      const payload = Buffer.alloc(8);
      payload.writeDoubleBE(before + 100);
      writeWriteRequest(writer, 6, 1, sid, 51, payload);
      writeWriteRequest(writer, 6, 1, sid, 52, payload, false);
      client.send(writer.take()!);
      const notify = await client.waitFor((m) => m.command === Command.WRITE_NOTIFY && m.parameter2 === 51);
      expect(notify.parameter1).toBe(Eca.NOWTACCESS);
      const error = await client.waitFor((m) => m.command === Command.ERROR);
      expect(error.parameter2).toBe(Eca.NOWTACCESS);
      expect(value('AS:OPS')).toBe(before);
      client.close();
    });

    // A raw client, for the exact bytes of the zeroed ECA_NORDACCESS update; its twin through libca
    // (next) shows what a libca monitor sees of the same.
    it('takes read access away from a monitor (one zeroed ECA_NORDACCESS update) and gives it back with the current value', async () => {
      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      const { client } = await subscribeAsNobody('AS:SECRET', 60);
      const updates = () => client.messages.filter((m) => m.command === Command.EVENT_ADD && m.parameter2 === 60);

      fs.writeFileSync(acfFile, ACF.replace('UAG(ops) { nobody }', 'UAG(ops) { somebody_else }'));
      await security.reload();
      await client.waitFor((m) => m.command === Command.ACCESS_RIGHTS && m.parameter2 === 0);
      await client.waitFor(() => updates().length === 2);
      expect(updates()[1]).toMatchObject({ parameter1: Eca.NORDACCESS, payload: Buffer.alloc(8) });
      database.record('AS:SECRET', 'number').set(42);
      // An ECHO's reply goes out after any update the change made: none may come before it.
      client.send(request(Command.ECHO, 0, 0, 0, 0));
      await client.waitFor((m) => m.command === Command.ECHO);
      expect(updates()).toHaveLength(2);

      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      await client.waitFor(() => updates().length === 3);
      expect(updates()[2]!.parameter1).toBe(Eca.NORMAL);
      expect(updates()[2]!.payload.readDoubleBE(0)).toBe(42);
      client.close();
    });

    it('over libca: a monitor loses read access, gets nothing meanwhile, and gets the current value back with it', async () => {
      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      const before = value('AS:SECRET');
      const session = startPyepics<{ events: boolean[][]; values: number[] }>(
        `
events = []
values = []
chid = ca.create_channel('AS:SECRET', connect=False)
ca.replace_access_rights_event(chid, callback=lambda read_access, write_access, **kw: events.append([read_access, write_access]))
ca.connect_channel(chid, timeout=5)
subscription = ca.create_subscription(chid, callback=lambda value=None, **kw: values.append(value))
def wait(done):
    deadline = time.time() + 10
    while not done() and time.time() < deadline: ca.poll(0.01)
wait(lambda: values)
say('subscribed')
sys.stdin.readline()
wait(lambda: events and events[-1] == [False, False])
say('lost')
sys.stdin.readline()
wait(lambda: events[-1][0] and len(values) > 1)
emit({'events': [e for i, e in enumerate(events) if i == 0 or e != events[i - 1]], 'values': values})
`,
        server!.clientEnv,
        30000,
        AS_NOBODY,
      );
      try {
        await session.waitForLine('subscribed');
        fs.writeFileSync(acfFile, ACF.replace('UAG(ops) { nobody }', 'UAG(ops) { somebody_else }'));
        await security.reload();
        session.send('');
        await session.waitForLine('lost');
        database.record('AS:SECRET', 'number').set(42);
        fs.writeFileSync(acfFile, ACF);
        await security.reload();
        session.send('');
        expect(await session.result).toEqual({
          events: [
            [true, false],
            [false, false],
            [true, false],
          ],
          values: [before, 42],
        });
      } finally {
        session.kill();
      }
    });

    // Raw only: libca sends its user name once, when it opens the circuit; no libca call renames a client.
    it('sends new access rights to a client that renames itself', async () => {
      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      const client = await RawCircuit.connect(server!.server.tcpPort);
      await client.createChannel('AS:OPS', 1);
      await client.waitFor((m) => m.command === Command.ACCESS_RIGHTS && m.parameter2 === AccessBits.READ);
      const writer = new MessageWriter(64);
      writeClientNameRequest(writer, 'nobody');
      client.send(writer.take()!);
      await client.waitFor((m) => m.command === Command.ACCESS_RIGHTS && m.parameter2 === (AccessBits.READ | AccessBits.WRITE));
      client.close();
    });

    it('keeps the rules in force when the file has an error, and says why in ACF_STATUS with a MAJOR alarm', async () => {
      fs.writeFileSync(acfFile, ACF);
      await security.reload();
      fs.writeFileSync(acfFile, ACF.replace('UAG(ops) { nobody }', 'UAG(ops) { nobody'));
      const result = await runPyepics<{ put: number; status: string; severity: number; after: number }>(
        `
put = put_status('AS:READACF', 1)
deadline = time.time() + 10
while epics.caget('AS:READACF') != 0 and time.time() < deadline:
    time.sleep(0.05)
chid = ca.create_channel('AS:ACF_STATUS.VAL$')
ca.connect_channel(chid, timeout=5)
md = ca.get_with_metadata(chid, ftype=ca.promote_type(chid, use_time=True), as_string=True, timeout=5)
emit({'put': put, 'status': md['value'], 'severity': md['severity'], 'after': put_status('AS:OPS', 7)})
`,
        server!.clientEnv,
        30000,
        AS_NOBODY,
      );
      expect(result).toEqual({ put: 1, status: `${acfFile}:4:1: expected ',' or '}', found 'HAG'`, severity: 2, after: 1 });
      expect(value('AS:OPS')).toBe(7);
    });
  });
});

describe('access security matching HAG entries to client IP addresses (asCheckClientIP)', () => {
  let directory: string;
  let server: TestServer | undefined;

  beforeAll(async () => {
    checkPrerequisites();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-as-ip-'));
    const file = path.join(directory, 'ip.acf');
    fs.writeFileSync(
      file,
      `HAG(local) { localhost }
HAG(console) { 10.255.255.1 }
ASG(DEFAULT) { RULE(1, READ) }
ASG(LOCAL) { RULE(1, WRITE) { HAG(local) } }
ASG(CONSOLE) { RULE(1, WRITE) { HAG(console) } }
`,
    );
    const database = new Database();
    database.loadText('record(ao, "IP:LOCAL") { field(ASG, "LOCAL") }\nrecord(ao, "IP:CONSOLE") { field(ASG, "CONSOLE") }');
    database.setAccessSecurity((await loadAcfFile(file, { useClientIpAddress: true })).rules);
    server = await startTestServer(database);
  });
  afterAll(async () => {
    await server?.close();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it('goes by the address a client connects from, whatever host name it sends', async () => {
    const result = await runPyepics<{ [pv: string]: boolean }>(
      `
out = {}
for n in ('IP:LOCAL', 'IP:CONSOLE'):
    chid = ca.create_channel(n)
    ca.connect_channel(chid, timeout=5)
    out[n] = bool(ca.write_access(chid))
emit(out)
`,
      server!.clientEnv,
      30000,
      onHost('10.255.255.1'),
    );
    expect(result).toEqual({ 'IP:LOCAL': true, 'IP:CONSOLE': false });
  });
});
