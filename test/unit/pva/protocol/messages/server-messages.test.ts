import { BitSet } from '../../../../../src/pva/protocol/codec/bit-set';
import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import { PVStructure } from '../../../../../src/pva/protocol/codec/pv-structure';
import { errorStatus, STATUS_OK } from '../../../../../src/pva/protocol/codec/status';
import { scalar, structure, TypeRegistry } from '../../../../../src/pva/protocol/codec/type-descriptor';
import { isUnspecifiedAddress, readAddress, UNSPECIFIED_ADDRESS, writeAddress } from '../../../../../src/pva/protocol/messages/address';
import { Command, MessageType, Subcommand } from '../../../../../src/pva/protocol/messages/constants';
import * as server from '../../../../../src/pva/protocol/messages/server-messages';
import { PvaMessageWriter } from '../../../../../src/pva/protocol/messages/writer';
import { hex, num, ORDERS, text, type Order } from '../fixtures';

// Server messages, from the payload layouts of the specification (and pvxs where it differs),
// each in both byte orders: numbers are written big-endian and turned around for little-endian.

const written = (order: Order, write: (writer: PvaMessageWriter) => void, registry?: TypeRegistry) => {
  const writer = new PvaMessageWriter(order === 'LE', 16);
  writer.typeRegistry = registry;
  write(writer);
  return writer.take()!.toString('hex');
};

/** A server application message: magic, version 2, flags 0x40 (| 0x80 big-endian), command, size. */
const message = (order: Order, command: number, ...payload: string[]) => {
  const body = hex(...payload);
  return hex(
    `ca 02 ${order === 'BE' ? 'c0' : '40'} ${command.toString(16).padStart(2, '0')}`,
    num(order, body.length.toString(16).padStart(8, '0')),
    body.toString('hex'),
  ).toString('hex');
};

const GUID = '0102030405060708090a0b0c';
const POINT = structure('point_t', { x: scalar('short'), y: scalar('short') });
const POINT_TYPE = `80 07 ${text('point_t')} 02 01 ${text('x')} 21 01 ${text('y')} 21`;

describe('set byte order', () => {
  it('is a control message (flags bit 0) whose flags give the order', () => {
    expect(written('LE', server.writeSetByteOrder)).toBe(hex('ca 02 41 02 00000000').toString('hex'));
    expect(written('BE', server.writeSetByteOrder)).toBe(hex('ca 02 c1 02 00000000').toString('hex'));
  });
});

describe.each(ORDERS)('server messages, %s', (o) => {
  it('CONNECTION_VALIDATION: buffer size, registry size, authentication plugins', () => {
    const request = { receiveBufferSize: 0x10000, introspectionRegistryMaxSize: 0x7fff, authNZ: ['anonymous', 'ca'] };
    expect(written(o, (w) => server.writeConnectionValidation(w, request))).toBe(
      message(o, 1, num(o, '00010000'), num(o, '7fff'), `02 09 ${text('anonymous')} 02 ${text('ca')}`),
    );
  });

  it('CONNECTION_VALIDATED: a status', () => {
    expect(written(o, (w) => server.writeConnectionValidated(w))).toBe(message(o, 9, 'ff'));
    expect(written(o, (w) => server.writeConnectionValidated(w, errorStatus('no')))).toBe(message(o, 9, `02 02 ${text('no')} 00`));
  });

  it('ECHO: the request payload back', () => {
    expect(written(o, (w) => server.writeEcho(w, hex('0102')))).toBe(message(o, 2, '0102'));
  });

  it('BEACON', () => {
    const beacon = { guid: hex(GUID), sequenceId: 0x105, changeCount: 3, address: UNSPECIFIED_ADDRESS, port: 5075, protocol: server.TCP_PROTOCOL };
    expect(written(o, (w) => server.writeBeacon(w, beacon))).toBe(
      message(
        o,
        0,
        GUID, // server GUID
        '00', // flags, reserved
        '05', // beacon sequence id, wrapped to a byte
        num(o, '0003'), // change count
        '00000000000000000000ffff 00000000', // address: IPv4-mapped 0.0.0.0, as pvxs sends
        num(o, '13d3'), // port 5075
        `03 ${text('tcp')}`, // protocol
        'ff', // server status: NULL type
      ),
    );
  });

  it('SEARCH_RESPONSE', () => {
    const response = { guid: hex(GUID), sequenceId: 7, address: '10.0.0.2', port: 5075, protocol: 'tcp', found: true, searchInstanceIds: [1, 2] };
    expect(written(o, (w) => server.writeSearchResponse(w, response))).toBe(
      message(
        o,
        4,
        GUID,
        num(o, '00000007'), // search sequence id
        '00000000000000000000ffff 0a000002', // server address
        num(o, '13d3'), // server port
        `03 ${text('tcp')}`,
        '01', // found
        num(o, '0002'), // id count: uint16, not a Size
        num(o, '00000001'),
        num(o, '00000002'),
      ),
    );
  });

  it('CREATE_CHANNEL: client id, server id, status, and no access rights', () => {
    expect(written(o, (w) => server.writeCreateChannel(w, 5, 9))).toBe(message(o, 7, num(o, '00000005'), num(o, '00000009'), 'ff'));
    expect(written(o, (w) => server.writeCreateChannel(w, 5, 0, errorStatus('x')))).toBe(
      message(o, 7, num(o, '00000005'), num(o, '00000000'), `02 01 ${text('x')} 00`),
    );
  });

  it('DESTROY_CHANNEL: server id, client id', () => {
    expect(written(o, (w) => server.writeDestroyChannel(w, 9, 5))).toBe(message(o, 8, num(o, '00000009'), num(o, '00000005')));
  });

  it('GET/PUT/MONITOR INIT: request id, 0x08, status, and the type on success only', () => {
    expect(written(o, (w) => server.writeOperationInit(w, Command.GET, 3, STATUS_OK, POINT))).toBe(message(o, 10, num(o, '00000003'), '08 ff', POINT_TYPE));
    expect(written(o, (w) => server.writeOperationInit(w, Command.PUT, 3, errorStatus('ro')))).toBe(
      message(o, 11, num(o, '00000003'), '08', `02 02 ${text('ro')} 00`),
    );
  });

  it('types cached with the writer registry: FULL_WITH_ID once, ONLY_ID after', () => {
    const registry = new TypeRegistry();
    const init = (w: PvaMessageWriter) => server.writeOperationInit(w, Command.MONITOR, 3, STATUS_OK, POINT);
    expect(written(o, init, registry)).toBe(message(o, 13, num(o, '00000003'), '08 ff', `fd ${num(o, '0001')}`, POINT_TYPE));
    expect(written(o, init, registry)).toBe(message(o, 13, num(o, '00000003'), '08 ff', `fe ${num(o, '0001')}`));
  });

  it('PUT done, and a failed GET: request id, subcommand, status', () => {
    expect(written(o, (w) => server.writeOperationStatus(w, Command.PUT, 3, 0, STATUS_OK))).toBe(message(o, 11, num(o, '00000003'), '00 ff'));
    expect(written(o, (w) => server.writeOperationStatus(w, Command.GET, 3, 0x40, errorStatus('e')))).toBe(
      message(o, 10, num(o, '00000003'), `40 02 01 ${text('e')} 00`),
    );
  });

  const point = new PVStructure(POINT);
  point.assign({ x: 1, y: -1 });

  it('GET data: request id, subcommand, status, BitSet, the fields', () => {
    expect(written(o, (w) => server.writeOperationData(w, Command.GET, 3, Subcommand.GET, point, BitSet.of(0)))).toBe(
      message(o, 10, num(o, '00000003'), '40 ff', '01 01', num(o, '0001'), num(o, 'ffff')),
    );
    expect(written(o, (w) => server.writeOperationData(w, Command.PUT, 3, Subcommand.GET | Subcommand.DESTROY, point, BitSet.of(0), BitSet.of(2)))).toBe(
      message(o, 11, num(o, '00000003'), '50 ff', '01 04', num(o, 'ffff')), // get-put of field(y), destroying
    );
  });

  it('MONITOR update: changed BitSet, fields, overrun BitSet; and the final message', () => {
    expect(written(o, (w) => server.writeMonitorUpdate(w, 6, point, BitSet.of(1)))).toBe(
      message(o, 13, num(o, '00000006'), '00', '01 02', num(o, '0001'), '00'),
    );
    expect(written(o, (w) => server.writeMonitorUpdate(w, 6, point, BitSet.of(1, 2), undefined, BitSet.of(1)))).toBe(
      message(o, 13, num(o, '00000006'), '00', '01 06', num(o, '0001'), num(o, 'ffff'), '01 02'),
    );
    expect(written(o, (w) => server.writeMonitorFinish(w, 6))).toBe(message(o, 13, num(o, '00000006'), '10 ff'));
  });

  it('GET_FIELD: request id, status, the type on success only', () => {
    expect(written(o, (w) => server.writeGetField(w, 7, STATUS_OK, scalar('double')))).toBe(message(o, 17, num(o, '00000007'), 'ff 43'));
    expect(written(o, (w) => server.writeGetField(w, 7, errorStatus('no field')))).toBe(message(o, 17, num(o, '00000007'), `02 08 ${text('no field')} 00`));
  });

  it('MESSAGE: request id, type, text', () => {
    expect(written(o, (w) => server.writeMessage(w, 3, MessageType.WARNING, 'queueSize ignored'))).toBe(
      message(o, 18, num(o, '00000003'), '01', `11 ${text('queueSize ignored')}`),
    );
  });
});

describe('PvaMessageWriter', () => {
  it('batches messages and patches each size after its payload', () => {
    const writer = new PvaMessageWriter(true, 8);
    server.writeSetByteOrder(writer);
    server.writeEcho(writer, Buffer.alloc(300, 7));
    server.writeDestroyChannel(writer, 1, 2);
    const batch = writer.take()!;
    expect(batch.length).toBe(8 + 8 + 300 + 8 + 8);
    expect(batch.subarray(8, 16).toString('hex')).toBe('ca024002' + '2c010000');
    expect(writer.take()).toBeUndefined();
  });

  it('refuses nested or unbalanced messages, and a successful INIT without a type', () => {
    const writer = new PvaMessageWriter(true);
    expect(() => writer.end()).toThrow();
    writer.begin(Command.ECHO);
    expect(() => writer.begin(Command.ECHO)).toThrow();
    expect(() => server.writeOperationInit(new PvaMessageWriter(true), Command.GET, 1, STATUS_OK)).toThrow(TypeError);
  });
});

describe('addresses: 16 bytes in network order whatever the message order', () => {
  const roundTrip = (address: string) => {
    const writer = new ByteWriter(true);
    writeAddress(writer, address);
    const bytes = writer.take()!;
    return [bytes.toString('hex'), readAddress(new ByteReader(bytes, true))];
  };

  it.each([
    ['127.0.0.1', '00000000000000000000ffff7f000001', '127.0.0.1'],
    ['::ffff:10.1.2.3', '00000000000000000000ffff0a010203', '10.1.2.3'],
    ['::1', '00000000000000000000000000000001', '::1'],
    ['::', '00000000000000000000000000000000', '::'],
    ['FE80::0:0:1:2', 'fe800000000000000000000000010002', 'fe80::1:2'],
    ['2001:db8:0:1:0:0:0:1', '20010db8000000010000000000000001', '2001:db8:0:1::1'], // the longest zero run
  ])('%s', (address, bytes, read) => {
    expect(roundTrip(address)).toEqual([bytes, read]);
  });

  it('refuses what is not an address', () => {
    expect(() => roundTrip('localhost')).toThrow(TypeError);
    expect(() => roundTrip('1:2:3')).toThrow(TypeError);
    expect(() => roundTrip('1::2::3')).toThrow(TypeError);
  });

  it('knows the unspecified address in both families', () => {
    expect([isUnspecifiedAddress('0.0.0.0'), isUnspecifiedAddress('::'), isUnspecifiedAddress('127.0.0.1')]).toEqual([true, true, false]);
  });
});
