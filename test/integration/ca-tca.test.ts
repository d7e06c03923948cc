import { Channel_DBR_TYPES, ChannelMonitor_MASKS, type Context } from 'epics-tca';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

// epics-tca, a CA client written independently of this project, against our server.

describe('epics-tca against the CA server', () => {
  let server: TestServer;
  let context: Context;
  const double = new SimplePv({
    name: 'TCA:DOUBLE',
    type: FieldType.DOUBLE,
    value: 2.5,
    metadata: { units: 'MiB', precision: 2, upperDisplayLimit: 10, lowerDisplayLimit: 0, upperControlLimit: 8, lowerControlLimit: 1 },
  });
  const enumPv = new SimplePv({ name: 'TCA:ENUM', type: FieldType.ENUM, value: 0, metadata: { enumStrings: ['Disable', 'Enable'] } });
  const text = new SimplePv({ name: 'TCA:TEXT', type: FieldType.CHAR, maxElements: 20000, value: 'x'.repeat(19999) + '\0' });
  const readOnly = new SimplePv({ name: 'TCA:RO', type: FieldType.LONG, value: 3, readOnly: true });

  beforeAll(async () => {
    server = await startTestServer(new PvMap([double, enumPv, text, readOnly]));
    context = await startTcaContext(server.clientEnv);
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await server.close();
  });

  it('connects and reads native, TIME and CTRL types', async () => {
    const channel = await context.createChannel('TCA:DOUBLE', 'ca', 5);
    expect(channel).toBeDefined();
    expect((await channel!.get(5))?.value).toBe(2.5);
    const time = await channel!.get(5, Channel_DBR_TYPES.DBR_TIME_DOUBLE);
    expect(time).toMatchObject({ value: 2.5, status: 0, severity: 0 });
    expect(Math.abs(time!.secondsSinceEpoch! + 631152000 - Date.now() / 1000)).toBeLessThan(3600);
    const ctrl = await channel!.get(5, Channel_DBR_TYPES.DBR_CTRL_DOUBLE);
    expect(ctrl).toMatchObject({ value: 2.5, units: 'MiB', precision: 2, upper_display_limit: 10, upper_ctrl_limit: 8, lower_ctrl_limit: 1 });
    expect((await channel!.get(5, Channel_DBR_TYPES.DBR_STRING))?.value).toBe('2.50');
  });

  // epics-tca does not decode STSACK_STRING and CLASS_NAME; a raw-protocol test checks those bytes.
  it('reads every DBR family: plain, STS, TIME, GR and CTRL of each element type', async () => {
    double.post(2.5);
    const channel = await context.createChannel('TCA:DOUBLE', 'ca', 5);
    // Every DBR type from DBR_STRING (0) to DBR_CTRL_DOUBLE (34), taken from the enum itself.
    const readable = [...new Set(Object.values(Channel_DBR_TYPES))].filter(
      (type): type is Channel_DBR_TYPES => typeof type === 'number' && type >= Channel_DBR_TYPES.DBR_STRING && type <= Channel_DBR_TYPES.DBR_CTRL_DOUBLE,
    );
    expect(readable).toHaveLength(35);
    const seen: Record<number, unknown> = {};
    for (const dbrType of readable) seen[dbrType] = (await channel!.get(5, dbrType))?.value;
    // Each family's value part, in the requested element type (DBR_STRING with PREC 2).
    const byElement = ['2.50', 2, 2.5, 2, 2, 2, 2.5];
    for (let family = 0; family < 5; family++) {
      for (let element = 0; element < 7; element++) {
        expect([family * 7 + element, seen[family * 7 + element]]).toEqual([family * 7 + element, byElement[element]]);
      }
    }
    const gr = await channel!.get(5, Channel_DBR_TYPES.DBR_GR_DOUBLE);
    expect(gr).toMatchObject({ units: 'MiB', precision: 2, upper_display_limit: 10, lower_display_limit: 0 });
    const sts = await channel!.get(5, Channel_DBR_TYPES.DBR_STS_LONG);
    expect(sts).toMatchObject({ value: 2, status: 0, severity: 0 });
  });

  it('reads enum labels through CTRL_ENUM', async () => {
    const channel = await context.createChannel('TCA:ENUM', 'ca', 5);
    const ctrl = await channel!.get(5, Channel_DBR_TYPES.DBR_CTRL_ENUM);
    expect(ctrl?.strings?.slice(0, 2)).toEqual(['Disable', 'Enable']);
  });

  it('writes with notification and reads the new value', async () => {
    const channel = await context.createChannel('TCA:DOUBLE', 'ca', 5);
    await channel!.put(6.25, 5, true);
    expect(Array.from(double.value() as Float64Array)).toEqual([6.25]);
    expect((await channel!.get(5))?.value).toBe(6.25);
  });

  it('monitors value changes', async () => {
    const channel = await context.createChannel('TCA:DOUBLE', 'ca', 5);
    const values: unknown[] = [];
    const monitor = await channel!.createMonitor(
      5,
      (m) => values.push(m.getChannel().getDbrData().value),
      Channel_DBR_TYPES.DBR_TIME_DOUBLE,
      1,
      ChannelMonitor_MASKS.DBE_VALUE,
    );
    expect(monitor).toBeDefined();
    for (let attempt = 0; attempt < 50 && values.length < 1; attempt++) await new Promise((r) => setTimeout(r, 20));
    double.post(7);
    double.post(8);
    for (let attempt = 0; attempt < 100 && values.length < 3; attempt++) await new Promise((r) => setTimeout(r, 20));
    expect(values.slice(-2)).toEqual([7, 8]);
    monitor!.cancel();
  });

  it('reads a 20000-element CHAR array', async () => {
    const channel = await context.createChannel('TCA:TEXT', 'ca', 5);
    const data = await channel!.get(5, Channel_DBR_TYPES.DBR_CHAR, 20000);
    expect((data?.value as number[]).length).toBe(20000);
    expect((data?.value as number[])[0]).toBe('x'.charCodeAt(0));
  });

  it('sees read-only access rights', async () => {
    const channel = await context.createChannel('TCA:RO', 'ca', 5);
    expect(channel!.getAccessRightStr()).toMatch(/READ_ONLY|read/i);
  });

  it('does not connect to a PV that is not served', async () => {
    const channel = await context.createChannel('TCA:MISSING', 'ca', 1);
    expect(channel).toBeUndefined();
  });
});
