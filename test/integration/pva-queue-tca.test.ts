import type { Context } from 'epics-tca';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { pvaValue, startTcaContext, stopTcaContext } from '../helpers/tca';
import { waitUntil } from '../helpers/wait';

// A MONITOR's record._options.queueSize as epics-tca (a pvAccess client written independently of
// this project) sees it. pvxs's servermon.cpp sets what is expected: while the client cannot take
// updates, up to queueSize of them wait, the newest squashed into the last. epics-tca always reads
// its socket, so the server is made unable to send by a batch limit of one byte (maxQueuedBytes):
// of a burst of changes in one tick the first is encoded at once and the rest wait.

describe('pvAccess monitor queueSize, seen by epics-tca', () => {
  const counter = new SimplePv({ name: 'QUEUE:COUNTER', type: FieldType.DOUBLE, value: 0 });
  let server: TestPvaServer;
  let context: Context;

  beforeAll(async () => {
    server = await startTestPvaServer(new PvMap([counter]), undefined, { maxQueuedBytes: 1 });
    context = await startTcaContext(server.clientEnv);
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await server.close();
  });

  /** The values a monitor with `pvRequest` receives: `from`, then a burst of the next ten posted in one tick. */
  async function burst(pvRequest: string, from: number): Promise<number[]> {
    counter.post(from);
    const channel = await context.createChannel('QUEUE:COUNTER', 'pva', 5);
    if (!channel) throw new Error('QUEUE:COUNTER did not connect');
    const values: number[] = [];
    const monitor = await channel.createMonitorPva(5, pvRequest, (m) => values.push(pvaValue(m) as number));
    await waitUntil(() => values.length === 1, 'the first update');
    for (let value = from + 1; value <= from + 10; value++) counter.post(value);
    await waitUntil(() => values.at(-1) === from + 10, `the newest value, ${from + 10}`);
    monitor?.destroyHard();
    await channel.destroyHard();
    return values;
  }

  it('receives queueSize distinct updates of a burst it could not take, the last the newest', async () => {
    // The first change goes out at once; then 2 and 3 wait, and 4 to 10 squash into the third.
    expect(await burst('record[queueSize=3]field(value)', 0)).toEqual([0, 1, 2, 3, 10]);
  });

  it('queues 4 by default, as pvxs', async () => {
    expect(await burst('field(value)', 100)).toEqual([100, 101, 102, 103, 104, 110]);
  });
});
