import { Command, Eca } from '../../../../src/ca/protocol/constants';
import { ProtocolError } from '../../../../src/ca/protocol/errors';
import { emptyHeader, readHeader, writeHeader } from '../../../../src/ca/protocol/header';
import { CircuitReader, DatagramReader } from '../../../../src/ca/protocol/reader';
import * as replies from '../../../../src/ca/protocol/replies';
import { MessageWriter } from '../../../../src/ca/protocol/writer';

// Fixtures are written from the CA protocol specification's message tables (command, payload
// size, data type, data count, parameter 1, parameter 2; big-endian), not from our encoder.
const hex = (text: string) => Buffer.from(text.replace(/\s+|\/\/[^\n]*/g, ''), 'hex');
const written = (write: (writer: MessageWriter) => void) => {
  const writer = new MessageWriter(64);
  write(writer);
  return writer.take()!.toString('hex');
};

describe('header', () => {
  it('reads a 16-byte header', () => {
    const header = emptyHeader();
    const length = readHeader(hex('000f 0000 0006 0001 00000007 00000009'), 0, 16, header);
    expect(length).toBe(16);
    expect(header).toEqual({ command: 15, payloadSize: 0, dataType: 6, dataCount: 1, parameter1: 7, parameter2: 9 });
  });

  it('reads the extended 24-byte header that 0xFFFF announces', () => {
    const header = emptyHeader();
    const bytes = hex('0001 ffff 0004 0000 00000001 00000002  00010010 00010000');
    expect(readHeader(bytes, 0, 24, header)).toBe(24);
    expect(header.payloadSize).toBe(0x10010);
    expect(header.dataCount).toBe(0x10000);
    expect(readHeader(bytes, 0, 20, header)).toBe(0);
  });

  it('writes and reads the 32-bit parameters whole, the top bit included (ids are unsigned)', () => {
    const target = Buffer.alloc(24);
    expect(writeHeader(target, 0, 0xfffe, 8, 0xabcd, 0x1234, 0xffffffff, 0x80000001)).toBe(16);
    expect(target.subarray(0, 16)).toEqual(hex('fffe 0008 abcd 1234 ffffffff 80000001'));
    const header = emptyHeader();
    expect(readHeader(target, 0, 16, header)).toBe(16);
    expect(header).toEqual({ command: 0xfffe, payloadSize: 8, dataType: 0xabcd, dataCount: 0x1234, parameter1: 0xffffffff, parameter2: 0x80000001 });
    expect(writeHeader(target, 0, 1, 0x12345678, 6, 0x9abcdef0, 1, 2)).toBe(24);
    expect(readHeader(target, 0, 24, header)).toBe(24);
    expect(header).toMatchObject({ payloadSize: 0x12345678, dataCount: 0x9abcdef0 });
  });

  it('writes the extended header when the count reaches 0xFFFF', () => {
    const writer = new MessageWriter();
    const offset = writer.begin(Command.READ_NOTIFY, 0xffff, 4, 0xffff, 1, 2);
    expect(offset).toBe(24);
    expect(writer.target.subarray(0, 24).toString('hex')).toBe('000fffff000400000000000100000002' + '00010000' + '0000ffff');
    expect(writer.size).toBe(24 + 0x10000);
  });
});

describe('server messages', () => {
  it('VERSION carries priority and minor version 13', () => {
    expect(written((w) => replies.writeVersion(w))).toBe('0000 0000 0000 000d 00000000 00000000'.replace(/ /g, ''));
  });

  it('UDP search reply: port in data type, 0xFFFFFFFF address, search id, minor version payload padded to 8', () => {
    expect(written((w) => replies.writeSearchReply(w, 5064, replies.ADDRESS_OF_SENDER, 0x1234))).toBe(
      hex('0006 0008 13c8 0000 ffffffff 00001234  000d 000000000000').toString('hex'),
    );
  });

  it('ACCESS_RIGHTS, CREATE_CHAN, CREATE_CH_FAIL, SERVER_DISCONN', () => {
    expect(written((w) => replies.writeAccessRights(w, 5, 3))).toBe(hex('0016 0000 0000 0000 00000005 00000003').toString('hex'));
    expect(written((w) => replies.writeCreateChannel(w, 6, 1, 5, 9))).toBe(hex('0012 0000 0006 0001 00000005 00000009').toString('hex'));
    expect(written((w) => replies.writeCreateChannelFail(w, 5))).toBe(hex('001a 0000 0000 0000 00000005 00000000').toString('hex'));
    expect(written((w) => replies.writeServerDisconnect(w, 5))).toBe(hex('001b 0000 0000 0000 00000005 00000000').toString('hex'));
  });

  it('ERROR echoes the request header and a NUL-terminated message', () => {
    const request = { command: 15, payloadSize: 0, dataType: 99, dataCount: 1, parameter1: 4, parameter2: 77 };
    expect(written((w) => replies.writeError(w, request, 5, Eca.BADTYPE, 'bad'))).toBe(
      hex(`000b 0018 0000 0000 00000005 00000072
           000f 0000 0063 0001 00000004 0000004d
           626164 00 00000000`).toString('hex'),
    );
  });

  it('beacon: minor version, port, sequence, address', () => {
    expect(written((w) => replies.writeBeacon(w, 5064, 3, 0x7f000001))).toBe(hex('000d 0000 000d 13c8 00000003 7f000001').toString('hex'));
  });

  it('WRITE_NOTIFY reply carries the status in parameter 1', () => {
    const request = { command: 19, payloadSize: 8, dataType: 6, dataCount: 1, parameter1: 4, parameter2: 8 };
    expect(written((w) => replies.writeWriteNotify(w, request, Eca.PUTFAIL))).toBe(hex('0013 0000 0006 0001 000000a0 00000008').toString('hex'));
  });
});

describe('circuit reader', () => {
  const createChan = hex('0012 0008 0000 0000 00000001 0000000d  50563a4100000000'); // "PV:A"
  const readNotify = hex('000f 0000 0006 0001 00000001 00000002');

  it('frames requests split across chunks at every byte', () => {
    const bytes = Buffer.concat([createChan, readNotify]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const reader = new CircuitReader(1024);
      const seen: number[] = [];
      reader.push(bytes.subarray(0, cut));
      for (let r = reader.next(); r; r = reader.next()) seen.push(r.command);
      reader.push(bytes.subarray(cut));
      for (let r = reader.next(); r; r = reader.next()) seen.push(r.command);
      expect(seen).toEqual([Command.CREATE_CHAN, Command.READ_NOTIFY]);
    }
  });

  it('decodes CREATE_CHAN, EVENT_ADD and WRITE_NOTIFY fields', () => {
    const reader = new CircuitReader(1024);
    reader.push(createChan);
    reader.push(hex('0001 0010 000e 0001 00000003 00000004  00000000 00000000 00000000 0005 0000'));
    reader.push(hex('0013 0008 0006 0001 00000003 00000009  4045000000000000'));
    expect(reader.next()).toMatchObject({ command: Command.CREATE_CHAN, clientId: 1, minorVersion: 13, name: 'PV:A' });
    expect(reader.next()).toMatchObject({ command: Command.EVENT_ADD, dataType: 14, dataCount: 1, serverId: 3, subscriptionId: 4, mask: 5 });
    const write = reader.next();
    expect(write).toMatchObject({ command: Command.WRITE_NOTIFY, serverId: 3, ioid: 9 });
    expect(write?.command === Command.WRITE_NOTIFY && write.payload.readDoubleBE(0)).toBe(42);
    expect(reader.next()).toBeUndefined();
  });

  it('keeps a WRITE_NOTIFY whole while later requests are read, as it is answered after them', () => {
    const reader = new CircuitReader(1024);
    reader.push(hex('0013 0008 0006 0001 00000003 00000009  4045000000000000'));
    reader.push(readNotify);
    reader.push(createChan);
    const write = reader.next();
    expect(reader.next()).toMatchObject({ command: Command.READ_NOTIFY, ioid: 2 });
    expect(reader.next()).toMatchObject({ command: Command.CREATE_CHAN, name: 'PV:A' });
    expect(write).toMatchObject({ command: Command.WRITE_NOTIFY, ioid: 9, header: { command: Command.WRITE_NOTIFY, parameter2: 9 } });
    expect(write?.command === Command.WRITE_NOTIFY && write.payload.readDoubleBE(0)).toBe(42);
  });

  it('refuses a payload above the limit and an unknown command', () => {
    const reader = new CircuitReader(16);
    reader.push(hex('0004 0100 0006 0001 00000001 00000002'));
    expect(() => reader.next()).toThrow(ProtocolError);
    const other = new CircuitReader(16);
    other.push(hex('00ff 0000 0000 0000 00000000 00000000'));
    expect(() => other.next()).toThrow(/unknown command 255/);
  });

  it('refuses CREATE_CHAN without a name', () => {
    const reader = new CircuitReader(64);
    reader.push(hex('0012 0008 0000 0000 00000001 0000000d 0000000000000000'));
    expect(() => reader.next()).toThrow(ProtocolError);
  });
});

describe('search datagrams', () => {
  const messages = (reader: DatagramReader) => {
    const read: { command: number; sequence: number; name?: string }[] = [];
    while (reader.next()) {
      const { command, parameter1 } = reader.header;
      read.push(command === Command.SEARCH ? { command, sequence: parameter1, name: reader.searchName() } : { command, sequence: parameter1 });
    }
    return read;
  };

  it('reads each message in place: VERSION, SEARCH and any other command', () => {
    const reader = new DatagramReader();
    reader.read(
      hex(`0000 0000 0000 000d 00000007 00000000
           0006 0008 0005 000d 00000011 00000011 50563a4100000000
           000d 0000 000d 13c8 00000001 7f000001`),
    );
    expect(messages(reader)).toEqual([
      { command: Command.VERSION, sequence: 7 },
      { command: Command.SEARCH, sequence: 0x11, name: 'PV:A' },
      { command: Command.RSRV_IS_UP, sequence: 1 },
    ]);
    // The reader starts afresh on the next datagram.
    reader.read(hex('0006 0008 0005 000d 00000012 00000012 50563a4200000000'));
    expect(messages(reader)).toEqual([{ command: Command.SEARCH, sequence: 0x12, name: 'PV:B' }]);
  });

  it('refuses a truncated datagram, and a SEARCH without a name', () => {
    const reader = new DatagramReader();
    reader.read(hex('0006 0010 0005 000d 00000011 00000011 50563a41'));
    expect(() => reader.next()).toThrow(ProtocolError);
    reader.read(hex('0006 0008 0005 000d 00000011 00000011 0000000000000000'));
    expect(reader.next()).toBe(true);
    expect(() => reader.searchName()).toThrow(ProtocolError);
  });

  it('reads a name that fills its payload without a NUL', () => {
    const reader = new DatagramReader();
    reader.read(hex('0006 0008 0005 000d 00000011 00000011 50563a4142434445 0000 0000 0000 0000 00000000 00000000'));
    expect(reader.next()).toBe(true);
    expect(reader.searchName()).toBe('PV:ABCDE');
  });
});
