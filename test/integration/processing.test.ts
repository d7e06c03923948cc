import * as path from 'node:path';
import { serveDatabaseFile, type TestServer } from '../helpers/ca-server';
import { runPyepics, PY_WAIT_FOR as WAIT_FOR } from '../helpers/pyepics';

// Record processing as CA clients see it through pyepics (libca), on a .db file of the shape
// sites write. Expected values are what softIoc (EPICS base 7.0) gives; each test names the
// source that sets them.

const DB_FILE = path.join(__dirname, '../fixtures/db/processing.db');
const MINOR = 1;
const MAJOR = 2;
const INVALID = 3;
const HIHI = 3;
const LINK = 14;
const SIMM = 19;

let server: TestServer;
const py = <T>(script: string) => runPyepics<T>(WAIT_FOR + script, server.clientEnv);

beforeAll(async () => {
  server = await serveDatabaseFile(DB_FILE, 'P=PROC:');
});
afterAll(() => server.close());

it('follows a FLNK chain with NPP input and closed-loop incremental output (dbDbLink.c, aoRecord.c fetch_value)', async () => {
  const result = await py<number[]>(`
epics.caput('PROC:SP', 3, wait=True, timeout=5)
first = [epics.caget('PROC:COPY'), epics.caget('PROC:SUM')]
epics.caput('PROC:SP', 4, wait=True, timeout=5)
emit(first + [epics.caget('PROC:COPY'), epics.caget('PROC:SUM')])
`);
  expect(result).toEqual([3, 3, 4, 7]);
});

it('converts Raw Soft Channel counts with LINR LINEAR: 7 × ESLO 2 + EOFF 1 = 15 (aiRecord.c convert)', async () => {
  const result = await py<number[]>(`
epics.caput('PROC:RAW', 7, wait=True, timeout=5)
emit([epics.caget('PROC:TEMP'), epics.caget('PROC:TEMP.RVAL')])
`);
  expect(result).toEqual([15, 7]);
});

it('smooths with SMOO 0.5: 10, then halfway to 20 (devAiSoft.c read_ai)', async () => {
  const result = await py<number[]>(`
epics.caput('PROC:NOISY', 10, wait=True, timeout=5)
first = epics.caget('PROC:SMOOTH')
epics.caput('PROC:NOISY', 20, wait=True, timeout=5)
emit([first, epics.caget('PROC:SMOOTH')])
`);
  expect(result).toEqual([10, 15]);
});

it('reads SIOL with the SIMS alarm while SIML says simulated (aiRecord.c readValue, recGblGetSimm)', async () => {
  const result = await py<{ value: number; severity: number; status: number }[]>(`
epics.caput('PROC:SIM:MODE', 'Simulated', wait=True, timeout=5)
epics.caput('PROC:READING.PROC', 1, wait=True, timeout=5)
simulated = epics.caget_many(['PROC:READING', 'PROC:READING.SEVR', 'PROC:READING.STAT'])
epics.caput('PROC:SIM:MODE', 'Real', wait=True, timeout=5)
epics.caput('PROC:READING.PROC', 1, wait=True, timeout=5)
real = epics.caget_many(['PROC:READING', 'PROC:READING.SEVR', 'PROC:READING.STAT'])
emit([dict(zip(['value', 'severity', 'status'], simulated)), dict(zip(['value', 'severity', 'status'], real))])
`);
  expect(result).toEqual([
    { value: 42, severity: MINOR, status: SIMM },
    { value: 1, severity: 0, status: 0 },
  ]);
});

it('carries MAJOR across an MS input and an MS output as LINK alarms (recGbl.c recGblInheritSevr)', async () => {
  const result = await py<Record<string, number[]>>(`
epics.caput('PROC:PRESSURE', 120, wait=True, timeout=5)
out = {}
for name in ['PROC:PRESSURE', 'PROC:INTERLOCK', 'PROC:VALVE:RBV']:
    out[name] = [epics.caget(name), epics.caget(name + '.STAT'), epics.caget(name + '.SEVR')]
emit(out)
`);
  expect(result).toEqual({
    'PROC:PRESSURE': [120, HIHI, MAJOR],
    'PROC:INTERLOCK': [120, LINK, MAJOR],
    'PROC:VALVE:RBV': [120, LINK, MAJOR],
  });
});

it('gives LINK/INVALID to a record whose CA link names a PV nobody serves (dbLink.c dbGetLink)', async () => {
  const result = await py<{ status: number; severity: number }>(`
emit(wait_for('PROC:REMOTE', lambda value, kw: kw.get('severity') == ${INVALID}))
`);
  expect(result).toMatchObject({ status: LINK, severity: INVALID });
});

it('follows a CP-linked calc chain: 7 × 2 + 1 = 15 (calcRecord.c; dbCa.c CP monitors)', async () => {
  const result = await py<{ value: number }>(`
epics.caput('PROC:SRC', 7, wait=True, timeout=5)
emit(wait_for('PROC:PLUS1', lambda value, kw: value == 15))
`);
  expect(result.value).toBe(15);
});

it('counts with the HEARTBEAT calcout, once a second (calcoutRecord.c)', async () => {
  const result = await py<number[]>(`
first = wait_for('PROC:HEARTBEAT', lambda value, kw: value is not None and value >= 1, timeout=3)['value']
second = wait_for('PROC:HEARTBEAT', lambda value, kw: value is not None and value > first, timeout=3)['value']
emit([first, second])
`);
  expect(result[0]).toBeGreaterThanOrEqual(1);
  expect(result[1]).toBe(result[0]! + 1);
});
