import * as client from '../../../../src/ca/protocol/client-requests';
import { Command, Dbe, SearchReply } from '../../../../src/ca/protocol/constants';
import { ProtocolError } from '../../../../src/ca/protocol/errors';
import { MessageFramer } from '../../../../src/ca/protocol/framer';
import { MessageWriter } from '../../../../src/ca/protocol/writer';

// Fixtures are written from the CA protocol specification's message tables (command, payload
// size, data type, data count, parameter 1, parameter 2; big-endian; payloads padded to 8) and
// from what libca's tcpiiu.cpp and udpiiu.cpp put in each field, not from our encoder.
const hex = (text: string) => Buffer.from(text.replace(/\s+|\/\/[^\n]*/g, ''), 'hex').toString('hex');
const written = (write: (writer: MessageWriter) => void) => {
  // A small, dirty buffer: padding must be zeroed and growth must keep what was written.
  const writer = new MessageWriter(8);
  writer.target.fill(0xee);
  write(writer);
  return writer.take()!.toString('hex');
};

describe('client requests', () => {
  it('VERSION on a circuit: priority in data type, minor version 13 in data count', () => {
    expect(written((w) => client.writeVersionRequest(w))).toBe(hex('0000 0000 0000 000d 00000000 00000000'));
    expect(written((w) => client.writeVersionRequest(w, 50))).toBe(hex('0000 0000 0032 000d 00000000 00000000'));
  });

  it('VERSION in a datagram: "sequence number valid" in data type, the sequence in parameter 1', () => {
    expect(written((w) => client.writeDatagramVersionRequest(w, 7))).toBe(hex('0000 0000 0001 000d 00000007 00000000'));
  });

  it('SEARCH: reply flag, minor version, the search id twice, the name padded to 8', () => {
    expect(written((w) => client.writeSearchRequest(w, 'PV:A', 5))).toBe(hex('0006 0008 0005 000d 00000005 00000005  50563a41 00 000000'));
    expect(written((w) => client.writeSearchRequest(w, 'ABCDEFGH', 0x10203, SearchReply.DO_REPLY))).toBe(
      hex('0006 0010 000a 000d 00010203 00010203  4142434445464748 00 00000000000000'),
    );
  });

  it('CREATE_CHAN: client channel id, minor version in parameter 2, the name', () => {
    expect(written((w) => client.writeCreateChannelRequest(w, 'PV:A', 1))).toBe(hex('0012 0008 0000 0000 00000001 0000000d  50563a41 00000000'));
  });

  it('CLIENT_NAME and HOST_NAME carry the name alone', () => {
    expect(written((w) => client.writeClientNameRequest(w, 'ioc'))).toBe(hex('0014 0008 0000 0000 00000000 00000000  696f6300 00000000'));
    expect(written((w) => client.writeHostNameRequest(w, 'host'))).toBe(hex('0015 0008 0000 0000 00000000 00000000  686f7374 00000000'));
  });

  it('READ_NOTIFY: type and count, server id, ioid', () => {
    expect(written((w) => client.writeReadNotifyRequest(w, 6, 1, 9, 3))).toBe(hex('000f 0000 0006 0001 00000009 00000003'));
  });

  it('WRITE_NOTIFY and WRITE carry the DBR, padded', () => {
    const double = Buffer.from('3ff8000000000000', 'hex'); // 1.5
    expect(written((w) => client.writeWriteRequest(w, 6, 1, 9, 4, double))).toBe(hex('0013 0008 0006 0001 00000009 00000004  3ff8000000000000'));
    expect(written((w) => client.writeWriteRequest(w, 5, 1, 9, 4, Buffer.from([0, 0, 0, 5]), false))).toBe(
      hex('0004 0008 0005 0001 00000009 00000004  00000005 00000000'),
    );
  });

  it('WRITE_NOTIFY of 70 000 elements uses the extended header', () => {
    const bytes = Buffer.from(
      written((w) => client.writeWriteRequest(w, 4, 70000, 9, 4, Buffer.alloc(70000, 1))),
      'hex',
    );
    expect(bytes.subarray(0, 24).toString('hex')).toBe(hex('0013 ffff 0004 0000 00000009 00000004  00011170 00011170'));
    expect(bytes.length).toBe(24 + 70000);
  });

  it('EVENT_ADD: three zero floats, the mask, a pad', () => {
    expect(written((w) => client.writeEventAddRequest(w, 20, 1, 9, 2, Dbe.VALUE | Dbe.ALARM))).toBe(
      hex('0001 0010 0014 0001 00000009 00000002  00000000 00000000 00000000 0005 0000'),
    );
  });

  it('EVENT_CANCEL, CLEAR_CHANNEL, ECHO', () => {
    expect(written((w) => client.writeEventCancelRequest(w, 20, 1, 9, 2))).toBe(hex('0002 0000 0014 0001 00000009 00000002'));
    expect(written((w) => client.writeClearChannelRequest(w, 9, 1))).toBe(hex('000c 0000 0000 0000 00000009 00000001'));
    expect(written((w) => client.writeEchoRequest(w))).toBe(hex('0017 0000 0000 0000 00000000 00000000'));
  });

  it('any request, for tests that send what no client would', () => {
    expect(written((w) => client.writeRequest(w, 0x4242, 1, 2, 3, 4, Buffer.from([0xab])))).toBe(
      hex('4242 0008 0001 0002 00000003 00000004  ab00000000000000'),
    );
  });

  it('several requests go out as one batch', () => {
    expect(
      written((w) => {
        client.writeVersionRequest(w);
        client.writeCreateChannelRequest(w, 'PV:A', 1);
      }),
    ).toBe(hex('0000 0000 0000 000d 00000000 00000000  0012 0008 0000 0000 00000001 0000000d 50563a41 00000000'));
  });
});

describe('framing server messages', () => {
  const accessRights = Buffer.from(hex('0016 0000 0000 0000 00000001 00000003'), 'hex');
  const createChan = Buffer.from(hex('0012 0000 0006 0001 00000001 00000009'), 'hex');
  const readReply = Buffer.from(hex('000f 0008 0006 0001 00000001 00000002  4045000000000000'), 'hex'); // 42.0

  const frameAll = (framer: MessageFramer) => {
    const seen: { command: number; parameter2: number; payload: string }[] = [];
    while (framer.next()) seen.push({ command: framer.header.command, parameter2: framer.header.parameter2, payload: framer.payload().toString('hex') });
    return seen;
  };

  it('frames messages split across chunks at every byte', () => {
    const bytes = Buffer.concat([accessRights, createChan, readReply]);
    for (let cut = 1; cut < bytes.length; cut++) {
      for (let secondCut = cut; secondCut < bytes.length; secondCut += 7) {
        const framer = new MessageFramer();
        const seen: ReturnType<typeof frameAll> = [];
        for (const part of [bytes.subarray(0, cut), bytes.subarray(cut, secondCut), bytes.subarray(secondCut)]) {
          framer.push(part);
          seen.push(...frameAll(framer));
        }
        expect(seen).toEqual([
          { command: Command.ACCESS_RIGHTS, parameter2: 3, payload: '' },
          { command: Command.CREATE_CHAN, parameter2: 9, payload: '' },
          { command: Command.READ_NOTIFY, parameter2: 2, payload: '4045000000000000' },
        ]);
        expect(framer.buffered).toBe(0);
      }
    }
  });

  it('leaves the payload in place, so it can be read without a copy', () => {
    const framer = new MessageFramer();
    framer.push(Buffer.concat([createChan, readReply]));
    framer.next();
    expect(framer.next()).toBe(true);
    expect(framer.buffer.readDoubleBE(framer.payloadOffset)).toBe(42);
    expect(framer.header).toEqual({ command: 15, payloadSize: 8, dataType: 6, dataCount: 1, parameter1: 1, parameter2: 2 });
  });

  it('keeps earlier payload views intact as more bytes arrive', () => {
    const framer = new MessageFramer();
    framer.push(Buffer.concat([readReply, readReply.subarray(0, 20)]));
    framer.next();
    const first = framer.payload();
    framer.push(readReply.subarray(20));
    expect(framer.next()).toBe(true);
    expect(first.readDoubleBE(0)).toBe(42);
    expect(framer.payload().readDoubleBE(0)).toBe(42);
  });

  it('frames a stream of waveform replies cut into chunks of any size', () => {
    const reply = (ioid: number) =>
      Buffer.concat([Buffer.from(hex(`000f 1388 0004 1388 00000001 ${ioid.toString(16).padStart(8, '0')}`), 'hex'), Buffer.alloc(5000, ioid)]);
    const stream = Buffer.concat(Array.from({ length: 40 }, (_, i) => reply(i + 1)));
    for (const chunkSize of [1, 15, 16, 17, 5015, 5016, 5017, 65536]) {
      const framer = new MessageFramer(8192);
      const payloads: Buffer[] = [];
      for (let offset = 0; offset < stream.length; offset += chunkSize) {
        framer.push(stream.subarray(offset, offset + chunkSize));
        while (framer.next()) payloads.push(framer.payload());
      }
      expect(payloads.map((payload) => [payload.length, payload[0], payload[4999]])).toEqual(Array.from({ length: 40 }, (_, i) => [5000, i + 1, i + 1]));
      expect(framer.buffered).toBe(0);
    }
  });

  it('frames the extended header of a large reply', () => {
    const framer = new MessageFramer();
    const header = Buffer.from(hex('000f ffff 0004 0000 00000001 00000002  00011170 00011170'), 'hex');
    framer.push(header);
    framer.push(Buffer.alloc(0x11170 - 1, 7));
    expect(framer.next()).toBe(false);
    framer.push(Buffer.from([7]));
    expect(framer.next()).toBe(true);
    expect(framer.header).toMatchObject({ payloadSize: 70000, dataCount: 70000 });
    expect(framer.payload().length).toBe(70000);
  });

  it('splits a search reply datagram: VERSION with the sequence, then SEARCH with the port', () => {
    const framer = new MessageFramer();
    framer.push(Buffer.from(hex('0000 0000 0000 000d 00000007 00000000  0006 0008 13c8 0000 ffffffff 00000005  000d 000000000000'), 'hex'));
    expect(framer.next()).toBe(true);
    expect(framer.header).toMatchObject({ command: Command.VERSION, parameter1: 7 });
    expect(framer.next()).toBe(true);
    expect(framer.header).toMatchObject({ command: Command.SEARCH, dataType: 5064, parameter1: 0xffffffff, parameter2: 5 });
    expect(framer.payload().readUInt16BE(0)).toBe(13);
    expect(framer.next()).toBe(false);
  });

  it('refuses a payload above its limit', () => {
    const framer = new MessageFramer(16);
    framer.push(Buffer.from(hex('000f 0100 0006 0001 00000001 00000002'), 'hex'));
    expect(() => framer.next()).toThrow(ProtocolError);
  });
});
