import * as dgram from 'node:dgram';
import { writeDatagramVersionRequest, writeSearchRequest } from '../../src/ca/protocol/client-requests';
import { Command } from '../../src/ca/protocol/constants';
import { MessageWriter } from '../../src/ca/protocol/writer';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { startTestServer, type TestServer } from '../helpers/ca-server';
import { runPyepics } from '../helpers/pyepics';
import { waitUntil } from '../helpers/wait';

// Search replies to one peer's burst of search datagrams share reply datagrams (as rsrv's
// cast_server.c holds its reply while requests wait on its socket), each run of replies after a
// VERSION with the sequence number of the datagram it answers. libca reads every message of a
// reply datagram (udpiiu.cpp postMsg): a connect of thousands of names, which libca sends ~31 to
// a datagram in bursts, goes through that path.

const SERVED = 3000;

describe('search replies packed across datagrams', () => {
  let server: TestServer;

  beforeAll(async () => {
    const pvs = Array.from({ length: SERVED }, (_, index) => new SimplePv({ name: `S:PV:${index}`, type: FieldType.LONG, value: index }));
    server = await startTestServer(new PvMap(pvs));
  });
  afterAll(() => server.close());

  it('connect libca to thousands of names, each to its own PV, and leave the names not served unconnected', async () => {
    const result = await runPyepics<{ connected: boolean; wrong: number[]; unservedConnected: number }>(
      `
import ctypes
ca.initialize_libca()
libca = ca.libca
served = ['S:PV:%d' % index for index in range(${SERVED})]
# Names not served, between the served ones: a reply read against the wrong search would connect one.
unserved = ['S:NONE:%d' % index for index in range(0, ${SERVED}, 100)]
chids = {}
for name in [n for pair in zip(served[::100], unserved) for n in pair] + [n for i, n in enumerate(served) if i % 100]:
    chid = dbr.chid_t()
    libca.ca_create_channel(ctypes.c_char_p(name.encode()), None, None, 0, ctypes.byref(chid))
    chids[name] = chid
# libca's ca_state: 2 is cs_conn.
connected = wait_until(lambda: libca.ca_pend_event(ctypes.c_double(0.01)) is not None and all(libca.ca_state(chids[name]) == 2 for name in served), timeout=20)
unserved_connected = sum(1 for name in unserved if libca.ca_state(chids[name]) == 2)
# Cleared, so that ca_pend_io below waits for the reads only, not for these connections too.
for name in unserved:
    libca.ca_clear_channel(chids[name])
values = {name: ctypes.c_long() for name in served}
for name in served:
    libca.ca_array_get(5, 1, chids[name], ctypes.byref(values[name]))
if libca.ca_pend_io(ctypes.c_double(20)) != 1:
    sys.exit('not every read was answered')
wrong = [index for index, name in enumerate(served) if values[name].value != index]
emit({'connected': connected, 'wrong': wrong[:10], 'unservedConnected': unserved_connected})
`,
      server.clientEnv,
      60_000,
    );
    expect(result).toEqual({ connected: true, wrong: [], unservedConnected: 0 });
  }, 90_000);

  it('answer datagrams that wait together on the socket in one reply datagram', async () => {
    // A raw client, because libca's bursts cannot be sized from outside: ten search datagrams sent
    // before the server's event loop reads any (this test runs in the server's process) are read
    // in one wake-up, and their ten replies (16 + 24 bytes each) fit one datagram.
    const client = dgram.createSocket('udp4');
    const datagrams: Buffer[] = [];
    client.on('message', (datagram: Buffer) => datagrams.push(datagram));
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    try {
      const writer = new MessageWriter(256);
      for (let sequence = 1; sequence <= 10; sequence++) {
        writeDatagramVersionRequest(writer, sequence);
        writeSearchRequest(writer, `S:PV:${sequence}`, 1000 + sequence);
        client.send(Buffer.from(writer.take()!), server.server.udpPort, '127.0.0.1');
      }
      const answered = new Map<number, number>();
      await waitUntil(() => {
        answered.clear();
        for (const datagram of datagrams) {
          let sequence = -1;
          for (let at = 0; at + 16 <= datagram.length; at += 16 + datagram.readUInt16BE(at + 2)) {
            const command = datagram.readUInt16BE(at);
            if (command === Command.VERSION) sequence = datagram.readUInt32BE(at + 8);
            if (command === Command.SEARCH) answered.set(datagram.readUInt32BE(at + 12), sequence);
          }
        }
        return answered.size === 10;
      }, 'the ten searches to be answered');
      expect(datagrams).toHaveLength(1);
      expect([...answered.entries()]).toEqual(Array.from({ length: 10 }, (_, index) => [1001 + index, index + 1]));
    } finally {
      client.close();
    }
  });
});
