import { Database } from '../../src/database';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { startPyepics } from '../helpers/pyepics';

// A CHAR waveform whose text alternates between a long and a short value, monitored through
// pyepics' auto-monitored PV (libca, a dynamic-size subscription: count 0, as CA 4.13 allows):
// every value a client sees is one of the texts written, whole (waveformRecord.c posts VAL and
// NORD together; rsrv's read_reply sends NORD elements of the value it reads). Reads beside the
// monitor go through read_text (pyepics helper): pyepics' own caget would ask for the count of the
// last monitor update and cut a text that grew since, with softIoc as with us.

const LONG = Array.from({ length: 40 }, (_, i) => `#${i + 1}: /app/src/site-${i}.ts:${10 + i}: ${(i * 3.7).toFixed(1)} KiB\n    line ${i}`).join('\n');
const SHORT = '#1: /app/a.ts:1: 1.0 KiB';

let database: Database;
let server: TestServer;

beforeAll(async () => {
  database = new Database();
  database.loadText('record(waveform, "TXT:TEXT") { field(FTVL, "CHAR") field(NELM, "20000") }');
  database.start();
  server = await startTestServer(database);
});
afterAll(async () => {
  await server.close();
  database.close();
});

it('gives a monitoring pyepics PV only whole texts while they alternate between long and short', async () => {
  const session = startPyepics<{ seen: string[]; gets: string[] }>(
    `
seen = []
pv = epics.PV('TXT:TEXT', auto_monitor=True, callback=lambda char_value=None, **kw: seen.append(char_value), form='time')
pv.wait_for_connection(timeout=5)
say('ready')
gets = []
deadline = time.time() + 8
while len(seen) < 200 and time.time() < deadline:
    gets.append(read_text('TXT:TEXT'))
    time.sleep(0.005)  # paces the reads taken while the monitor fills: not an ordering sleep
emit({'seen': seen, 'gets': gets})
`,
    server.clientEnv,
  );
  await session.waitForLine('ready');
  const text = database.record('TXT:TEXT', 'array');
  let writes = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 5; i++) text.set(writes++ % 2 === 0 ? LONG : SHORT);
  }, 2);
  try {
    const { seen, gets } = await session.result;
    const whole = new Set([LONG, SHORT, '']);
    expect(seen.filter((value) => !whole.has(value))).toEqual([]);
    expect(gets.filter((value) => !whole.has(value))).toEqual([]);
    expect(seen.length).toBeGreaterThan(10);
  } finally {
    clearInterval(timer);
  }
});
