import type { Context } from 'epics-tca';
import { Database } from '../../src/database';
import { AlarmSeverity, AlarmStatus } from '../../src/database/pv';
import { Channel_DBR_TYPES, ChannelMonitor_MASKS } from 'epics-tca';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { pvaValue, startTcaContext, stopTcaContext } from '../helpers/tca';

/** The parts of an NT structure that these tests read (epics-tca does not type getPva's result). */
interface NtRead {
  value?: unknown;
  display?: { description?: string };
  alarm?: unknown;
  valueAlarm?: unknown;
  timeStamp?: { secondsPastEpoch?: unknown };
}
/** An NTEnum's value as read whole, or only its index. */
interface EnumRead {
  value?: { index?: number; choices?: string[] };
}

// epics-tca's pvAccess client, written independently of this project, against our pvAccess server.

const RECORDS = `
record(ai, "PVA:AI") {
    field(VAL, "2.5") field(PINI, "YES") field(EGU, "MiB") field(PREC, "2")
    field(HOPR, "10") field(LOPR, "0") field(HIGH, "8") field(HSV, "MINOR")
}
record(ao, "PVA:AO") { field(DRVH, "100") field(DRVL, "-100") }
record(ai, "PVA:DESC") { field(DESC, "Heap used") }
record(bo, "PVA:BO") { field(ZNAM, "Disable") field(ONAM, "Enable") }
record(mbbo, "PVA:MBBO") { field(ZRST, "lineno") field(ONST, "filename") field(TWST, "traceback") }
record(longin, "PVA:RO") { field(VAL, "3") field(DISP, "1") }
record(calc, "PVA:HEARTBEAT") { field(CALC, "VAL") }
record(waveform, "PVA:TEXT") { field(FTVL, "CHAR") field(NELM, "20000") info(Q:form, "String") }
record(waveform, "PVA:WF") { field(FTVL, "DOUBLE") field(NELM, "8") }
record(waveform, "PVA:UBYTES") { field(FTVL, "UCHAR") field(NELM, "8") }
`;

/** An OK Status; epics-tca gives the one-byte OK form as its raw type code, 255. */
const isOk = (status: unknown) => [0, 255].includes((status as { type: number }).type);
expect.extend({
  toSatisfy(received: unknown, predicate: (value: unknown) => boolean) {
    const pass = predicate(received);
    return { pass, message: () => `${JSON.stringify(received)} ${pass ? 'satisfies' : 'does not satisfy'} ${predicate.name}` };
  },
});
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toSatisfy(predicate: (value: unknown) => boolean): R;
    }
  }
}

const until = async (condition: () => boolean, ms = 3000) => {
  for (const end = Date.now() + ms; !condition() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
};

describe('epics-tca pvAccess client against the pvAccess server', () => {
  let database: Database;
  let server: TestPvaServer;
  let caServer: TestServer;
  let context: Context;

  beforeAll(async () => {
    database = new Database();
    database.loadText(RECORDS);
    database.start();
    server = await startTestPvaServer(database);
    caServer = await startTestServer(database);
    context = await startTcaContext({ ...server.clientEnv, ...caServer.clientEnv });
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await server.close();
    await caServer.close();
    database.close();
  });

  const channel = async (name: string) => {
    const created = await context.createChannel(name, 'pva', 5);
    if (!created) throw new Error(`${name} did not connect`);
    return created;
  };

  it('gets an NTScalar double with alarm, time stamp and display', async () => {
    const data = (await (await channel('PVA:AI')).getPva(5, '')) as NtRead;
    expect(data.value).toBe(2.5);
    expect(data.display).toMatchObject({ units: 'MiB', precision: 2, limitHigh: 10, limitLow: 0 });
    expect(data.valueAlarm).toMatchObject({ highWarningLimit: 8 });
    expect(data.alarm).toMatchObject({ severity: 0, status: 0 });
    expect(Math.abs(Number(data.timeStamp?.secondsPastEpoch) - Date.now() / 1000)).toBeLessThan(3600);
  });

  it('gives display.description from DESC and alarm.message from AMSG', async () => {
    database.record('PVA:DESC', 'number').set(1, { severity: AlarmSeverity.MAJOR, status: AlarmStatus.READ, message: 'sampling failed' });
    const data = (await (await channel('PVA:DESC')).getPva(5, '')) as NtRead;
    expect(data.display?.description).toBe('Heap used');
    // READ is a device status in pvData's terms (1), as QSRV maps it.
    expect(data.alarm).toMatchObject({ severity: AlarmSeverity.MAJOR, status: 1, message: 'sampling failed' });
  });

  it('puts a double and reads it back', async () => {
    const ao = await channel('PVA:AO');
    const status = await ao.putPva('value', [6.25], 5);
    expect(status).toSatisfy(isOk);
    expect(((await ao.getPva(5, '')) as NtRead).value).toBe(6.25);
    expect(database.record('PVA:AO', 'number').get()).toBe(6.25);
  });

  it('puts an enum by index and by label', async () => {
    const bo = await channel('PVA:BO');
    expect(await bo.putPva('value.index', [1], 5)).toSatisfy(isOk);
    const read = (await bo.getPva(5, '')) as NtRead;
    expect(read.value).toEqual({ index: 1, choices: ['Disable', 'Enable'] });
    // By label, as pvxput does it: the client looks the label up in value.choices.
    const mbbo = await channel('PVA:MBBO');
    const choices = ((await mbbo.getPva(5, 'value')) as EnumRead).value?.choices ?? [];
    expect(await mbbo.putPva('value.index', [choices.indexOf('traceback')], 5)).toSatisfy(isOk);
    expect(((await mbbo.getPva(5, 'value.index')) as EnumRead).value?.index).toBe(2);
  });

  it('refuses a write to a read-only PV with an error status', async () => {
    const ro = await channel('PVA:RO');
    const status = await ro.putPva('value', [5], 5);
    expect(status).toMatchObject({ type: 2 });
    expect(database.record('PVA:RO', 'number').get()).toBe(3);
  });

  it('serves a UCHAR waveform as unsigned bytes', async () => {
    database.record('PVA:UBYTES', 'array').set(Uint8Array.of(1, 128, 255));
    const data = (await (await channel('PVA:UBYTES')).getPva(5, '')) as NtRead;
    expect(Array.from(data.value as ArrayLike<number>)).toEqual([1, 128, 255]);
  });

  it('serves a CHAR waveform tagged Q:form String as NTScalar string, and monitors it', async () => {
    const text = await channel('PVA:TEXT');
    const updates: string[] = [];
    const monitor = await text.createMonitorPva(5, '', (m) => updates.push(pvaValue(m) as string));
    expect(monitor).toBeDefined();
    await until(() => updates.length >= 1);
    database.record('PVA:TEXT', 'array').set(new Uint8Array(Buffer.from('#1: app.js:42: 1234.5 KiB\n\0')));
    await until(() => updates.length >= 2);
    expect(updates.at(-1)).toBe('#1: app.js:42: 1234.5 KiB\n');
    monitor!.destroyHard();
  });

  it('monitors HEARTBEAT as it counts', async () => {
    const heartbeat = await channel('PVA:HEARTBEAT');
    const values: number[] = [];
    const monitor = await heartbeat.createMonitorPva(5, 'value,timeStamp', (m) => values.push(pvaValue(m) as number));
    await until(() => values.length >= 1);
    // As the iocStats group beats it.
    for (let beat = 1; beat <= 3; beat++) database.record('PVA:HEARTBEAT', 'number').set(values[0]! + beat);
    await until(() => values.length >= 4);
    expect(values.slice(-3)).toEqual([values.at(-3)!, values.at(-3)! + 1, values.at(-3)! + 2]);
    monitor!.destroyHard();
  });

  it('answers introspection of an NTScalar and an NTEnum', async () => {
    const scalar: unknown = await (await channel('PVA:AI')).fetchPvaType(undefined, 5);
    expect(JSON.stringify(scalar)).toContain('epics:nt/NTScalar:1.0');
    const enumType: unknown = await (await channel('PVA:BO')).fetchPvaType(undefined, 5);
    expect(JSON.stringify(enumType)).toContain('epics:nt/NTEnum:1.0');
    expect(JSON.stringify(enumType)).toContain('enum_t');
  });

  it('does not connect a missing channel', async () => {
    expect(await context.createChannel('PVA:MISSING', 'pva', 1)).toBeUndefined();
  });

  it('shows a write through either protocol to monitors on both', async () => {
    const overPva: number[] = [];
    const overCa: number[] = [];
    const pva = await channel('PVA:AO');
    const pvaMonitor = await pva.createMonitorPva(5, 'value', (m) => overPva.push(pvaValue(m) as number));
    const ca = await context.createChannel('PVA:AO', 'ca', 5);
    const caMonitor = await ca!.createMonitor(
      5,
      (m) => overCa.push(m.getChannel().getDbrData().value as number),
      Channel_DBR_TYPES.DBR_TIME_DOUBLE,
      1,
      ChannelMonitor_MASKS.DBE_VALUE,
    );
    await until(() => overPva.length >= 1 && overCa.length >= 1);
    expect(await pva.putPva('value', [11], 5)).toSatisfy(isOk);
    await until(() => overPva.includes(11) && overCa.includes(11));
    await ca!.put(12, 5, true);
    await until(() => overPva.includes(12) && overCa.includes(12));
    expect([overPva.slice(-2), overCa.slice(-2)]).toEqual([
      [11, 12],
      [11, 12],
    ]);
    pvaMonitor!.destroyHard();
    caMonitor!.destroyHard();
  });
});
