import * as path from 'node:path';
import { Channel_DBR_TYPES, ChannelMonitor_MASKS, type Channel, type Context } from 'epics-tca';
import { Database } from '../../src/database';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import { waitUntil } from '../helpers/wait';

// Records loaded from a .db file, as CA clients see them: epics-tca (written independently of
// this project) and pyepics on libca (what caget, caput and camonitor use).

const DB_FILE = path.join(__dirname, '../fixtures/db/integration.db');
const DESC = 'A temperature described in 40 characters';
const LONG_TEXT = 'memtrace '.repeat(2300).slice(0, 19999);
const MAJOR = 2;
const MINOR = 1;
const HIHI = 3;
const HIGH = 4;

let database: Database;
let server: TestServer;

beforeAll(async () => {
  database = new Database();
  database.loadFile(DB_FILE, { macros: 'P=TCA:' });
  database.loadFile(DB_FILE, { macros: 'P=PY:' });
  server = await startTestServer(database);
});
afterAll(() => server.close());

describe('epics-tca', () => {
  let context: Context;
  beforeAll(async () => {
    context = await startTcaContext(server.clientEnv);
  });
  afterAll(() => stopTcaContext(context));

  async function channel(name: string): Promise<Channel> {
    const created = await context.createChannel(name, 'ca', 5);
    if (!created) throw new Error(`no channel ${name}`);
    return created;
  }

  async function get(name: string, type?: Channel_DBR_TYPES, count?: number) {
    const ch = await channel(name);
    return ch.get(5, type ?? ch.getDbrType(), count ?? ch.getValueCount());
  }

  async function putAndWait(name: string, value: number | number[] | string): Promise<number | undefined> {
    return (await channel(name)).put(value, 5, true);
  }

  it('reads RTYP, DESC, EGU and NAME, and DESC$ in full', async () => {
    expect((await get('TCA:AI.RTYP'))?.value).toBe('ai');
    expect((await get('TCA:AI.DESC'))?.value).toBe(DESC.slice(0, 39));
    expect((await get('TCA:AI.EGU'))?.value).toBe('degC');
    expect((await get('TCA:AI.NAME'))?.value).toBe('TCA:AI');
    const chars = (await get('TCA:AI.DESC$', Channel_DBR_TYPES.DBR_CHAR))?.value as number[];
    expect(chars).toHaveLength(41);
    expect(Buffer.from(chars.slice(0, chars.indexOf(0))).toString()).toBe(DESC);
  });

  it('reads DBR_CTRL_DOUBLE of an ai with its limits', async () => {
    expect(await get('TCA:AI', Channel_DBR_TYPES.DBR_CTRL_DOUBLE)).toMatchObject({
      value: 20,
      units: 'degC',
      precision: 2,
      upper_display_limit: 100,
      lower_display_limit: -20,
      upper_alarm_limit: 90,
      upper_warning_limit: 80,
      lower_warning_limit: 0,
      lower_alarm_limit: -10,
      upper_ctrl_limit: 100,
      lower_ctrl_limit: -20,
    });
  });

  it('clips an ao write at DRVH', async () => {
    await putAndWait('TCA:AO', 75);
    expect((await get('TCA:AO'))?.value).toBe(50);
    expect((await get('TCA:AO', Channel_DBR_TYPES.DBR_CTRL_DOUBLE))?.upper_ctrl_limit).toBe(50);
  });

  it('raises HIHI and clears it only past the hysteresis', async () => {
    const alarms: [number, number][] = [];
    for (const value of [95, 89, 87, 50]) {
      await putAndWait('TCA:AI', value);
      const time = await get('TCA:AI', Channel_DBR_TYPES.DBR_TIME_DOUBLE);
      alarms.push([time!.status as number, time!.severity as number]);
    }
    expect(alarms).toEqual([
      [HIHI, MAJOR],
      [HIHI, MAJOR],
      [HIGH, MINOR],
      [0, 0],
    ]);
  });

  it('lets MDEL govern DBE_VALUE monitors and ADEL DBE_LOG monitors', async () => {
    const ch = await channel('TCA:DEADBAND');
    const valueEvents: number[] = [];
    const logEvents: number[] = [];
    const subscribe = (events: number[], mask: ChannelMonitor_MASKS) =>
      ch.createMonitor(5, (m) => events.push(m.getChannel().getDbrData().value as unknown as number), Channel_DBR_TYPES.DBR_TIME_DOUBLE, 1, mask);
    const monitors = [await subscribe(valueEvents, ChannelMonitor_MASKS.DBE_VALUE), await subscribe(logEvents, ChannelMonitor_MASKS.DBE_LOG)];
    await waitUntil(() => valueEvents.length >= 1 && logEvents.length >= 1, 'the first value and log updates');
    for (const value of [0.5, 1.5, 3, 5.5, 6, 7]) await ch.put(value, 5, true);
    await waitUntil(() => valueEvents.length >= 5 && logEvents.length >= 2, 'five value and two log updates');
    // A read behind the puts on the same circuit: its reply comes after every update they posted.
    await ch.get(5);
    expect(valueEvents).toEqual([0, 1.5, 3, 5.5, 7]);
    expect(logEvents).toEqual([0, 5.5]);
    for (const monitor of monitors) monitor?.cancel();
  });

  it('reads mbbo labels through DBR_CTRL_ENUM', async () => {
    const ctrl = await get('TCA:MODE', Channel_DBR_TYPES.DBR_CTRL_ENUM);
    expect(ctrl?.number_of_string_used).toBe(3);
    expect(ctrl?.strings?.slice(0, 3)).toEqual(['Idle', 'Tracing', 'Dumping']);
  });

  it('writes a 20000-element CHAR waveform and reads it back as text', async () => {
    const chars = [...Buffer.from(LONG_TEXT), 0];
    await putAndWait('TCA:TEXT', chars);
    const data = (await get('TCA:TEXT', Channel_DBR_TYPES.DBR_CHAR, 20000))?.value as number[];
    expect(data).toHaveLength(20000);
    const text = Buffer.from(data.slice(0, data.indexOf(0))).toString();
    expect({ length: text.length, same: text === LONG_TEXT }).toEqual({ length: LONG_TEXT.length, same: true });
  });

  it('refuses a write to .NAME', async () => {
    const ch = await channel('TCA:AI.NAME');
    expect(ch.getAccessRightStr()).toMatch(/READ_ONLY|read/i);
    await ch.put('OTHER', 3, true);
    expect((await ch.get(5))?.value).toBe('TCA:AI');
  });
});

describe('pyepics (libca)', () => {
  const py = <T>(script: string) => runPyepics<T>(script, server.clientEnv);

  it('reads RTYP, DESC, EGU, NAME and DESC$, and answers DBR_CLASS_NAME with the record type', async () => {
    const result = await py<Record<string, string>>(`
import ctypes
out = {f: epics.caget('PY:AI.' + f) for f in ['RTYP', 'DESC', 'EGU', 'NAME']}
out['DESC$'] = epics.caget('PY:AI.DESC$', as_string=True)
chid = ca.create_channel('PY:AI.EGU')
ca.connect_channel(chid, timeout=5)
buffer = ctypes.create_string_buffer(40)
ca.libca.ca_array_get(38, 1, chid, buffer)
ca.libca.ca_pend_io(ctypes.c_double(5.0))
out['CLASS_NAME'] = buffer.value.decode()
emit(out)
`);
    expect(result).toEqual({ RTYP: 'ai', DESC: DESC.slice(0, 39), EGU: 'degC', NAME: 'PY:AI', DESC$: DESC, CLASS_NAME: 'ai' });
  });

  it('reads DBR_CTRL_DOUBLE of an ai with its limits', async () => {
    const ctrl = await py<Record<string, unknown>>(`
chid = ca.create_channel('PY:AI')
ca.connect_channel(chid, timeout=5)
emit(ca.get_with_metadata(chid, ftype=dbr.CTRL_DOUBLE, timeout=5))
`);
    expect(ctrl).toMatchObject({
      value: 20,
      units: 'degC',
      precision: 2,
      upper_disp_limit: 100,
      lower_disp_limit: -20,
      upper_alarm_limit: 90,
      upper_warning_limit: 80,
      lower_warning_limit: 0,
      lower_alarm_limit: -10,
      upper_ctrl_limit: 100,
      lower_ctrl_limit: -20,
    });
  });

  it('clips an ao write at DRVH and DRVL', async () => {
    const result = await py<number[]>(`
out = []
for v in [75, -75, 12.5]:
    epics.caput('PY:AO', v, wait=True, timeout=5)
    out.append(epics.caget('PY:AO'))
emit(out)
`);
    expect(result).toEqual([50, -50, 12.5]);
  });

  it('raises HIHI and clears it only past the hysteresis', async () => {
    const result = await py<[number, number][]>(`
chid = ca.create_channel('PY:AI')
ca.connect_channel(chid, timeout=5)
out = []
for v in [95, 89, 87, 50]:
    ca.put(chid, v, wait=True, timeout=5)
    md = ca.get_with_metadata(chid, ftype=dbr.TIME_DOUBLE, timeout=5)
    out.append([md['status'], md['severity']])
emit(out)
`);
    expect(result).toEqual([
      [HIHI, MAJOR],
      [HIHI, MAJOR],
      [HIGH, MINOR],
      [0, 0],
    ]);
  });

  it('lets MDEL govern DBE_VALUE monitors and ADEL DBE_LOG monitors', async () => {
    const result = await py<{ value: number[]; log: number[] }>(`
events = {'value': [], 'log': []}
def collector(key):
    def callback(pvname=None, value=None, **kws):
        events[key].append(value)
    return callback
chid = ca.create_channel('PY:DEADBAND')
ca.connect_channel(chid, timeout=5)
subscriptions = [
    ca.create_subscription(chid, use_time=True, mask=dbr.DBE_VALUE, callback=collector('value')),
    ca.create_subscription(chid, use_time=True, mask=dbr.DBE_LOG, callback=collector('log')),
]
t0 = time.time()
while (not events['value'] or not events['log']) and time.time() - t0 < 5: time.sleep(0.01)
for v in [0.5, 1.5, 3, 5.5, 6, 7]:
    ca.put(chid, v, wait=True, timeout=5)
# A read behind the puts on the same circuit: libca calls back every update they posted before it returns.
ca.get(chid, timeout=5)
emit(events)
`);
    expect(result).toEqual({ value: [0, 1.5, 3, 5.5, 7], log: [0, 5.5] });
  });

  it('reads mbbo labels through DBR_CTRL_ENUM and writes by label', async () => {
    const result = await py<{ ctrl: Record<string, unknown>; after: string }>(`
chid = ca.create_channel('PY:MODE')
ca.connect_channel(chid, timeout=5)
ctrl = ca.get_with_metadata(chid, ftype=dbr.CTRL_ENUM, timeout=5)
epics.caput('PY:MODE', 'Dumping', wait=True, timeout=5)
emit({'ctrl': ctrl, 'after': epics.caget('PY:MODE', as_string=True)})
`);
    expect(result.ctrl).toMatchObject({ value: 0, enum_strs: ['Idle', 'Tracing', 'Dumping'] });
    expect(result.after).toBe('Dumping');
  });

  it('writes a 20000-element CHAR waveform as a string and reads it back as one', async () => {
    const result = await py<{ count: number; length: number; same: boolean }>(`
text = ${JSON.stringify(LONG_TEXT)}
epics.caput('PY:TEXT', text, wait=True, timeout=10)
chid = ca.create_channel('PY:TEXT')
ca.connect_channel(chid, timeout=5)
back = ca.get(chid, as_string=True, timeout=10)
emit({'count': ca.element_count(chid), 'length': len(back), 'same': back == text})
`);
    expect(result).toEqual({ count: 20000, length: LONG_TEXT.length, same: true });
  });

  it('refuses a write to .NAME', async () => {
    const result = await py<{ write: boolean; error: string; value: string }>(`
chid = ca.create_channel('PY:AI.NAME')
ca.connect_channel(chid, timeout=5)
err = ''
try:
    ca.put(chid, 'OTHER', wait=True, timeout=3)
except Exception as e:
    err = str(e)
emit({'write': bool(ca.write_access(chid)), 'error': err, 'value': ca.get(chid)})
`);
    expect(result.write).toBe(false);
    expect(result.error).toMatch(/write access|NOWTACCESS|no write/i);
    expect(result.value).toBe('PY:AI');
  });
});
