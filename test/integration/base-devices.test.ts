import { Database } from '../../src/database';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics } from '../helpers/pyepics';

// EPICS base's INST_IO soft supports (devSoft.dbd) read through pyepics, each against its source
// and what softIoc 7.0.8.1 showed for the same records: "Soft Timestamp" (devTimestamp.c),
// "General Time" (devGeneralTime.c over epicsGeneralTime.c), "getenv" (devEnviron.c), "Db State" (devBiDbState.c,
// devBoDbState.c), and "Async Soft Channel" (devAiSoftCallback.c), whose links complete at once here.

const RECORDS = `
record(stringin, "B:TOD") { field(DTYP, "Soft Timestamp") field(INP, "@%Y-%m-%d %H:%M:%S.%03f") field(PINI, "YES") }
record(stringin, "B:EMPTY") { field(DTYP, "Soft Timestamp") field(INP, "@") field(PINI, "YES") }
record(ai, "B:TS") { field(DTYP, "Soft Timestamp") field(INP, "@") field(PINI, "YES") field(PREC, "3") }
record(ai, "B:GTIME") { field(DTYP, "General Time") field(INP, "@TIME") field(PINI, "YES") field(PREC, "3") }
record(longin, "B:GERR") { field(DTYP, "General Time") field(INP, "@geterrcnt") field(PINI, "YES") }
record(bo, "B:GRESET") { field(DTYP, "General Time") field(OUT, "@RSTERRCNT") field(ZNAM, "Reset") field(ONAM, "Reset") }
record(stringin, "B:BESTTCP") { field(DTYP, "General Time") field(INP, "@BESTTCP") field(PINI, "YES") }
record(stringin, "B:TOPTCP") { field(DTYP, "General Time") field(INP, "@TOPTCP") field(PINI, "YES") }
record(stringin, "B:BESTTEP") { field(DTYP, "General Time") field(INP, "@BESTTEP") field(PINI, "YES") }
record(bi, "B:STATE") { field(DTYP, "Db State") field(INP, "@mystate") field(PINI, "YES") field(ZNAM, "off") field(ONAM, "on") }
record(bo, "B:SETSTATE") { field(DTYP, "Db State") field(OUT, "@mystate") field(ZNAM, "off") field(ONAM, "on") }
record(stringin, "B:ENV") { field(DTYP, "getenv") field(INP, "@DEVSUP_TEST_HOME") field(PINI, "YES") }
record(lsi, "B:LONGENV") { field(DTYP, "getenv") field(INP, "@DEVSUP_TEST_PATH") field(SIZV, "100") field(PINI, "YES") }
record(stringin, "B:NOENV") { field(DTYP, "getenv") field(INP, "@DEVSUP_TEST_UNSET") field(PINI, "YES") }
record(ai, "B:ASYNC") { field(DTYP, "Async Soft Channel") field(INP, "B:SRC") }
record(ai, "B:SRC") { field(VAL, "3") }
`;

/** Seconds between the POSIX and EPICS epochs. */
const EPICS_EPOCH = 631152000;

interface Reading {
  value: string | number;
  status: number;
  severity: number;
  stamp: number;
}

describe("base's INST_IO soft device supports through pyepics", () => {
  let database: Database;
  let server: TestServer;

  beforeAll(async () => {
    process.env.DEVSUP_TEST_HOME = '/home/ioc';
    process.env.DEVSUP_TEST_PATH = `/opt/epics/${'long/'.repeat(15)}bin`;
    delete process.env.DEVSUP_TEST_UNSET;
    database = new Database();
    database.loadText(RECORDS, { file: 'base.db' });
    database.start();
    server = await startTestServer(database);
  });
  afterAll(async () => {
    await server.close();
    database.close();
    delete process.env.DEVSUP_TEST_HOME;
    delete process.env.DEVSUP_TEST_PATH;
  });

  it('serves each support as softIoc does', async () => {
    const result = await runPyepics<{ [name: string]: unknown }>(
      `
def read(name):
    pv = epics.PV(name, form='time')
    value = pv.get(timeout=5, use_monitor=False)
    return {'value': value, 'status': pv.status, 'severity': pv.severity, 'stamp': pv.timestamp}
out = {}
for n in ['B:TOD', 'B:EMPTY', 'B:TS', 'B:GTIME', 'B:GERR', 'B:BESTTCP', 'B:TOPTCP', 'B:BESTTEP', 'B:STATE', 'B:ENV', 'B:NOENV']:
    out[n] = read(n)
out['longEnv'] = epics.caget('B:LONGENV.VAL$', as_string=True)
out['stateBefore'] = out['B:STATE']['value']
out['setState'] = put_status('B:SETSTATE', 1)
out['processState'] = put_status('B:STATE.PROC', 1)
out['stateAfter'] = epics.caget('B:STATE', use_monitor=False)
out['reset'] = put_status('B:GRESET', 1)
out['asyncBefore'] = epics.caget('B:ASYNC.UDF')
out['processAsync'] = put_status('B:ASYNC.PROC', 1)
out['async'] = epics.caget('B:ASYNC', use_monitor=False)
chid = ca.create_channel('B:TS.DTYP')
ca.connect_channel(chid, timeout=5)
out['dtyp'] = epics.caget('B:TS.DTYP', as_string=True)
out['dtypChoices'] = list(ca.get_ctrlvars(chid)['enum_strs'])
ts = ca.create_channel('B:TS')
ca.connect_channel(ts, timeout=5)
out['tsWrite'] = bool(ca.write_access(ts))
emit(out)
`,
      server.clientEnv,
    );
    const reading = (name: string) => result[name] as Reading;

    // devTimestamp.c read_stringin: the record's time stamp by the INP format; an empty one gives "".
    const tod = reading('B:TOD');
    expect(tod.value).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    const [date, clock] = (tod.value as string).split(' ');
    const formatted = new Date(`${date}T${clock}`).getTime() / 1000;
    // The record stamps its time again after the read (stringinRecord.c), a moment later.
    expect(Math.abs(formatted - tod.stamp)).toBeLessThan(1);
    expect(reading('B:EMPTY')).toMatchObject({ value: '', severity: 0 });
    // read_ai: seconds past the EPICS epoch of the record's time stamp.
    expect(Math.abs((reading('B:TS').value as number) - (reading('B:TS').stamp - EPICS_EPOCH))).toBeLessThan(1);

    // devGeneralTime.c: @TIME is epicsTimeGetCurrent as seconds past 1990; the parameters match without regard to case.
    expect(Math.abs((reading('B:GTIME').value as number) - (reading('B:GTIME').stamp - EPICS_EPOCH))).toBeLessThan(1);
    expect(reading('B:GERR')).toMatchObject({ value: 0, severity: 0 });
    expect(result.reset).toBe(1);
    // TOPTCP names the OS clock provider, as softIoc does; BESTTCP names it too, where softIoc,
    // taking epicsGeneralTime.c's osd fast path with only that provider, says "No working providers".
    expect(reading('B:TOPTCP')).toMatchObject({ value: 'OS Clock', severity: 0 });
    expect(reading('B:BESTTCP')).toMatchObject({ value: 'OS Clock', severity: 0 });
    // No time-event provider: READ/MAJOR, as softIoc.
    expect(reading('B:BESTTEP')).toMatchObject({ value: 'No working providers', status: 1, severity: 2 });

    // devEnviron.c: the variable, or an empty VAL in a UDF alarm (UDFS INVALID) when it is not set.
    expect(reading('B:ENV')).toMatchObject({ value: '/home/ioc', severity: 0 });
    expect(result.longEnv).toBe(process.env.DEVSUP_TEST_PATH);
    expect(reading('B:NOENV')).toMatchObject({ value: '', status: 17, severity: 3 });

    // devBoDbState.c sets the state, devBiDbState.c reads it.
    expect(result.stateBefore).toBe(0);
    expect(result).toMatchObject({ setState: 1, processState: 1, stateAfter: 1 });

    // devAiSoftCallback.c: the value once the link has been read.
    expect(result.asyncBefore).toBe(1);
    expect(result).toMatchObject({ processAsync: 1, async: 3 });

    // DTYP choices in devSoft.dbd's order; the value the device support owns takes no client write.
    expect(result.dtyp).toBe('Soft Timestamp');
    expect(result.dtypChoices).toEqual(['Soft Channel', 'Raw Soft Channel', 'Async Soft Channel', 'Soft Timestamp', 'General Time']);
    expect(database.find('B:ENV.DTYP')?.metadata().enumStrings).toEqual(['Soft Channel', 'Async Soft Channel', 'Soft Timestamp', 'General Time', 'getenv']);
    expect(result.tsWrite).toBe(false);
  });
});
