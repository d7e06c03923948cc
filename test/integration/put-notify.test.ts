import * as path from 'node:path';
import type { Context } from 'epics-tca';
import { Database } from '../../src/database';
import { Command, MessageType, type ByteWriter } from '../../src/pva/protocol';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { runPyepics, startPyepics } from '../helpers/pyepics';
import { RawPvaClient } from '../helpers/pva-raw-client';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import { waitUntil } from '../helpers/wait';

// A put with completion, as real clients make it: pyepics caput(wait=True) (libca's
// ca_array_put_callback, CA_PROTO_WRITE_NOTIFY) and a pvAccess put with record[block=true]
// (answered, as pvxs's QSRV answers it, once the processing is done; without block, as pvxput
// sends it by default, at once). It is answered only when the processing it
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

describe('over pvAccess, epics-tca and the raw client', () => {
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

  async function channelOf(name: string) {
    const channel = await context.createChannel(name, 'pva', 5);
    if (!channel) throw new Error(`${name} did not connect`);
    return channel;
  }

  const isOk = (status: unknown) => [0, 255].includes((status as { type: number }).type);
  const valueOf = async (name: string) => ((await (await channelOf(name)).getPva(5, '')) as { value: unknown }).value;

  // epics-tca's putPva refuses a pvRequest with record[...], so a put with record._options goes
  // through the raw client; what it shows is read back with epics-tca.
  let raw: RawPvaClient;
  let nextId = 1;
  beforeEach(async () => (raw = await RawPvaClient.connect(pvaServer.server.tcpPort)));
  afterEach(() => raw.close());

  /** A PUT operation on `name` whose pvRequest carries `options`; returns a function that puts one value with it. */
  async function putWith(name: string, options: Record<string, string>) {
    const serverId = await raw.createChannel(name, nextId++);
    const requestId = nextId++;
    const init = await raw.putInit(serverId, requestId, options);
    return { init, put: (write: (writer: ByteWriter) => void) => raw.put(serverId, requestId, write) };
  }

  // QSRV waits for processing only when asked: pvxs ioc/singlesource.cpp onPut calls
  // dbProcessNotify when record._options.block is true, and answers when its done callback comes,
  // by the same rules as CA's (dbNotifyAdd, dbNotifyCompletion); otherwise it answers once the
  // put and the processing it started synchronously are done. One connection carries the monitor
  // and the puts, so the order of the messages is the order the server sent them in.
  it('with block=true, answers a put after the delayed output that its FLNK chain writes; with block=false, before', async () => {
    const outputId = await raw.createChannel('PN:OUT', nextId++);
    const monitorId = nextId++;
    await raw.monitor(outputId, monitorId, 10);
    await raw.waitFor(() => raw.updates(monitorId).length > 0);
    const update = (value: number) => raw.messages.findIndex((m) => raw.updates(monitorId).includes(m) && raw.doubleValue(m) === value);

    const blocking = await putWith('PN:IN', { block: 'true' });
    const answered = await blocking.put((w) => w.float64(8));
    expect(RawPvaClient.isOk(answered)).toBe(true);
    expect(update(8)).not.toBe(-1);
    expect(update(8)).toBeLessThan(raw.messages.indexOf(answered));

    const plain = await putWith('PN:IN', { block: 'false' });
    const answeredAtOnce = await plain.put((w) => w.float64(9));
    await raw.waitFor(() => update(9) >= 0);
    expect(RawPvaClient.isOk(answeredAtOnce)).toBe(true);
    expect(raw.messages.indexOf(answeredAtOnce)).toBeLessThan(update(9));
  });

  // block is false unless asked (singlesource.cpp: doWait{false}), so a put with no options, as
  // pvxput sends by default, is answered as a CA WRITE is: here within the client's 5 s, the
  // calcout's output being 30 s away. A put to the calcout during its ODLY then marks it to process
  // again (iocsource.cpp doPostProcessing: pact → rpro = TRUE), as a plain CA put does.
  it('without options (pvxput’s default), answers before the delayed output, and a put during ODLY marks the calcout RPRO', async () => {
    const calcout = await channelOf('PN:PVAHOLD.A');
    expect(isOk(await calcout.putPva('value', [1], 5))).toBe(true);
    expect([await valueOf('PN:PVAHOLD.PACT'), await valueOf('PN:PVAHOLD.RPRO'), await valueOf('PN:PVAHOLDOUT')]).toEqual([1, 0, 0]);
    expect(isOk(await calcout.putPva('value', [2], 5))).toBe(true);
    expect([await valueOf('PN:PVAHOLD.PACT'), await valueOf('PN:PVAHOLD.RPRO'), await valueOf('PN:PVAHOLDOUT')]).toEqual([1, 1, 0]);
  });

  // iocsource.cpp setForceProcessingFlag and doPostProcessing: process=false stores the value
  // only; process=true processes the record even for a field that is not PP (DESC).
  it('with process=false writes without processing; with process=true processes for a field that is not PP', async () => {
    const { put: putA } = await putWith('PN:PVACALC.A', { process: 'false' });
    expect(RawPvaClient.isOk(await putA((w) => w.float64(4)))).toBe(true);
    expect([await valueOf('PN:PVACALC.A'), await valueOf('PN:PVACALC')]).toEqual([4, 0]);
    const { put: putDesc } = await putWith('PN:PVACALC.DESC', { process: 'true' });
    expect(RawPvaClient.isOk(await putDesc((w) => w.string('calc')))).toBe(true);
    expect([await valueOf('PN:PVACALC.DESC'), await valueOf('PN:PVACALC')]).toEqual(['calc', 5]);
  });

  // setForceProcessingFlag: a process that is none of true, false, passive is ignored, with a
  // warning to the client (logRemote, a MESSAGE at level Warn).
  it('warns of an option value it cannot take, and puts as if it were absent', async () => {
    const { init, put } = await putWith('PN:PVACALC.A', { process: 'sometimes' });
    expect(init.payload[5]).toBe(0xff);
    const warning = await raw.waitFor((m) => m.command === Command.MESSAGE);
    expect([raw.uint32(warning, 0), warning.payload[4]]).toEqual([raw.uint32(init, 0), MessageType.WARNING]);
    expect(warning.payload.subarray(6).toString()).toBe('Ignoring unsupported record._options.process: "sometimes"');
    expect(RawPvaClient.isOk(await put((w) => w.float64(6)))).toBe(true);
    expect(await valueOf('PN:PVACALC')).toBe(7);
  });
});
