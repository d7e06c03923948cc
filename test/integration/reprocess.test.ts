import * as path from 'node:path';
import { serveDatabaseFile, type TestServer } from '../helpers/ca-server';
import { runPyepics, PY_WAIT_FOR as WAIT_FOR } from '../helpers/pyepics';

// A put reaching a busy record, as pyepics (libca) sees it: RPRO and PUTF read over CA, and the
// outputs a monitor receives. Expected values are what softIoc 7.0.8.1 gave on the same database
// by hand (caput, caget CO.PACT CO.PUTF CO.RPRO, camonitor T), ODLY 0.5 s there, 1 s here so that
// the reads made during the delay are made during it even on a loaded machine.

const DB_FILE = path.join(__dirname, '../fixtures/db/reprocess.db');

let server: TestServer;

beforeAll(async () => {
  server = await serveDatabaseFile(DB_FILE, 'P=RP:');
});
afterAll(() => server.close());

/** Python: monitors T, makes the plain puts one after the other, reads CO's flags after each, then waits for CO to have processed once per put (CNT). */
const putsDuringDelay = (puts: [string, number][]) =>
  runPyepics<{ flags: number[][]; outputs: number[]; done: number[]; passes: number }>(
    `${WAIT_FOR}
outputs = []
t = epics.PV('RP:T', auto_monitor=True, callback=lambda value=None, **kw: outputs.append(value))
t.wait_for_connection(timeout=5)
wait_until(lambda: outputs, timeout=5, interval=0.02)
del outputs[:]
puts = ${JSON.stringify(puts)}
first = epics.caget('RP:CNT')
flags = []
for name, value in puts:
    epics.caput(name, value)
    flags.append(epics.caget_many(['RP:CO.PACT', 'RP:CO.PUTF', 'RP:CO.RPRO']))
wait_for('RP:CNT', lambda value, kw: value == first + len(puts), timeout=10)
wait_until(lambda: len(outputs) >= len(puts), timeout=5, interval=0.02)
emit({'flags': flags, 'outputs': outputs, 'done': epics.caget_many(['RP:CO.PACT', 'RP:CO.PUTF', 'RP:CO.RPRO']), 'passes': epics.caget('RP:CNT') - first})
`,
    server.clientEnv,
  );

// dbAccess.c dbPutField: PUTF set before dbProcess; a put to an active record sets RPRO instead.
// recGbl.c recGblFwdLink (after ODLY): RPRO → scanOnce, PUTF cleared. softIoc: after `caput CO.A
// 1`, PACT 1 PUTF 1 RPRO 0; after `caput CO.A 2` within ODLY, PACT 1 PUTF 1 RPRO 1; camonitor T
// showed 1 then 2 (two passes), and the flags ended 0.
it('processes a calcout once more after its ODLY when a put came during it', async () => {
  const result = await putsDuringDelay([
    ['RP:CO.A', 1],
    ['RP:CO.A', 2],
  ]);
  expect(result).toEqual({
    flags: [
      [1, 1, 0],
      [1, 1, 1],
    ],
    outputs: [1, 2],
    done: [0, 0, 0],
    passes: 2,
  });
});

// dbDbLink.c processTarget: the target is active and the source's pass is a put's (PUTF), so
// pdst->putf = FALSE, pdst->rpro = TRUE. softIoc: `caput W 5` (OUT "CO.A PP") within CO's ODLY
// left CO PUTF 0 RPRO 1, and camonitor T showed 1 then 5.
it('processes a calcout once more when a PP link of a put’s pass wrote it during its ODLY', async () => {
  const result = await putsDuringDelay([
    ['RP:CO.A', 1],
    ['RP:W', 5],
  ]);
  expect(result).toEqual({
    flags: [
      [1, 1, 0],
      [1, 0, 1],
    ],
    outputs: [1, 5],
    done: [0, 0, 0],
    passes: 2,
  });
});
