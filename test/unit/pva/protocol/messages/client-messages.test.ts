import { ntScalar } from '../../../../../src/pva/protocol/codec/normative-types';
import { PVStructure } from '../../../../../src/pva/protocol/codec/pv-structure';
import { ProtocolError } from '../../../../../src/pva/protocol/errors';
import type { ClientMessage, PutRequest } from '../../../../../src/pva/protocol/messages/client-messages';
import { decodeDatagram, PvaCircuitReader } from '../../../../../src/pva/protocol/messages/reader';
import { hex, num, ORDERS, text, type Order } from '../fixtures';

// Client messages, from the payload layouts of the specification (and pvxs where it differs),
// each in both byte orders: numbers are written big-endian and turned around for little-endian.

/** A client application message: magic, version 2, flags (0x80 big-endian), command, size. */
const message = (order: Order, command: number, payload: string) => {
  const body = hex(payload);
  return hex(`ca 02 ${order === 'BE' ? '80' : '00'} ${command.toString(16).padStart(2, '0')}`, num(order, body.length.toString(16).padStart(8, '0')), payload);
};

const readAll = (...messages: Buffer[]): ClientMessage[] => {
  const reader = new PvaCircuitReader(1 << 20);
  reader.push(Buffer.concat(messages));
  const read: ClientMessage[] = [];
  for (let next = reader.next(); next !== undefined; next = reader.next()) read.push(next);
  expect(reader.buffered).toBe(0);
  return read;
};
const readOne = (bytes: Buffer) => {
  const read = readAll(bytes);
  expect(read).toHaveLength(1);
  return read[0]!;
};

/** pvRequest field(value): type, then no data (it has no leaves). */
const FIELD_VALUE = `80 00 01 05 ${text('field')} 80 00 01 05 ${text('value')} 80 00 00`;

describe.each(ORDERS)('client messages, %s', (o) => {
  const searchPayload = [
    num(o, '00000007'), // searchSequenceID
    '81', // flags: reply required (0x01), sent as unicast (0x80)
    '000000', // reserved
    '00000000000000000000ffff 7f000001', // response address ::ffff:127.0.0.1
    num(o, '13d4'), // response port 5076
    `01 03 ${text('tcp')}`, // protocols: Size 1, "tcp"
    num(o, '0002'), // channel count: uint16, not a Size
    `${num(o, '00000001')} 04 ${text('PV:A')}`, // searchInstanceID, name
    `${num(o, '00000002')} 04 ${text('PV:B')}`,
  ].join(' ');
  const search = {
    kind: 'search',
    sequenceId: 7,
    mustReply: true,
    unicast: true,
    replyAddress: '127.0.0.1',
    replyPort: 5076,
    protocols: ['tcp'],
    channels: [
      { searchInstanceId: 1, name: 'PV:A' },
      { searchInstanceId: 2, name: 'PV:B' },
    ],
  };

  it('SEARCH over TCP', () => {
    expect(readOne(message(o, 3, searchPayload))).toEqual(search);
  });

  it('SEARCH over UDP, after an ORIGIN_TAG, with a beacon and a control message skipped', () => {
    const beacon = hex(`ca 02 ${o === 'BE' ? 'c0' : '40'} 00`, num(o, '00000000')); // server flag 0x40
    const control = hex(`ca 02 ${o === 'BE' ? '81' : '01'} 02 00000000`); // control, no payload
    const originTag = message(o, 22, '00000000000000000000ffff c0a80001'); // forwarded from 192.168.0.1
    expect(decodeDatagram(Buffer.concat([beacon, control, originTag, message(o, 3, searchPayload)]))).toEqual([
      { kind: 'originTag', forwarderAddress: '192.168.0.1' },
      search,
    ]);
  });

  it('CONNECTION_VALIDATION choosing "ca": user and host', () => {
    const payload = [
      num(o, '00010000'), // clientReceiveBufferSize
      num(o, '7fff'), // clientIntrospectionRegistryMaxSize
      num(o, '0000'), // connectionQos
      `02 ${text('ca')}`, // authNZ
      `80 00 02 04 ${text('user')} 60 04 ${text('host')} 60`, // structure {string user, string host}
      `05 ${text('alice')} 04 ${text('ws01')}`,
    ].join(' ');
    expect(readOne(message(o, 1, payload))).toMatchObject({
      kind: 'connectionValidation',
      receiveBufferSize: 0x10000,
      introspectionRegistryMaxSize: 0x7fff,
      qos: 0,
      authNZ: 'ca',
      user: 'alice',
      host: 'ws01',
    });
  });

  it('CONNECTION_VALIDATION choosing "anonymous": no data', () => {
    const payload = `${num(o, '00004000')} ${num(o, '0010')} ${num(o, '0000')} 09 ${text('anonymous')} ff`;
    expect(readOne(message(o, 1, payload))).toEqual({
      kind: 'connectionValidation',
      receiveBufferSize: 0x4000,
      introspectionRegistryMaxSize: 16,
      qos: 0,
      authNZ: 'anonymous',
      authData: null,
      user: undefined,
      host: undefined,
    });
  });

  it('CREATE_CHANNEL: a uint16 count, then client channel id and name', () => {
    const payload = `${num(o, '0001')} ${num(o, '00000005')} 04 ${text('PV:A')}`;
    expect(readOne(message(o, 7, payload))).toEqual({ kind: 'createChannel', channels: [{ clientChannelId: 5, name: 'PV:A' }] });
  });

  it('DESTROY_CHANNEL: server channel id, client channel id', () => {
    expect(readOne(message(o, 8, `${num(o, '00000009')} ${num(o, '00000005')}`))).toEqual({
      kind: 'destroyChannel',
      serverChannelId: 9,
      clientChannelId: 5,
    });
  });

  it('GET INIT with a pvRequest, GET with DESTROY', () => {
    const [init, get] = readAll(
      message(o, 10, `${num(o, '00000009')} ${num(o, '00000003')} 08 ${FIELD_VALUE}`), // sid, request id, INIT
      message(o, 10, `${num(o, '00000009')} ${num(o, '00000003')} 50`), // GET (0x40) | DESTROY (0x10)
    );
    expect(init).toMatchObject({ kind: 'getInit', serverChannelId: 9, requestId: 3, subcommand: 8 });
    expect((init as { pvRequest: PVStructure }).pvRequest.toPlain()).toEqual({ field: { value: {} } });
    expect(get).toEqual({ kind: 'get', serverChannelId: 9, requestId: 3, subcommand: 0x50, destroy: true });
  });

  it('PUT INIT, PUT with its BitSet and value, and a get-put', () => {
    const reader = new PvaCircuitReader(1 << 20);
    reader.push(
      Buffer.concat([
        message(o, 11, `${num(o, '00000009')} ${num(o, '00000004')} 08 ff`), // INIT, NULL pvRequest
        message(o, 11, `${num(o, '00000009')} ${num(o, '00000004')} 00 01 02 ${num(o, '4004000000000000')}`), // BitSet {1}, value 2.5
        message(o, 11, `${num(o, '00000009')} ${num(o, '00000004')} 40`), // get-put
      ]),
    );
    expect(reader.next()).toEqual({ kind: 'putInit', serverChannelId: 9, requestId: 4, subcommand: 8, pvRequest: null });
    const put = reader.next() as PutRequest;
    expect(put).toMatchObject({ kind: 'put', requestId: 4, destroy: false, getPut: false, littleEndian: o === 'LE' });
    const into = new PVStructure(ntScalar('double'));
    expect(reader.decodePutData(put, into).toArray()).toEqual([1]);
    expect(into.get('value')).toBe(2.5);
    expect(reader.next()).toMatchObject({ kind: 'put', getPut: true, data: Buffer.alloc(0) });
  });

  it('MONITOR INIT with pipeline and its window, then start, stop, acknowledge, destroy', () => {
    const ids = `${num(o, '00000009')} ${num(o, '00000006')}`;
    const read = readAll(
      message(o, 13, `${ids} 88 ${FIELD_VALUE} ${num(o, '00000004')}`), // INIT | PIPELINE, pvRequest, nfree 4
      message(o, 13, `${ids} 44`), // start
      message(o, 13, `${ids} 04`), // stop
      message(o, 13, `${ids} 80 ${num(o, '00000002')}`), // acknowledge 2
      message(o, 13, `${ids} 10`), // destroy
    );
    expect(read[0]).toMatchObject({ kind: 'monitorInit', requestId: 6, pipeline: true, nfree: 4 });
    expect(read.slice(1).map((m) => m.kind === 'monitor' && [m.start, m.ack, m.destroy])).toEqual([
      [true, 0, false],
      [false, 0, false],
      [undefined, 2, false],
      [undefined, 0, true],
    ]);
  });

  it('GET_FIELD, DESTROY_REQUEST, CANCEL_REQUEST, ECHO', () => {
    const ids = `${num(o, '00000009')} ${num(o, '00000007')}`;
    expect(readAll(message(o, 17, `${ids} 05 ${text('value')}`), message(o, 15, ids), message(o, 21, ids), message(o, 2, '0102 0304'))).toEqual([
      { kind: 'getField', serverChannelId: 9, requestId: 7, subField: 'value' },
      { kind: 'destroyRequest', serverChannelId: 9, requestId: 7 },
      { kind: 'cancelRequest', serverChannelId: 9, requestId: 7 },
      { kind: 'echo', payload: hex('01020304') },
    ]);
  });

  it('types cached in one message and used in a later one', () => {
    const cachedRequest = `fd ${num(o, '0001')} ${FIELD_VALUE}`;
    const [first, second] = readAll(
      message(o, 10, `${num(o, '00000009')} ${num(o, '00000001')} 08 ${cachedRequest}`),
      message(o, 13, `${num(o, '00000009')} ${num(o, '00000002')} 08 fe ${num(o, '0001')}`),
    );
    expect((first as { pvRequest: PVStructure }).pvRequest.type).toBe((second as { pvRequest: PVStructure }).pvRequest.type);
  });

  it('RPC and other unsupported operations, decoded far enough to keep the type cache', () => {
    const ids = `${num(o, '00000009')} ${num(o, '00000008')}`;
    const read = readAll(
      message(o, 20, `${ids} 08 ff`), // RPC INIT
      message(o, 20, `${ids} 00 fd ${num(o, '0002')} 80 00 01 01 ${text('a')} 22 ${num(o, '00000001')}`), // arguments {int a}
      message(o, 16, `${ids} 08 fe ${num(o, '0002')} ${num(o, '00000001')}`), // PROCESS INIT reusing type 2
    );
    expect(read.map((m) => m.kind === 'unsupportedOperation' && [m.command, m.init])).toEqual([
      [20, true],
      [20, false],
      [16, true],
    ]);
  });
});

describe('circuit reader', () => {
  it('passes control messages through with their value', () => {
    expect(readAll(hex('ca 02 01 00 00010000'))).toEqual([{ kind: 'control', command: 0, value: 0x100 }]);
  });

  it('AUTHNZ: a FieldDesc and its value, here none', () => {
    expect(readAll(message('LE', 5, 'ff'))).toEqual([{ kind: 'authNZ', data: null }]);
  });

  it('skips commands a client has no business sending', () => {
    expect(readAll(message('LE', 4, '00'), message('LE', 99, ''), message('LE', 15, '01000000 02000000'))).toEqual([
      { kind: 'destroyRequest', serverChannelId: 1, requestId: 2 },
    ]);
  });

  it.each([
    ['a message flagged as from a server', hex('ca 02 40 0f 00000000')],
    ['a truncated payload', message('LE', 8, '01000000')],
    ['a pvRequest that is not a structure', message('LE', 10, '01000000 02000000 08 22 00000000')],
    ['a channel without a name', message('LE', 7, '0100 01000000 00')],
  ])('throws ProtocolError on %s', (_name, bytes) => {
    expect(() => readAll(bytes)).toThrow(ProtocolError);
  });
});

describe('datagrams', () => {
  it('throw ProtocolError when truncated', () => {
    expect(() => decodeDatagram(hex('ca 02 00 03 20000000 00'))).toThrow(ProtocolError);
    expect(() => decodeDatagram(hex('ca 02 00'))).toThrow(ProtocolError);
  });

  it('skip segmented messages, which UDP cannot carry', () => {
    expect(decodeDatagram(hex('ca 02 10 03 00000000'))).toEqual([]);
  });
});
