import { Command } from '../../../../src/ca/protocol/constants';
import { MessageFramer } from '../../../../src/ca/protocol/framer';
import { request } from '../../../helpers/raw-client';

describe('MessageFramer', () => {
  // Found by the fuzzer once a circuit stopped serving requests while its socket was full: the
  // bytes left over held whole messages, and joining them with the next chunk threw a RangeError.
  it('takes a chunk while whole messages are still left from the last one', () => {
    const echo = request(Command.ECHO, 0, 0, 0, 0);
    const readSync = request(Command.READ_SYNC, 0, 0, 0, 0);
    const framer = new MessageFramer();
    framer.push(Buffer.concat([echo, echo, readSync.subarray(0, 8)]));
    expect(framer.next()).toBe(true);
    framer.push(readSync.subarray(8));
    const commands: number[] = [];
    while (framer.next()) commands.push(framer.header.command);
    expect(commands).toEqual([Command.ECHO, Command.READ_SYNC]);
    expect(framer.buffered).toBe(0);
  });
});
