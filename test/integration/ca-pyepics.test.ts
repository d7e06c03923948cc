import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { waitUntil } from '../helpers/wait';

// libca (through pyepics) against our server: what `caget`, `caput` and `camonitor` see.

const LONG_TEXT = 'memory '.repeat(2857).slice(0, 19998) + '.';

function testPvs() {
  return {
    double: new SimplePv({
      name: 'T:DOUBLE',
      type: FieldType.DOUBLE,
      value: 3.14159,
      className: 'ai',
      metadata: {
        units: 'mm',
        precision: 3,
        upperDisplayLimit: 100,
        lowerDisplayLimit: -100,
        upperAlarmLimit: 90,
        upperWarningLimit: 80,
        lowerWarningLimit: -80,
        lowerAlarmLimit: -90,
        upperControlLimit: 50,
        lowerControlLimit: -50,
      },
    }),
    long: new SimplePv({ name: 'T:LONG', type: FieldType.LONG, value: -123456 }),
    short: new SimplePv({ name: 'T:SHORT', type: FieldType.SHORT, value: 42 }),
    float: new SimplePv({ name: 'T:FLOAT', type: FieldType.FLOAT, value: 1.5 }),
    char: new SimplePv({ name: 'T:CHAR', type: FieldType.CHAR, value: 200 }),
    string: new SimplePv({ name: 'T:STRING', type: FieldType.STRING, value: 'hello' }),
    enum: new SimplePv({ name: 'T:ENUM', type: FieldType.ENUM, value: 1, className: 'bo', metadata: { enumStrings: ['Off', 'On', 'Fault'] } }),
    wave: new SimplePv({ name: 'T:WAVE', type: FieldType.CHAR, maxElements: 20000, value: LONG_TEXT + '\0', className: 'waveform' }),
    array: new SimplePv({ name: 'T:ARRAY', type: FieldType.DOUBLE, maxElements: 10, value: [1, 2, 3, 4, 5] }),
    readOnly: new SimplePv({ name: 'T:RO', type: FieldType.DOUBLE, value: 7, readOnly: true }),
  };
}

describe('pyepics (libca) against the CA server', () => {
  let pvs: ReturnType<typeof testPvs>;
  let server: TestServer;

  beforeAll(async () => {
    pvs = testPvs();
    server = await startTestServer(new PvMap(Object.values(pvs)));
  });
  afterAll(() => server.close());

  it('reads every native type with its value', async () => {
    const result = await runPyepics<Record<string, unknown>>(
      `
names = ['T:DOUBLE', 'T:LONG', 'T:SHORT', 'T:FLOAT', 'T:CHAR', 'T:STRING', 'T:ENUM']
out = {}
for n in names:
    chid = ca.create_channel(n)
    ca.connect_channel(chid, timeout=5)
    out[n] = {'type': ca.field_type(chid), 'count': ca.element_count(chid), 'value': ca.get(chid, as_numpy=False)}
emit(out)
`,
      server.clientEnv,
    );
    expect(result).toEqual({
      'T:DOUBLE': { type: 6, count: 1, value: 3.14159 },
      'T:LONG': { type: 5, count: 1, value: -123456 },
      'T:SHORT': { type: 1, count: 1, value: 42 },
      'T:FLOAT': { type: 2, count: 1, value: 1.5 },
      'T:CHAR': { type: 4, count: 1, value: 200 },
      'T:STRING': { type: 0, count: 1, value: 'hello' },
      'T:ENUM': { type: 3, count: 1, value: 1 },
    });
  });

  it('reads a DOUBLE as every DBR family with its metadata', async () => {
    const result = await runPyepics<Record<string, Record<string, unknown>>>(
      `
chid = ca.create_channel('T:DOUBLE')
ca.connect_channel(chid, timeout=5)
out = {}
# pyepics asks for plain, TIME and CTRL types only; STS and GR are read by epics-tca and raw tests.
for ftype in list(range(0, 7)) + list(range(14, 21)) + list(range(28, 35)):
    md = ca.get_with_metadata(chid, ftype=ftype, timeout=5)
    out[str(ftype)] = md
emit(out)
`,
      server.clientEnv,
    );
    // plain
    expect(result['0']!.value).toBe('3.142');
    expect(result['1']!.value).toBe(3);
    expect(result['2']!.value).toBeCloseTo(3.14159, 5);
    expect(result['5']!.value).toBe(3);
    expect(result['6']!.value).toBe(3.14159);
    // STS, TIME
    for (const ftype of [14, 15, 16, 17, 18, 19, 20]) {
      expect(result[String(ftype)]).toMatchObject({ status: 0, severity: 0 });
    }
    const time = result['20']!;
    expect(Math.abs((time.timestamp as number) - Date.now() / 1000)).toBeLessThan(3600);
    // CTRL
    expect(result['34']).toMatchObject({
      value: 3.14159,
      units: 'mm',
      precision: 3,
      upper_disp_limit: 100,
      lower_disp_limit: -100,
      upper_alarm_limit: 90,
      upper_warning_limit: 80,
      lower_warning_limit: -80,
      lower_alarm_limit: -90,
      upper_ctrl_limit: 50,
      lower_ctrl_limit: -50,
    });
    expect(result['29']).toMatchObject({ value: 3, units: 'mm', upper_ctrl_limit: 50, lower_ctrl_limit: -50 });
    expect(result['30']).toMatchObject({ units: 'mm', precision: 3, upper_ctrl_limit: 50 });
    expect(result['28']).toMatchObject({ value: '3.142' });
  });

  it('reads an ENUM with its labels as CTRL_ENUM and as a string', async () => {
    const result = await runPyepics<{ ctrl: Record<string, unknown>; text: string }>(
      `
chid = ca.create_channel('T:ENUM')
ca.connect_channel(chid, timeout=5)
emit({'ctrl': ca.get_with_metadata(chid, ftype=dbr.CTRL_ENUM), 'text': epics.caget('T:ENUM', as_string=True)})
`,
      server.clientEnv,
    );
    expect(result.ctrl).toMatchObject({ value: 1, enum_strs: ['Off', 'On', 'Fault'] });
    expect(result.text).toBe('On');
  });

  it('writes with and without callback, enums by label, and reads back', async () => {
    const result = await runPyepics<Record<string, unknown>>(
      `
out = {}
out['put_wait'] = epics.caput('T:LONG', 77, wait=True, timeout=5)
out['long'] = epics.caget('T:LONG')
# No callback, yet the read behind it on the same circuit is served after it: CA keeps a circuit's order.
epics.caput('T:DOUBLE', 2.5)
out['double'] = epics.caget('T:DOUBLE')
out['put_label'] = epics.caput('T:ENUM', 'Fault', wait=True, timeout=5)
out['enum'] = epics.caget('T:ENUM')
epics.caput('T:STRING', 'a longer string value', wait=True)
out['string'] = epics.caget('T:STRING')
epics.caput('T:ARRAY', [9, 8, 7], wait=True)
out['array'] = epics.caget('T:ARRAY')
emit(out)
`,
      server.clientEnv,
    );
    expect(result).toEqual({
      put_wait: 1,
      long: 77,
      double: 2.5,
      put_label: 1,
      enum: 2,
      string: 'a longer string value',
      array: [9, 8, 7],
    });
    expect(Array.from(pvs.long.value() as Int32Array)).toEqual([77]);
  });

  it('reads arrays at their current length with count 0 and at a fixed count', async () => {
    pvs.array.post([1, 2, 3, 4, 5]);
    const result = await runPyepics<{ auto: number[]; fixed: number[]; native: number }>(
      `
chid = ca.create_channel('T:ARRAY')
ca.connect_channel(chid, timeout=5)
emit({'auto': ca.get(chid), 'fixed': ca.get(chid, count=8), 'native': ca.element_count(chid)})
`,
      server.clientEnv,
    );
    expect(result.native).toBe(10);
    expect(result.auto).toEqual([1, 2, 3, 4, 5]);
    expect(result.fixed).toEqual([1, 2, 3, 4, 5, 0, 0, 0]);
  });

  it('reads a 20000-element CHAR waveform in full and as a string', async () => {
    const result = await runPyepics<{ count: number; length: number; text: string }>(
      `
chid = ca.create_channel('T:WAVE')
ca.connect_channel(chid, timeout=5)
raw = ca.get(chid)
emit({'count': ca.element_count(chid), 'length': len(raw), 'text': ca.get(chid, as_string=True)})
`,
      server.clientEnv,
    );
    expect(result.count).toBe(20000);
    expect(result.length).toBe(20000);
    // Compared as a whole but reported briefly: a 20 000-character diff helps nobody.
    expect({ length: result.text.length, same: result.text === LONG_TEXT }).toEqual({ length: LONG_TEXT.length, same: true });
  });

  it('refuses writes to a read-only PV and says why, changing nothing', async () => {
    // libca answers its access rights as 1 or 0.
    const result = await runPyepics<{ read: number; write: number; error: string; value: number }>(
      `
chid = ca.create_channel('T:RO')
ca.connect_channel(chid, timeout=5)
err = ''
try:
    ca.put(chid, 99, wait=True, timeout=3)
except Exception as e:
    err = str(e)
emit({'read': ca.read_access(chid), 'write': ca.write_access(chid), 'error': err, 'value': ca.get(chid)})
`,
      server.clientEnv,
    );
    expect(Boolean(result.read)).toBe(true);
    expect(Boolean(result.write)).toBe(false);
    expect(result.error).toMatch(/write access|NOWTACCESS|no write/i);
    expect(result.value).toBe(7);
  });

  it('reports a value that cannot be converted with a failed put, changing nothing', async () => {
    pvs.double.post(1.25);
    const result = await runPyepics<{ status: unknown; value: number }>(
      `
chid = ca.create_channel('T:DOUBLE')
ca.connect_channel(chid, timeout=5)
results = []
def done(*args, **kw):
    results.append(kw.get('status', 'called'))
status = 'none'
try:
    status = ca.put(chid, 'abc', wait=True, timeout=3)
except Exception as e:
    status = str(e)
emit({'status': status, 'value': ca.get(chid)})
`,
      server.clientEnv,
    );
    expect(String(result.status)).not.toBe('1');
    expect(result.value).toBe(1.25);
  });

  it('does not find a PV the server does not serve', async () => {
    const result = await runPyepics<{ connected: boolean }>(
      `
chid = ca.create_channel('T:MISSING', connect=False)
emit({'connected': ca.connect_channel(chid, timeout=1.5)})
`,
      server.clientEnv,
    );
    expect(result.connected).toBe(false);
  });

  it('delivers monitors per event mask: VALUE, ALARM, PROPERTY', async () => {
    const session = startPyepics<Record<string, [number, number][]>>(
      `
got = {'value': [], 'alarm': [], 'property': [], 'log': []}
def cb(key):
    def f(pvname=None, value=None, status=None, severity=None, **kw):
        got[key].append([value, severity])
    return f
chid = ca.create_channel('T:FLOAT')
ca.connect_channel(chid, timeout=5)
subs = []
for key, mask in (('value', dbr.DBE_VALUE), ('alarm', dbr.DBE_ALARM), ('property', 8), ('log', dbr.DBE_LOG)):
    subs.append(ca.create_subscription(chid, use_time=True, mask=mask, callback=cb(key)))
def wait_for_counts(counts):
    t0 = time.time()
    while any(len(got[key]) < n for key, n in counts.items()) and time.time() - t0 < 5: time.sleep(0.01)
wait_for_counts({'value': 1, 'alarm': 1, 'property': 1, 'log': 1})
say('ready')
sys.stdin.readline()
wait_for_counts({'value': 3, 'alarm': 2, 'property': 2, 'log': 3})
# A read on the same circuit comes back after any update sent before it: nothing more is on its way.
epics.caget('T:FLOAT', timeout=5)
emit(got)
`,
      server.clientEnv,
    );
    await session.waitForLine('ready');
    pvs.float.post(2);
    pvs.float.post(3);
    pvs.float.setAlarm(4, 1);
    pvs.float.setMetadata({ units: 'V' });
    session.send('done');
    const got = await session.result;
    // Every subscription gets the current value first.
    expect(got.value![0]).toEqual([1.5, 0]);
    expect(got.value!.map((entry) => entry[0])).toEqual([1.5, 2, 3]);
    expect(got.log!.map((entry) => entry[0])).toEqual([1.5, 2, 3]);
    expect(got.alarm).toEqual([
      [1.5, 0],
      [3, 1],
    ]);
    expect(got.property).toHaveLength(2);
  });

  it('completes a put with callback only when the PV has finished the write', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    const slow = new SimplePv({
      name: 'T:SLOW',
      type: FieldType.LONG,
      value: 0,
      validate: async () => {
        asked = true;
        await gate;
        return undefined;
      },
    });
    const slowServer = await startTestServer(new PvMap([slow]));
    try {
      const session = startPyepics<{ early: boolean; done: boolean; value: number }>(
        `
done = threading.Event()
pv = epics.PV('T:SLOW')
pv.wait_for_connection(timeout=5)
pv.put(5, callback=lambda **kw: done.set())
say('sent')
sys.stdin.readline()
# A read behind the put on the same circuit: its reply comes after any put reply sent before it.
epics.caget('T:SLOW', timeout=5)
early = done.is_set()
say('checked')
done.wait(10)
emit({'early': early, 'done': done.is_set(), 'value': epics.caget('T:SLOW', timeout=5)})
`,
        slowServer.clientEnv,
      );
      await session.waitForLine('sent');
      await waitUntil(() => asked, 'the write to reach validate');
      session.send('check');
      await session.waitForLine('checked');
      expect(Array.from(slow.value() as Int32Array)).toEqual([0]);
      release!();
      expect(await session.result).toEqual({ early: false, done: true, value: 5 });
      expect(Array.from(slow.value() as Int32Array)).toEqual([5]);
    } finally {
      await slowServer.close();
    }
  });

  it('counts clients and channels while they are connected', async () => {
    const session = startPyepics(
      `
chans = [ca.create_channel(n) for n in ('T:DOUBLE', 'T:LONG', 'T:SHORT')]
for c in chans: ca.connect_channel(c, timeout=5)
say('connected')
sys.stdin.readline()
emit({})
`,
      server.clientEnv,
    );
    await session.waitForLine('connected');
    const stats = server.server.statistics();
    expect(stats.clients).toBeGreaterThanOrEqual(1);
    expect(stats.channels).toBeGreaterThanOrEqual(3);
    session.send('done');
    await session.result;
  });
});
