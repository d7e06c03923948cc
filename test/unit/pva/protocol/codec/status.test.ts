import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import { errorStatus, isSuccess, readStatus, STATUS_OK, StatusType, writeStatus, type Status } from '../../../../../src/pva/protocol/codec/status';
import { ProtocolError } from '../../../../../src/pva/protocol/errors';
import { hex, text } from '../fixtures';

// Status examples of the specification ("Meta Data: Status").

const encode = (status: Status) => {
  const writer = new ByteWriter(true);
  writeStatus(writer, status);
  return writer.take()!.toString('hex');
};

describe('Status', () => {
  it.each([
    ['OK: the one-byte shortcut -1', STATUS_OK, 'ff'],
    ['WARNING "Low memory"', { type: StatusType.WARNING, message: 'Low memory', callTree: '' }, `01 0a ${text('Low memory')} 00`],
    ['ERROR with a call tree', errorStatus('Failed', 'at x'), `02 06 ${text('Failed')} 04 ${text('at x')}`],
    ['OK with a message: no shortcut', { type: StatusType.OK, message: 'hi', callTree: '' }, `00 02 ${text('hi')} 00`],
  ] as [string, Status, string][])('%s', (_name, status, bytes) => {
    expect(encode(status)).toBe(hex(bytes).toString('hex'));
    expect(readStatus(new ByteReader(hex(bytes), true))).toEqual(status);
  });

  it('takes OK and WARNING for success', () => {
    expect([StatusType.OK, StatusType.WARNING, StatusType.ERROR, StatusType.FATAL].map((type) => isSuccess({ type, message: '', callTree: '' }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('refuses a type past FATAL', () => {
    expect(() => readStatus(new ByteReader(hex('04 00 00'), true))).toThrow(ProtocolError);
  });
});
