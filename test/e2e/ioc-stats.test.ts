import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { PY_WAIT_FOR, runPyepics } from '../helpers/pyepics';

// The iocStats databases as EPICS sites load them, read by libca (pyepics). Expected values and
// units follow devIocStats (devIocStatsAnalog.c, devIocStatsString.c, devIocStatsWaveform.c,
// os/Linux/osdMemUsage.c) and the records of iocAdmin/Db/ioc.template.

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'ioc', 'cli.js');
const IOC_STATS_DB = path.join(ROOT, 'records', 'iocStats.db');
const IOC_ADMIN_DB = path.join(ROOT, 'test', 'fixtures', 'db', 'iocAdminSoft.db');
const INVALID = 3;
const UDF = 17;

/** Reads PVs through libca: value (text for strings and CHAR waveforms), units, display top, alarm and write access. */
const PY_READ = `
def read(name):
    c = ca.create_channel(name)
    ca.connect_channel(c, timeout=5)
    char_array = ca.field_type(c) == dbr.CHAR and ca.element_count(c) > 1
    meta = ca.get_with_metadata(c, ftype=ca.promote_type(c, use_ctrl=True), timeout=5, as_string=not char_array)
    value = meta['value']
    if char_array:
        value = bytes(v for v in value if v).decode()
    return {'value': value, 'units': meta.get('units'), 'top': meta.get('upper_disp_limit'), 'severity': meta['severity'], 'status': meta['status'], 'write': bool(ca.write_access(c))}
`;

interface Reading {
  value: string | number;
  units?: string;
  top?: number;
  severity: number;
  status: number;
  write: boolean;
}

/** A temporary directory with an ioc.config.json of `config`; its path and the config file's. */
function configDirectory(label: string, config: object): { directory: string; file: string } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `memtrace-${label}-`));
  const file = path.join(directory, 'ioc.config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return { directory, file };
}

function listPvs(args: string[]): Promise<string[]> {
  const listed = new ChildProcess(process.execPath, [CLI, ...args, '--list-pvs'], {});
  return listed.waitForExit(15000).then((code) => {
    expect(code).toBe(0);
    return listed.lines.filter(Boolean);
  });
}

describe('records/iocStats.db loaded under another prefix with -m/-d', () => {
  let directory: string;
  let ioc: ChildProcess;
  let env: Record<string, string>;
  let args: string[];

  beforeAll(async () => {
    const made = configDirectory('iocstats', { prefix: 'ST:', protocols: { ca: true, pva: false }, tracing: { dumpDirectory: 'dumps' } });
    directory = made.directory;
    const config = made.file;
    env = loopbackEnv(await freePort(), await freePort());
    // The groups' periods shortened through the ao records' macros (devIocStats' *_UPD_TIME), not by waiting.
    // devIocStats' iocEnvVar.template records, for a variable of the site's and for EPICS parameters.
    const envVars = path.join(directory, 'envVars.db');
    fs.writeFileSync(
      envVars,
      [
        ['SITE_NAME', 'env', 'SITE_NAME'],
        ['CAS_PORT', 'epics', 'EPICS_CAS_SERVER_PORT'],
        ['CAS_BEACONS', 'epics', 'EPICS_CAS_BEACON_ADDR_LIST'],
      ]
        .map(
          ([name, type, variable]) =>
            `record(stringin, "$(P)${name}") {\n  field(DTYP, "IOC ${type} var")\n  field(INP, "@${variable}")\n  field(PINI, "YES")\n}\n`,
        )
        .join(''),
    );
    args = ['--config', config, '-m', 'P=SITE:,CA_UPD_TIME=1,FD_UPD_TIME=1,LOAD_UPD_TIME=1,MEM_UPD_TIME=1', '-d', IOC_STATS_DB, '-d', envVars];
    ioc = new ChildProcess(process.execPath, [CLI, ...args], { ...env, ENGINEER: 'Ada Lovelace', LOCATION: 'Bay 3', SITE_NAME: 'north' });
    await ioc.waitForLine(/CA server listening/);
  });
  afterAll(async () => {
    await ioc.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('gives each DTYP/parameter its value and units, for both sets', async () => {
    const names = await listPvs(args);
    const readings = await runPyepics<{ clients: Record<string, { value: number }>; beats: number[]; pvs: Record<string, Reading>; fdConsistent: boolean }>(
      `${PY_WAIT_FOR}${PY_READ}
clients = {p: wait_for(p + 'CA_CLNT_CNT', lambda v, kw: v is not None and v >= 1) for p in ('SITE:', 'ST:')}
first = wait_for('SITE:HEARTBEAT', lambda v, kw: v is not None and v >= 1)['value']
second = wait_for('SITE:HEARTBEAT', lambda v, kw: v is not None and v > first)['value']
fd_consistent = False
for attempt in range(5):
    fd = [read('SITE:' + n)['value'] for n in ('FD_MAX', 'FD_CNT', 'FD_FREE')]
    if float(fd[2]) == float(fd[0]) - float(fd[1]):
        fd_consistent = True
        break
pvs = {n: read('SITE:' + n) for n in ('PROCESS_ID', 'PARENT_ID', 'CPU_CNT', 'HOSTNAME', 'KERNEL_VERS', 'EPICS_VERS', 'ENGINEER', 'LOCATION',
    'APP_DIR', 'UPTIME', 'MEM_MAX', 'MEM_USED', 'MEM_FREE', 'IOC_CPU_LOAD', 'SYS_CPU_LOAD', 'RECORD_CNT', 'HEAP_USED', 'HEAP_LIMIT',
    'NODE_VERS', 'CA_UPD_TIME', 'IOC_CPU_LOAD.HIHI', 'MEM_USED.HOPR', 'STARTTOD', 'TOD', 'SITE_NAME', 'CAS_PORT', 'CAS_BEACONS')}
emit({'clients': clients, 'beats': [first, second], 'pvs': pvs, 'fdConsistent': fd_consistent})
`,
      env,
      50000,
    );
    expect(readings.clients['SITE:']!.value).toBeGreaterThanOrEqual(1);
    expect(readings.clients['ST:']!.value).toBeGreaterThanOrEqual(1);
    expect(readings.beats[1]).toBeGreaterThan(readings.beats[0]!);
    expect(readings.fdConsistent).toBe(true);
    const pv = readings.pvs;
    const number = (name: string) => Number(pv[name]!.value);
    // The test process started the IOC: it is the parent (devIocStats' @parent_proc_id).
    expect(number('PARENT_ID')).toBe(process.pid);
    expect(number('PROCESS_ID')).toBeGreaterThan(0);
    expect(number('CPU_CNT')).toBe(os.cpus().length);
    expect(pv.HOSTNAME!.value).toBe(os.hostname());
    expect(pv.KERNEL_VERS!.value).toBe(`${os.type()} ${os.release()} ${os.machine()}`.slice(0, 39));
    expect(pv.EPICS_VERS!.value).toMatch(/^memtrace-ioc \d+\.\d+\.\d+ \(CA 4\.\d+\)$/);
    expect(pv.NODE_VERS!.value).toBe(`${process.version} (V8 ${process.versions.v8})`);
    expect(pv.ENGINEER!.value).toBe('Ada Lovelace');
    expect(pv.LOCATION!.value).toBe('Bay 3');
    expect(pv.APP_DIR!.value).toBe(process.cwd());
    expect(pv.UPTIME!.value).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(pv.STARTTOD!.value).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    expect(pv.TOD!.value).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    expect(number('RECORD_CNT')).toBe(names.length);
    if (process.platform === 'linux') {
      const memTotal = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'latin1'))![1]) * 1024;
      expect(number('MEM_MAX')).toBe(memTotal);
    }
    for (const name of ['MEM_MAX', 'MEM_USED', 'MEM_FREE', 'HEAP_USED', 'HEAP_LIMIT']) expect(pv[name]!.units).toBe('byte');
    expect(number('MEM_USED')).toBeGreaterThan(1e6);
    expect(number('MEM_USED')).toBeLessThan(number('MEM_MAX'));
    expect(pv.MEM_USED!.top).toBe(number('MEM_MAX'));
    expect(pv['MEM_USED.HOPR']!.value).toBe(pv.MEM_MAX!.value);
    expect(pv.HEAP_USED!.top).toBe(number('HEAP_LIMIT'));
    for (const name of ['IOC_CPU_LOAD', 'SYS_CPU_LOAD']) {
      expect(pv[name]!.units).toBe('%');
      expect(number(name)).toBeGreaterThanOrEqual(0);
      expect(number(name)).toBeLessThanOrEqual(100);
    }
    // "IOC env var" and "IOC epics var" (devIocStatsString.c envvar_read, epics_read): the EPICS
    // parameters as the CA server uses them, beacon entries with the port it sends them to.
    expect(pv.SITE_NAME!.value).toBe('north');
    expect(pv.CAS_PORT!.value).toBe(env.EPICS_CAS_SERVER_PORT);
    expect(pv.CAS_BEACONS!.value).toBe(`127.0.0.1:${env.EPICS_CAS_BEACON_PORT}`);
    expect(number('CA_UPD_TIME')).toBe(1);
    expect(pv.CA_UPD_TIME!.units).toBe('sec');
  }, 60000);

  it('gives no write access to a driver-owned VAL, and keeps its alarm limits and the update periods writable', async () => {
    const access = await runPyepics<Record<string, boolean | number>>(
      `${PY_READ}
out = {n: read('SITE:' + n)['write'] for n in ('MEM_USED', 'HEAP_USED', 'CA_CLNT_CNT', 'UPTIME', 'APP_DIR', 'EPICS_VERS', 'IOC_CPU_LOAD.HIHI', 'MEM_FREE.LOW', 'IOC_CPU_LOAD.DESC', 'CA_UPD_TIME')}
epics.caput('SITE:IOC_CPU_LOAD.HIHI', 85, wait=True, timeout=5)
out['HIHI'] = float(read('SITE:IOC_CPU_LOAD.HIHI')['value'])
emit(out)
`,
      env,
    );
    expect(access).toEqual({
      MEM_USED: false,
      HEAP_USED: false,
      CA_CLNT_CNT: false,
      UPTIME: false,
      APP_DIR: false,
      EPICS_VERS: false,
      'IOC_CPU_LOAD.HIHI': true,
      'MEM_FREE.LOW': true,
      'IOC_CPU_LOAD.DESC': true,
      CA_UPD_TIME: true,
      HIHI: 85,
    });
  });
});

describe("devIocStats' iocAdminSoft.db (ioc.template and iocGeneralTime.template expanded by msi), loaded unchanged", () => {
  let directory: string;
  let ioc: ChildProcess;
  let env: Record<string, string>;
  let names: string[];

  beforeAll(async () => {
    const groups = { memoryTracing: { enabled: false }, iocStats: { enabled: false } };
    const made = configDirectory('iocadmin', { prefix: 'NONE:', groups, protocols: { ca: true, pva: false } });
    directory = made.directory;
    const config = made.file;
    env = loopbackEnv(await freePort(), await freePort());
    const args = ['--config', config, '-m', 'IOC=ADM', '-d', IOC_ADMIN_DB];
    names = await listPvs(args);
    ioc = new ChildProcess(process.execPath, [CLI, ...args], env);
    await ioc.waitForLine(/CA server listening/);
  });
  afterAll(async () => {
    await ioc.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('serves its 67 records; all but ACCESS, READACF, SYSRESET and GTIM_RESET take a valid value within one period', async () => {
    expect(names).toHaveLength(67);
    const result = await runPyepics<{ invalid: Record<string, number[]>; beats: number[]; fd: number[] }>(
      `${PY_WAIT_FOR}${PY_READ}
# One period, shortened through the ao scan-rate records (DRVL 1 s), as an operator would.
for n in ('CA_UPD_TIME', 'FD_UPD_TIME', 'LOAD_UPD_TIME', 'MEM_UPD_TIME'):
    epics.caput('ADM:' + n, 1, wait=True, timeout=5)
names = ${JSON.stringify(names)}
invalid = {}
for n in names:
    got = wait_for(n, lambda v, kw: kw.get('severity') is not None and kw['severity'] < ${INVALID} and kw.get('status') != ${UDF}, timeout=3)
    if got['severity'] >= ${INVALID} or got['status'] == ${UDF}:
        invalid[n] = [got['status'], got['severity']]
first = wait_for('ADM:HEARTBEAT', lambda v, kw: v is not None and v >= 1)['value']
second = wait_for('ADM:HEARTBEAT', lambda v, kw: v is not None and v > first)['value']
fd = []
for attempt in range(5):
    fd = [read('ADM:' + n)['value'] for n in ('FD_MAX', 'FD_CNT', 'FD_FREE')]
    if float(fd[2]) == float(fd[0]) - float(fd[1]):
        break
emit({'invalid': invalid, 'beats': [first, second], 'fd': [float(v) for v in fd]})
`,
      env,
      60000,
    );
    // As on an EPICS base IOC with devIocStats: nothing processes these four, so they stay UDF.
    expect(Object.keys(result.invalid).sort()).toEqual(['ADM:ACCESS', 'ADM:GTIM_RESET', 'ADM:READACF', 'ADM:SYSRESET']);
    // HEARTBEAT counts through its calcout; FD_FREE = FD_MAX − FD_CNT through FD_CNT's FLNK and its calc.
    expect(result.beats[1]).toBeGreaterThan(result.beats[0]!);
    const [fdMax, fdCount, fdFree] = result.fd;
    expect(fdCount).toBeGreaterThan(0);
    expect(fdFree).toBe(fdMax! - fdCount!);
  }, 90000);
});
