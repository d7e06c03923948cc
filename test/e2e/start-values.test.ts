import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';

// Right after start, libca reads every PV of both groups: each has a defined value, and its alarm
// is NO_ALARM or one its value earns (a limit crossed), never UDF/INVALID. Records that are never
// processed stay UDF with UDFS severity (EPICS Record Reference Manual, dbCommon UDF/UDFS); softIoc
// sites give settings and commands a VAL and PINI=YES so that they are processed at iocInit.

const CLI = path.join(__dirname, '..', '..', 'dist', 'ioc', 'cli.js');
const UDF = 17;
/** HIHI, HIGH, LOLO, LOW (alarm.h's epicsAlarmCondition): alarms that a measured value earns. */
const LIMIT_ALARMS = [3, 4, 5, 6];

interface Reading {
  status: number;
  severity: number;
  value: string;
}

describe('PVs at start', () => {
  let directory: string;
  let ioc: ChildProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-start-'));
    env = loopbackEnv(await freePort(), await freePort());
    const config = path.join(directory, 'ioc.config.json');
    fs.writeFileSync(config, JSON.stringify({ prefix: 'START:', protocols: { ca: true, pva: false }, tracing: { dumpDirectory: 'dumps' } }));
    ioc = new ChildProcess(process.execPath, [CLI, '--config', config], env);
    await ioc.waitForLine(/CA server listening/);
  });
  afterAll(async () => {
    await ioc.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('serves every PV of both groups with a defined value and no UDF alarm', async () => {
    const listed = new ChildProcess(process.execPath, [CLI, '--prefix', 'START:', '--list-pvs'], {});
    expect(await listed.waitForExit(15000)).toBe(0);
    const names = listed.lines.filter(Boolean);
    expect(names).toEqual(expect.arrayContaining(['START:EnableTracing', 'START:TraceDumpFile', 'START:READACF', 'START:HEARTBEAT']));
    const readings = await runPyepics<Record<string, Reading>>(
      `
names = ${JSON.stringify(names)}
chans = {n: ca.create_channel(n) for n in names}
out = {}
for n, c in chans.items():
    ca.connect_channel(c, timeout=5)
    value = ca.get_with_metadata(c, ftype=ca.promote_type(c, use_time=True), as_string=True, timeout=5)
    out[n] = {'status': value['status'], 'severity': value['severity'], 'value': value['value']}
emit(out)
`,
      env,
    );
    expect(Object.keys(readings).sort()).toEqual([...names].sort());
    const limitAlarmed = (reading: Reading) => LIMIT_ALARMS.includes(reading.status) && reading.severity > 0 && reading.severity < 3;
    for (const [name, reading] of Object.entries(readings)) {
      const noAlarm = reading.status === 0 && reading.severity === 0;
      expect({ name, status: reading.status, ok: noAlarm || limitAlarmed(reading) }).toEqual({ name, status: reading.status, ok: true });
      expect(reading.status).not.toBe(UDF);
    }
    // Settings, commands and the tracing results before any snapshot: NO_ALARM and a stated value.
    const settingsAndResults = /^START:(Trace|EnableTracing|READACF|ACF_STATUS)/;
    const tracing = Object.entries(readings).filter(([name]) => settingsAndResults.test(name));
    // Every one the IOC lists (the --list-pvs names read above), none missed by the filter.
    expect(tracing.map(([name]) => name).sort()).toEqual(names.filter((name) => settingsAndResults.test(name)).sort());
    expect(tracing.length).toBeGreaterThan(19);
    for (const [name, reading] of tracing) expect({ name, status: reading.status, severity: reading.severity }).toEqual({ name, status: 0, severity: 0 });
    // Enumerated values as their index (a DBR_TIME_ENUM carries no state strings).
    for (const name of ['EnableTracing', 'TraceSnapshot', 'TraceDump', 'TraceKeyType', 'TraceMode']) {
      expect({ name, value: readings[`START:${name}`]!.value }).toEqual({ name, value: '0' });
    }
    // READACF is devIocStats' asSub record, whose VAL is a DOUBLE.
    expect(Number(readings['START:READACF']!.value)).toBe(0);
    expect(readings['START:TraceTopAllocations']!.value).toMatch(/^no snapshot yet/);
    expect(readings['START:TraceDumpFile']!.value).toBe('');
  });
});
