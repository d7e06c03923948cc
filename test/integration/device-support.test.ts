import type { Context } from 'epics-tca';
import { AccessRules, parseAcf } from '../../src/access';
import { Database } from '../../src/database';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { PY_WAIT_FOR, startPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import { testDevice, type TestDevice } from '../helpers/test-device';

// A registered device support seen by real clients: the value arrives through I/O Intr
// (dbScan.c scanIoRequest, as devIocStats delivers its figures), and VAL of a record whose
// support owns it is read-only over CA (libca's write_access, as caproto's read-only PVs) and
// pvAccess, whatever the .acf grants, while its alarm limits stay writable.

const RECORDS = `
record(ai, "DEV:LEVEL") { field(DTYP, "Test device") field(INP, "@level") field(SCAN, "I/O Intr") field(HIHI, "40") field(HHSV, "MAJOR") field(ASG, "OPEN") }
record(ao, "DEV:SET") { field(DTYP, "Test device") field(OUT, "@setpoint") }
record(ao, "DEV:PLAIN")
`;

describe('a registered device support through CA and pvAccess clients', () => {
  let device: TestDevice;
  let database: Database;
  let server: TestServer;
  let pvaServer: TestPvaServer;

  beforeAll(async () => {
    device = testDevice();
    database = new Database();
    database.registerDevice(device.support);
    database.loadText(RECORDS, { file: 'dev.db' });
    database.setAccessSecurity(AccessRules.compile(parseAcf('ASG(DEFAULT) { RULE(1, WRITE) }\nASG(OPEN) { RULE(1, WRITE) }', { file: 'open.acf' })));
    database.start();
    server = await startTestServer(database);
    pvaServer = await startTestPvaServer(database);
  });
  afterAll(async () => {
    await server.close();
    await pvaServer.close();
    database.close();
  });

  it('delivers the value by I/O Intr, refuses a put to VAL and keeps serving limits and other records (pyepics)', async () => {
    const session = startPyepics<Record<string, unknown>>(
      `${PY_WAIT_FOR}
level = epics.PV('DEV:LEVEL', auto_monitor=True)
level.wait_for_connection(timeout=5)
say('ready')
got = wait_for('DEV:LEVEL', lambda value, kw: value == 42)
chid = ca.create_channel('DEV:LEVEL')
ca.connect_channel(chid, timeout=5)
hihi = ca.create_channel('DEV:LEVEL.HIHI')
ca.connect_channel(hihi, timeout=5)
refused = ''
try:
    epics.caput('DEV:LEVEL', 7, wait=True, timeout=3)
except Exception as e:
    refused = str(e)
emit({
    'value': got['value'], 'severity': got['severity'],
    'valWrite': bool(ca.write_access(chid)), 'hihiWrite': bool(ca.write_access(hihi)),
    'refused': refused, 'after': ca.get(chid),
    'hihiPut': put_status('DEV:LEVEL.HIHI', 45), 'setPut': put_status('DEV:SET', 3.5), 'plainPut': put_status('DEV:PLAIN', 2),
})
`,
      server.clientEnv,
    );
    await session.waitForLine('ready');
    device.figures.set('level', 42);
    device.ioScan.request();
    const result = await session.result;
    expect(result).toMatchObject({ value: 42, severity: 2, valWrite: false, hihiWrite: true, after: 42, hihiPut: 1, setPut: 1, plainPut: 1 });
    expect(result.refused).toMatch(/write access/i);
    expect(database.record('DEV:LEVEL').field('HIHI')).toBe(45);
    expect(device.written).toContain(3.5);
    expect(database.record('DEV:PLAIN', 'number').get()).toBe(2);
  });

  describe('over pvAccess (epics-tca)', () => {
    let context: Context;
    beforeAll(async () => {
      context = await startTcaContext({ ...pvaServer.clientEnv, ...server.clientEnv });
    });
    afterAll(async () => {
      await stopTcaContext(context);
    });

    const channel = async (name: string) => {
      const created = await context.createChannel(name, 'pva', 5);
      if (!created) throw new Error(`${name} did not connect`);
      return created;
    };

    it('refuses a put to the driver-owned value with the reason, and takes one to its limit', async () => {
      device.figures.set('level', 12);
      device.ioScan.request();
      const level = await channel('DEV:LEVEL');
      const status = await level.putPva('value', [5], 5);
      expect(status).toMatchObject({ type: 2 });
      expect(JSON.stringify(status)).toContain('the value is set by device support \\"Test device\\"');
      expect(database.record('DEV:LEVEL', 'number').get()).toBe(12);
      const hihi = await channel('DEV:LEVEL.HIHI');
      // epics-tca gives the one-byte OK status as its raw type code, 255.
      expect([0, 255]).toContain(((await hihi.putPva('value', [50], 5)) as { type: number }).type);
      expect(database.record('DEV:LEVEL').field('HIHI')).toBe(50);
    });
  });
});
