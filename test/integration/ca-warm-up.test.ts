import pino from 'pino';
import { createCaServer, type CaServer } from '../../src/ca/server';
import { Database } from '../../src/database';
import type { Logger } from '../../src/logger';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';

// The CA server runs its request paths before it listens (src/ca/server/warm-up.ts), on records
// of the database's own types. A user must see nothing of it: no client in the server's counts
// (devIocStats' CA_CLNT_CNT and CA_CONN_CNT read them), no connect or write line in the log, no
// record processed, no value changed.

interface Line {
  msg: string;
  [key: string]: unknown;
}

const DB = `
record(ao, "W:AO") { field(VAL, "1.5") field(PREC, "1") }
record(calc, "W:CALC") { field(CALC, "VAL+1") }
record(stringin, "W:SI") { field(VAL, "hello") }
record(mbbi, "W:MBBI") { field(VAL, "1") field(ZRST, "zero") field(ONST, "one") }
record(waveform, "W:WF") { field(NELM, "4") field(FTVL, "DOUBLE") }
record(longout, "W:LO") { field(VAL, "7") field(FLNK, "W:CALC") }
`;
const NAMES = ['W:AO', 'W:CALC', 'W:SI', 'W:MBBI', 'W:WF', 'W:LO'];

describe('the CA server warm-up', () => {
  const lines: Line[] = [];
  const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  let database: Database;
  let server: CaServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = new Database();
    database.loadText(DB);
    database.start();
    env = loopbackEnv(await freePort(), await freePort());
    server = await createCaServer({ provider: database, env, logger, warmUpNames: NAMES });
  });
  afterAll(async () => {
    await server.close();
    database.close();
  });

  it('runs before the server listens, and logs only its cost, at debug level', () => {
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(['CA request paths warmed up', 'CA server listening']);
    const warmUp = lines[0]!;
    expect(warmUp).toMatchObject({ level: 20, names: NAMES.length });
    expect(warmUp.requests).toBeGreaterThan(10_000);
  });

  it('leaves no client, channel or subscription in the counts', () => {
    expect(server.statistics()).toEqual({ clients: 0, channels: 0, subscriptions: 0, queuedBytes: 0 });
  });

  it('changes no value and processes no record, as libca sees them; its first client is the only one counted', async () => {
    const values = await runPyepics<Record<string, unknown>>(
      `emit({n: epics.caget(n, as_string=True, timeout=5) for n in ${JSON.stringify(NAMES.filter((name) => name !== 'W:WF'))}})`,
      env,
    );
    // A calc that has never processed holds 0 (calcRecord.c: VAL is set by process() only).
    expect(values).toEqual({ 'W:AO': '1.5', 'W:CALC': '0', 'W:SI': 'hello', 'W:MBBI': 'one', 'W:LO': '7' });
    expect(lines.filter((line) => line.msg === 'client connected').map((line) => line.clients)).toEqual([1]);
    expect(lines.some((line) => line.msg === 'client write')).toBe(false);
  });
});
