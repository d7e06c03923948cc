import * as path from 'node:path';
import { serveDatabaseFile, type TestServer } from '../helpers/ca-server';
import { runPyepics, PY_WAIT_FOR as WAIT_FOR } from '../helpers/pyepics';

// Simulation with SDLY and the momentary bo, as CA clients see them through pyepics (libca).
// Expected values are what softIoc 7.0.8.1 gave on the same shape of database, by hand with
// caput/caget/camonitor (see each test).

const DB_FILE = path.join(__dirname, '../fixtures/db/simulation.db');
const MINOR = 1;
const SIMM = 19;

let server: TestServer;
const py = <T>(script: string) => runPyepics<T>(WAIT_FOR + script, server.clientEnv);

beforeAll(async () => {
  server = await serveDatabaseFile(DB_FILE, 'P=SIM:');
});
afterAll(() => server.close());

// aiRecord.c readValue: with SIMM YES and SDLY ≥ 0 the first pass only sets PACT and asks for a
// delayed process callback; the second reads SIOL, raises SIMM_ALARM at SIMS and follows FLNK.
// softIoc: right after `caput AI.PROC 1`, PACT 1, the value and the FLNK counter unchanged; after
// SDLY the SIOL value with SIMM/MINOR and the counter at 1.
it('reads SIOL SDLY seconds after a process while SIML says simulated, with PACT set meanwhile', async () => {
  const result = await py<{ during: unknown[]; after: { value: number; severity: number; status: number }; reads: number }>(`
epics.caput('SIM:MODE', 'Simulated', wait=True, timeout=5)
epics.caput('SIM:LEVEL.PROC', 1)
during = epics.caget_many(['SIM:LEVEL.PACT', 'SIM:LEVEL', 'SIM:READS'])
after = wait_for('SIM:LEVEL', lambda value, kw: value == 42)
emit({'during': during, 'after': after, 'reads': epics.caget('SIM:READS')})
`);
  expect(result.during).toEqual([1, 0, 0]);
  expect(result.after).toEqual({ value: 42, severity: MINOR, status: SIMM });
  expect(result.reads).toBe(1);
});

// aoRecord.c writeValue: SIOL is written SDLY seconds after the put, OUT not at all.
it('writes a simulated output to SIOL SDLY seconds after the put', async () => {
  const result = await py<{ during: unknown[]; after: unknown[] }>(`
epics.caput('SIM:MODE', 'Simulated', wait=True, timeout=5)
epics.caput('SIM:VALVE', 7)
during = epics.caget_many(['SIM:VALVE.PACT', 'SIM:VALVE:SIM'])
wait_for('SIM:VALVE:SIM', lambda value, kw: value == 7)
emit({'during': during, 'after': epics.caget_many(['SIM:VALVE.PACT', 'SIM:VALVE:SIM', 'SIM:VALVE:REAL'])})
`);
  expect(result.during).toEqual([1, 0]);
  expect(result.after).toEqual([0, 7, 0]);
});

// boRecord.c process/myCallbackFunc: after a write of 1 with HIGH 0.5, VAL returns to 0 and the
// bo processes again. softIoc, camonitor on the bo and its OUT target: 1 on both, then 0.5 s later 0 on both.
it('returns a momentary bo to 0 after HIGH seconds, its monitors and OUT seeing 1 then 0', async () => {
  const result = await py<{ pulse: number[]; out: number[] }>(`
seen = {'pulse': [], 'out': []}
pulse = epics.PV('SIM:PULSE', auto_monitor=True, callback=lambda value=None, **kw: seen['pulse'].append(value))
out = epics.PV('SIM:PULSE:OUT', auto_monitor=True, callback=lambda value=None, **kw: seen['out'].append(value))
pulse.wait_for_connection(timeout=5)
out.wait_for_connection(timeout=5)
# The first monitor updates, before the put, so that the lists start at them.
wait_until(lambda: seen['out'] and seen['pulse'], timeout=5, interval=0.02)
epics.caput('SIM:PULSE', 'Pulse', wait=True, timeout=5)
wait_for('SIM:PULSE:OUT', lambda value, kw: seen['out'][-1:] == [0] and len(seen['out']) == 3)
wait_for('SIM:PULSE', lambda value, kw: seen['pulse'][-1:] == [0] and len(seen['pulse']) == 3)
emit(seen)
`);
  expect(result).toEqual({ pulse: [0, 1, 0], out: [0, 1, 0] });
});
