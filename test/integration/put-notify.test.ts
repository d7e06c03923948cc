import * as path from 'node:path';
import type { Context } from 'epics-tca';
import { Database } from '../../src/database';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { pvaValue, startTcaContext, stopTcaContext } from '../helpers/tca';
import { waitUntil } from '../helpers/wait';

// A put with completion, as real clients make it: pyepics caput(wait=True) (libca's
// ca_array_put_callback, CA_PROTO_WRITE_NOTIFY) and epics-tca's pvAccess put (answered, as pvxs's
// QSRV answers it, once the processing is done). It is answered only when the processing it
// started has finished, as EPICS base's dbNotify.c rules it; each case names the rule. What
// softIoc 7.0.8.1 did on the same shapes (delays of 1 s there, 0.2 s here), by hand with pyepics
// caput(wait=True), caput -c -w and camonitor, is in each comment. Order is shown by events: the
// values a monitor had delivered when the put was answered.

const DB_FILE = path.join(__dirname, '../fixtures/db/put-notify.db');
const ECA_NORMAL = 1;
const ECA_PUTFAIL = 160; // caerr.h: CA_INSERT_MSG_NO(20) with CA_K_WARNING

let database: Database;
let server: TestServer;

beforeAll(async () => {
  database = new Database();
  database.loadFile(DB_FILE, { macros: 'P=PN:' });
  database.start();
  server = await startTestServer(database);
});
afterAll(async () => {
  await server.close();
  database.close();
});

/** Python: monitors `watched`, makes a put with callback, and emits its ECA status and what the monitor had seen by then. */
const PUT_SEEN = `
def put_seen(watched, name, value):
    seen = []
    pv = epics.PV(watched, auto_monitor=True, callback=lambda value=None, **kw: seen.append(value))
    pv.wait_for_connection(timeout=5)
    # The monitor's first update, so that the list starts with it.
    wait_until(lambda: seen, timeout=5, interval=0.02)
    status = put_status(name, value, timeout=10)
    emit({'status': status, 'seen': list(seen)})
`;

const putSeen = (watched: string, name: string, value: number) =>
  runPyepics<{ status: number; seen: number[] }>(`${PUT_SEEN}\nput_seen('${watched}', '${name}', ${value})`, server.clientEnv);

describe('over CA, pyepics caput(wait=True)', () => {
  // dbNotifyAdd (dbDbLink.c processTarget) and dbNotifyCompletion (recGblFwdLink after ODLY).
  // softIoc: caput(PN:IN, 5, wait=True) returned 1.0 s later, after camonitor showed PN:OUT 5.
  it('is answered after a calcout reached through FLNK has written its delayed output', async () => {
    expect(await putSeen('PN:OUT', 'PN:IN', 5)).toEqual({ status: ECA_NORMAL, seen: [0, 5] });
  });

  // seqRecord.c: PACT through the DLYn callbacks, recGblFwdLink after the last link.
  // softIoc: caput(PN:SEQ, 7, wait=True) returned after PN:SEQOUT showed 7.
  it('is answered after a seq has written its delayed link', async () => {
    expect(await putSeen('PN:SEQOUT', 'PN:SEQ', 7)).toEqual({ status: ECA_NORMAL, seen: [0, 7] });
  });

  // SDLY: PACT until the second pass (callbackRequestProcessCallbackDelayed), then recGblFwdLink.
  // softIoc: caput(PN:SIM.PROC, 1, wait=True) returned 1.0 s later, after PN:SIM showed 3.
  it('is answered after a simulated input has read SIOL, SDLY later', async () => {
    expect(await putSeen('PN:SIM', 'PN:SIM.PROC', 1)).toEqual({ status: ECA_NORMAL, seen: [0, 3] });
  });

  // processNotifyCommon: the record is PACT, so the put waits (notifyRestartInProgress), and is
  // made and processed once the pass under way has ended. softIoc: with PN:BUSY started by a
  // plain put, caput(PN:BUSY.A, 10, wait=True) wrote A only after that pass, then VAL went to 11,
  // and the put returned after the second pass.
  it('to a busy record is made after the pass under way and answered after its own', async () => {
    const result = await runPyepics<{ status: number; seen: number[] }>(
      `${PUT_SEEN}
epics.caput('PN:BUSY.PROC', 1)
put_seen('PN:BUSYOUT', 'PN:BUSY.A', 10)`,
      server.clientEnv,
    );
    expect(result).toEqual({ status: ECA_NORMAL, seen: [0, 1, 11] });
  });

  // dbProcess of a disabled record calls dbNotifyCompletion. softIoc: caput -c -w 5 PN:DIS 6
  // exited 0 at once, PN:DIS read 6, and FLNK was not followed.
  it('to a disabled record completes with ECA_NORMAL, the value stored, FLNK not followed', async () => {
    const result = await runPyepics<{ status: number; after: number[] }>(
      `status = put_status('PN:DIS', 6)
emit({'status': status, 'after': epics.caget_many(['PN:DIS', 'PN:DISNEXT'])})`,
      server.clientEnv,
    );
    expect(result).toEqual({ status: ECA_NORMAL, after: [6, 0] });
  });

  // processNotifyCommon with DISP: putDisabledType → notifyError → rsrv's ECA_PUTFAIL.
  // softIoc: caput -c -w 5 PN:DISP 4 printed "Channel write request failed", exited 1; VAL stayed 0.
  it('to a record with puts disabled (DISP) fails with ECA_PUTFAIL', async () => {
    const result = await runPyepics<{ status: number; after: number }>(
      `status = put_status('PN:DISP', 4)
emit({'status': status, 'after': epics.caget('PN:DISP')})`,
      server.clientEnv,
    );
    expect(result).toEqual({ status: ECA_PUTFAIL, after: 0 });
  });

  // rsrv's clear_channel_reply frees the channel's put notify (rsrvFreePutNotify → dbNotifyCancel):
  // the put is forgotten and the record no longer held, while its processing goes on.
  it('is cancelled when the client clears its channel before the put completes', async () => {
    const record = database.fieldAddress('PN:LONG')!.record;
    const session = startPyepics<{ called: boolean }>(
      `called = []
chid = ca.create_channel('PN:LONG.A', auto_cb=False)
ca.connect_channel(chid, timeout=5)
ca.put(chid, 2.0, wait=False, callback=lambda **kw: called.append(kw))
ca.pend_io(1.0)
say('put')
sys.stdin.readline()
ca.clear_channel(chid)
epics.caget('PN:SIMSRC')  # a reply on the same circuit: the server has served the clear
say('cleared')
sys.stdin.readline()
emit({'called': len(called) > 0})`,
      server.clientEnv,
    );
    await session.waitForLine('put');
    expect(record.notify).toBeDefined();
    expect(record.isActive).toBe(true);
    session.send('');
    await session.waitForLine('cleared');
    expect(record.notify).toBeUndefined();
    expect(record.isActive).toBe(true);
    session.send('');
    expect(await session.result).toEqual({ called: false });
  });

  // rsrv's destroy_client frees every channel, and with it each put notify (dbNotifyCancel).
  it('is cancelled when the client goes before the put completes', async () => {
    const record = database.fieldAddress('PN:LONG')!.record;
    await waitUntil(() => record.notify === undefined, 'PN:LONG free of the previous test');
    const session = startPyepics(
      `import os
chid = ca.create_channel('PN:LONG.A', auto_cb=False)
ca.connect_channel(chid, timeout=5)
ca.put(chid, 3.0, wait=False, callback=lambda **kw: None)
epics.caget('PN:SIMSRC')  # a reply on the same circuit: the server has the put
say('put')
sys.stdin.readline()
os._exit(0)  # no clean-up: the circuit simply closes`,
      server.clientEnv,
    );
    await session.waitForLine('put');
    expect(record.notify).toBeDefined();
    session.send('');
    await waitUntil(() => record.notify === undefined, 'the put released when its circuit closed');
    expect(record.isActive).toBe(true);
  });
});

describe('over pvAccess, epics-tca', () => {
  let pvaServer: TestPvaServer;
  let context: Context;

  beforeAll(async () => {
    pvaServer = await startTestPvaServer(database);
    context = await startTcaContext(pvaServer.clientEnv);
  });
  afterAll(async () => {
    await stopTcaContext(context);
    await pvaServer.close();
  });

  // pvxs's QSRV puts through dbProcessNotify and answers when its done callback comes: the same
  // rules as CA's (dbNotifyAdd, dbNotifyCompletion).
  it('answers a put after the delayed output that its FLNK chain writes', async () => {
    const output = await context.createChannel('PN:OUT', 'pva', 5);
    const input = await context.createChannel('PN:IN', 'pva', 5);
    if (!output || !input) throw new Error('PN:OUT or PN:IN did not connect');
    const seen: number[] = [];
    let first: () => void = () => undefined;
    const firstUpdate = new Promise<void>((resolve) => (first = resolve));
    const monitor = await output.createMonitorPva(5, 'value', (m) => {
      seen.push(pvaValue(m) as number);
      first();
    });
    await firstUpdate;
    const before = seen.length;
    const status = await input.putPva('value', [8], 5);
    const seenWhenAnswered = seen.slice(before);
    monitor?.destroyHard();
    expect([0, 255]).toContain((status as { type: number }).type);
    expect(seenWhenAnswered).toEqual([8]);
  });
});
