import { ProtocolError } from '../../../../../src/pva/protocol/errors';
import { MessageFramer } from '../../../../../src/pva/protocol/messages/framer';
import { emptyHeader, readHeader } from '../../../../../src/pva/protocol/messages/header';
import { hex, text } from '../fixtures';

// The 8-byte header (magic 0xCA, version, flags, command, size in the byte order of flags bit 7)
// and segmentation (flags bits 5-4: 01 first, 11 middle, 10 last; control messages may come
// between segments).

describe('header', () => {
  it('reads the size in the order the flags announce', () => {
    const header = emptyHeader();
    readHeader(hex('ca 02 00 07 0b000000'), 0, header); // little-endian client message
    expect(header).toEqual({ version: 2, flags: 0x00, command: 7, payloadSize: 11 });
    readHeader(hex('ca 01 c0 07 0000000b'), 0, header); // big-endian (0x80) server (0x40) message
    expect(header).toEqual({ version: 1, flags: 0xc0, command: 7, payloadSize: 11 });
  });

  it('refuses anything but the magic byte', () => {
    expect(() => readHeader(hex('cb 02 00 07 00000000'), 0, emptyHeader())).toThrow(ProtocolError);
  });
});

// CREATE_CHANNEL for "PV:A" (little-endian): count 1, client channel id 1, name.
const CREATE_PAYLOAD = hex('0100 01000000', `04 ${text('PV:A')}`);

const SEGMENTED_STREAM = hex(
  'ca 02 10 07 04000000', // first segment (bits 5-4 = 01) of CREATE_CHANNEL, 4 bytes
  CREATE_PAYLOAD.subarray(0, 4).toString('hex'),
  'ca 02 01 00 10000000', // control message (bit 0) SET_MARKER, value 16, no payload
  'ca 02 30 07 04000000', // middle segment (11)
  CREATE_PAYLOAD.subarray(4, 8).toString('hex'),
  'ca 02 20 07 03000000', // last segment (10)
  CREATE_PAYLOAD.subarray(8).toString('hex'),
  'ca 02 00 08 08000000 05000000 01000000', // DESTROY_CHANNEL, not segmented
);

const frameAll = (framer: MessageFramer, chunks: Buffer[]) => {
  const messages: { flags: number; command: number; payloadSize: number; payload: string }[] = [];
  for (const chunk of chunks) {
    framer.push(chunk);
    while (framer.next()) messages.push({ ...framer.header, payload: framer.payload.toString('hex') });
  }
  return messages.map(({ flags, command, payloadSize, payload }) => ({ flags, command, payloadSize, payload }));
};

describe('segmentation', () => {
  const expected = [
    { flags: 0x01, command: 0, payloadSize: 16, payload: '' },
    { flags: 0x00, command: 7, payloadSize: 11, payload: CREATE_PAYLOAD.toString('hex') },
    { flags: 0x00, command: 8, payloadSize: 8, payload: '0500000001000000' },
  ];

  it('joins segments, passing a control message between them, with the stream cut at every byte', () => {
    for (let cut = 0; cut <= SEGMENTED_STREAM.length; cut++) {
      const chunks = [SEGMENTED_STREAM.subarray(0, cut), SEGMENTED_STREAM.subarray(cut)];
      expect(frameAll(new MessageFramer(), chunks)).toEqual(expected);
    }
  });

  it('joins segments fed one byte at a time', () => {
    const bytes = Array.from(SEGMENTED_STREAM, (byte) => Buffer.of(byte));
    const framer = new MessageFramer();
    expect(frameAll(framer, bytes)).toEqual(expected);
    expect(framer.buffered).toBe(0);
  });

  it('keeps the byte order and command of the first segment', () => {
    const stream = hex('ca 02 90 07 00000002 0001', 'ca 02 a0 07 00000001 00'); // big-endian first, last
    expect(frameAll(new MessageFramer(), [stream])).toEqual([{ flags: 0x80, command: 7, payloadSize: 3, payload: '000100' }]);
  });

  it.each([
    ['a middle segment without a first', 'ca 02 30 07 00000000'],
    ['a last segment without a first', 'ca 02 20 07 00000000'],
    ['a whole message between segments', 'ca 02 10 07 00000000 ca 02 00 08 00000000'],
    ['a first segment after a first', 'ca 02 10 07 00000000 ca 02 10 07 00000000'],
    ['a segment of another command', 'ca 02 10 07 00000000 ca 02 20 08 00000000'],
    ['version 0', 'ca 00 00 07 00000000'],
  ])('refuses %s', (_name, bytes) => {
    expect(() => frameAll(new MessageFramer(), [hex(bytes)])).toThrow(ProtocolError);
  });

  it('bounds the joined size, not only each segment', () => {
    expect(() => frameAll(new MessageFramer(10), [SEGMENTED_STREAM])).toThrow(/11 bytes exceeds the limit of 10/);
    expect(() => frameAll(new MessageFramer(10), [hex('ca 02 00 07 0b000000')])).toThrow(ProtocolError);
  });
});
