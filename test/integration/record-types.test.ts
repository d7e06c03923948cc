import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../src/database';
import { silentLogger } from '../../src/logger';
import { startAccessSecurity, type AccessSecurity } from '../../src/ioc/access-security';
import { registerAccessSecuritySubroutines } from '../../src/ioc/as-subroutines';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics, PY_WAIT_FOR as WAIT_FOR } from '../helpers/pyepics';

// fanout, dfanout, seq, sel and sub records as CA clients see them through pyepics (libca), on a
// .db file of the shape sites write. Expected values are what softIoc (EPICS base 7.0) gives;
// each test names the record support source that sets them.

const DB_FILE = path.join(__dirname, '../fixtures/db/record-types.db');
const READ = 1;
const INVALID = 3;
const OPEN_ACF = 'ASG(DEFAULT) { RULE(1, WRITE) }\nASG(LOCKED) { RULE(1, WRITE) }\n';

let directory: string;
let acfFile: string;
let database: Database;
let security: AccessSecurity | undefined;
let server: TestServer;
const py = <T>(script: string) => runPyepics<T>(WAIT_FOR + script, server.clientEnv);

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'record-types-'));
  acfFile = path.join(directory, 'site.acf');
  fs.writeFileSync(acfFile, OPEN_ACF);
  database = new Database();
  database.registerSubroutine('rootMeanSquare', (record) => {
    const values = ['A', 'B', 'C'].map((name) => record.number(name));
    record.assign('VAL', Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length));
  });
  registerAccessSecuritySubroutines(database, () => security!.reload());
  database.loadFile(DB_FILE, { macros: 'P=RT:' });
  database.start();
  security = await startAccessSecurity({
    database,
    settings: { file: acfFile, macros: '', useClientIpAddress: false },
    logger: silentLogger(),
  });
  server = await startTestServer(database);
});
afterAll(async () => {
  await server.close();
  database.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

it('processes the fanout links of a forward-linked fanout on each write (fanoutRecord.c SELM All)', async () => {
  const result = await py<number[]>(`
epics.caput('RT:DEMAND', 3, wait=True, timeout=5)
epics.caput('RT:DEMAND', 4, wait=True, timeout=5)
emit(epics.caget_many(['RT:RB1', 'RT:RB2', 'RT:PASSES']))
`);
  expect(result).toEqual([4, 4, 2]);
});

it('writes a dfanout value to each output, then a sub computes from them (dfanoutRecord.c push_values, subRecord.c)', async () => {
  const result = await py<number[]>(`
epics.caput('RT:SETALL', 2.5, wait=True, timeout=5)
emit(epics.caget_many(['RT:CH1', 'RT:CH2', 'RT:CH3', 'RT:RMS', 'RT:RMS.SEVR']))
`);
  expect(result).toEqual([2.5, 2.5, 2.5, 2.5, 0]);
});

it('runs the seq groups in order, after their delays, with the DOL2 value read when its turn comes (seqRecord.c)', async () => {
  const result = await py<{ order: string[]; heater: number }>(`
order = []
done = threading.Event()
pvs = []
for name in ['RT:PUMP', 'RT:VALVE', 'RT:HEATER']:
    pv = epics.PV(name, auto_monitor=True)
    pv.wait_for_connection(timeout=5)
    pv.get()
    pvs.append(pv)
def changed(pvname=None, value=None, **kw):
    if value:
        order.append(pvname)
    if pvname == 'RT:HEATER' and value:
        done.set()
for pv in pvs:
    pv.add_callback(changed)
epics.caput('RT:DEMAND', 55, wait=True, timeout=5)
epics.caput('RT:STARTUP.PROC', 1, wait=True, timeout=5)
done.wait(10)
emit({'order': order, 'heater': epics.caget('RT:HEATER')})
`);
  expect(result).toEqual({ order: ['RT:PUMP', 'RT:VALVE', 'RT:HEATER'], heater: 55 });
});

it('selects the highest of three CP-linked sensors and names it in SELN (selRecord.c High Signal)', async () => {
  const result = await py<{ value: number; seln: number }>(`
epics.caput('RT:T1', 20, wait=True, timeout=5)
epics.caput('RT:T2', 35, wait=True, timeout=5)
epics.caput('RT:T3', 30, wait=True, timeout=5)
hottest = wait_for('RT:HOTTEST', lambda value, kw: value == 35)
emit({'value': hottest['value'], 'seln': epics.caget('RT:HOTTEST.SELN')})
`);
  expect(result).toEqual({ value: 35, seln: 1 });
});

it('keeps a compress history of a CP-linked level, and the means of every two readings (compressRecord.c)', async () => {
  const result = await py<{ history: number[]; means: number[]; inUse: number }>(`
for value in [1, 2, 3, 4, 5, 6, 7]:
    epics.caput('RT:LEVEL', value, wait=True, timeout=5)
    wait_for('RT:LEVEL:HIST', lambda history, kw: history is not None and len(history) > 0 and history[-1] == value)
means = wait_for('RT:LEVEL:MEANS.NUSE', lambda value, kw: value == 4)
emit({'history': list(epics.caget('RT:LEVEL:HIST')), 'means': list(epics.caget('RT:LEVEL:MEANS')), 'inUse': epics.caget('RT:LEVEL:HIST.NUSE')})
`);
  // FIFO: oldest first, the last NSAM kept. The CP links process both records once at start (the
  // first monitor), so the pairs are (0, 1), (2, 3)…: softIoc 7.0.8 gives the same on this database.
  expect(result).toEqual({ history: [3, 4, 5, 6, 7], means: [0.5, 2.5, 4.5, 6.5], inUse: 5 });
});

it('re-reads the access security file when 1 is written to a READACF sub (asSubRecordFunctions.c), READ/BRSV when it fails', async () => {
  fs.writeFileSync(acfFile, OPEN_ACF.replace('ASG(LOCKED) { RULE(1, WRITE) }', 'ASG(LOCKED) { RULE(1, READ) }'));
  const result = await py<{ before: boolean; after: boolean; value: number; broken: { value: number; status: number; severity: number } }>(`
chid = ca.create_channel('RT:LOCKED', connect=True)
ca.connect_channel(chid, timeout=5)
before = bool(ca.write_access(chid))
epics.caput('RT:READACF', 1, wait=True, timeout=5)
deadline = time.time() + 10
while ca.write_access(chid) and time.time() < deadline:
    ca.poll(0.05)
after = bool(ca.write_access(chid))
value = wait_for('RT:READACF.PACT', lambda value, kw: value == 0) and epics.caget('RT:READACF')
with open(${JSON.stringify(acfFile)}, 'w') as broken:
    broken.write('ASG(DEFAULT) { RULE(1, WRITE)')
epics.caput('RT:READACF', 1, wait=True, timeout=5)
broken = wait_for('RT:READACF', lambda value, kw: kw.get('severity') == ${INVALID})
emit({'before': before, 'after': after, 'value': value, 'broken': broken})
`);
  expect(result).toEqual({ before: true, after: false, value: 0, broken: { value: 0, status: READ, severity: INVALID } });
});
