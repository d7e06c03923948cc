import {
  writeClearChannelRequest,
  writeClientNameRequest,
  writeCreateChannelRequest,
  writeDatagramVersionRequest,
  writeEchoRequest,
  writeEventAddRequest,
  writeEventCancelRequest,
  writeHostNameRequest,
  writeReadNotifyRequest,
  writeRequest,
  writeSearchRequest,
  writeVersionRequest,
  writeWriteRequest,
} from '../../src/ca/protocol/client-requests';
import { Command, SearchReply } from '../../src/ca/protocol/constants';
import { dbrPayloadSize } from '../../src/ca/protocol/dbr';
import { MessageWriter } from '../../src/ca/protocol/writer';
import { FUZZ_PV_NAMES } from './fuzz-pvs';
import type { Random } from './random';

// Messages for the fuzzer: valid requests from the client-side encoder, the same with header
// fields changed (framing intact), the same with bytes changed (framing broken), and noise.

export type MessageKind = 'valid' | 'fields' | 'bytes' | 'random';

export interface FuzzMessage {
  kind: MessageKind;
  bytes: Buffer;
}

/** The server hands out ids from 1 in the order of the greeting's CREATE_CHANs. */
const WAVE_SERVER_ID = FUZZ_PV_NAMES.indexOf('FUZZ:WAVE') + 1;
const REQUEST_COMMANDS = [0, 1, 2, 3, 4, 6, 8, 9, 10, 12, 15, 18, 19, 20, 21, 23];
/** Writable DBR types: the plain ones and PUT_ACKT/PUT_ACKS. */
const WRITE_TYPES = [0, 1, 2, 3, 4, 5, 6, 35, 36];
/** Ids near what the server hands out, so that many requests name a channel that exists. */
const id = (random: Random) => (random.chance(0.9) ? random.below(8) : random.uint32());
const count = (random: Random) => (random.chance(0.8) ? random.below(4) : random.pick([0xffff, 0x10000, 70000, 0x7fffffff, 0xffffffff]));
const readType = (random: Random) => (random.chance(0.9) ? random.below(39) : random.below(0x10000));

/** One valid request of any kind. */
function writeValidRequest(random: Random, writer: MessageWriter): void {
  const name = random.pick(FUZZ_PV_NAMES);
  switch (random.below(12)) {
    case 0:
      return writeVersionRequest(writer, random.below(100));
    case 1:
      return writeSearchRequest(writer, name, random.uint32(), random.pick([SearchReply.DO_REPLY, SearchReply.DONT_REPLY]));
    case 2:
      return writeCreateChannelRequest(writer, name, random.below(16));
    case 3:
      return writeReadNotifyRequest(writer, random.below(39), random.below(3), id(random), random.uint32());
    case 4: {
      const type = random.pick(WRITE_TYPES);
      const elements = 1 + random.below(3);
      const dbr = random.bytes(type >= 35 ? 2 : dbrPayloadSize(type, elements));
      return writeWriteRequest(writer, type, elements, id(random), random.uint32(), dbr, random.chance(0.5));
    }
    case 5:
      return writeEventAddRequest(writer, random.below(39), random.below(3), id(random), random.below(16), random.below(16));
    case 6:
      return writeEventCancelRequest(writer, random.below(39), random.below(3), id(random), random.below(16));
    case 7:
      return writeClearChannelRequest(writer, id(random), random.below(16));
    case 8:
      return random.chance(0.5) ? writeClientNameRequest(writer, 'fuzz') : writeHostNameRequest(writer, 'fuzz-host');
    case 9:
      return writeEchoRequest(writer);
    case 10:
      return writeRequest(writer, random.pick([Command.EVENTS_OFF, Command.EVENTS_ON, Command.READ_SYNC]), 0, 0, 0, 0);
    default:
      if (random.chance(0.9)) return writeReadNotifyRequest(writer, random.below(39), 0, id(random), random.uint32());
      // A large write, which needs the extended header.
      return writeWriteRequest(writer, 4, 70000, id(random), random.uint32(), Buffer.alloc(70000, random.below(256)), true);
  }
}

/** A valid request with its header fields changed, its size left alone so that framing holds. */
function changeFields(random: Random, bytes: Buffer): void {
  const extended = bytes.readUInt16BE(2) === 0xffff;
  for (let changes = 1 + random.below(3); changes > 0; changes--) {
    switch (random.below(5)) {
      case 0:
        bytes.writeUInt16BE(random.chance(0.8) ? random.pick(REQUEST_COMMANDS) : random.below(0x10000), 0);
        break;
      case 1:
        bytes.writeUInt16BE(readType(random), 4);
        break;
      case 2:
        if (extended) bytes.writeUInt32BE(count(random), 20);
        else bytes.writeUInt16BE(Math.min(count(random), 0xfffe), 6);
        break;
      case 3:
        bytes.writeUInt32BE(id(random), 8);
        break;
      default:
        bytes.writeUInt32BE(id(random), 12);
    }
  }
}

/**
 * A valid message with bytes changed, 1 to 3 times: a bit flipped, the end cut off, or one of
 * `changes` (a protocol's size fields and header, noise appended). For CA and pvAccess.
 */
export function changeBytes(random: Random, original: Buffer, changes: ReadonlyArray<(bytes: Buffer) => Buffer>): Buffer {
  let bytes: Buffer = Buffer.from(original);
  for (let count = 1 + random.below(3); count > 0; count--) {
    const roll = random.below(2 + changes.length);
    if (roll === 0) {
      const at = random.below(bytes.length);
      const bit = 1 << random.below(8);
      // Past the end of an emptied message, as a Buffer does, nothing changes.
      if (at < bytes.length) bytes[at] = bytes.readUInt8(at) ^ bit;
    } else if (roll === 1) bytes = bytes.subarray(0, random.below(bytes.length));
    else bytes = changes[roll - 2]!(bytes);
  }
  return bytes;
}

/** Noise appended to a message. */
export const appendNoise = (random: Random) => (bytes: Buffer) => Buffer.concat([bytes, random.bytes(random.below(40))]);

/** CA's byte changes beside a flip and a cut: the payload size, an extended header announcing a huge payload, noise, the command. */
const caByteChanges = (random: Random): ReadonlyArray<(bytes: Buffer) => Buffer> => [
  (bytes) => {
    if (bytes.length >= 4) bytes.writeUInt16BE(random.chance(0.5) ? random.below(0x10000) : random.below(64), 2);
    return bytes;
  },
  (bytes) => {
    const header = Buffer.alloc(24);
    bytes.copy(header, 0, 0, Math.min(16, bytes.length));
    header.writeUInt16BE(0xffff, 2);
    header.writeUInt32BE(random.pick([0, 8, 0x10000, 0x7fffffff, 0xffffffff, random.uint32()]), 16);
    header.writeUInt32BE(count(random), 20);
    return Buffer.concat([header, bytes.subarray(16)]);
  },
  appendNoise(random),
  (bytes) => {
    if (bytes.length >= 2) bytes.writeUInt16BE(random.below(0x10000), 0);
    return bytes;
  },
];

function noise(random: Random): Buffer {
  const bytes = random.bytes(random.below(80));
  if (bytes.length >= 2 && random.chance(0.5)) bytes.writeUInt16BE(random.below(28), 0);
  return bytes;
}

/** Makes messages of every kind; `take` hands each out as its own buffer. */
export class MessageSource {
  private readonly writer = new MessageWriter(128 * 1024);

  constructor(private readonly random: Random) {}

  valid(): Buffer {
    writeValidRequest(this.random, this.writer);
    return this.writer.take()!;
  }

  next(kind: MessageKind): FuzzMessage {
    switch (kind) {
      case 'valid':
        return { kind, bytes: this.valid() };
      case 'fields': {
        const bytes = Buffer.from(this.valid());
        changeFields(this.random, bytes);
        return { kind, bytes };
      }
      case 'bytes':
        return { kind, bytes: changeBytes(this.random, this.valid(), caByteChanges(this.random)) };
      case 'random':
        return { kind, bytes: noise(this.random) };
    }
  }

  /**
   * What one circuit sends: the greeting and channels, then valid and field-changed requests,
   * and, sometimes, a message that breaks the framing last (nothing after it would be read).
   */
  stream(length: number): FuzzMessage[] {
    const messages: FuzzMessage[] = [];
    const greeting = this.writer;
    writeVersionRequest(greeting);
    writeClientNameRequest(greeting, 'fuzz');
    writeHostNameRequest(greeting, 'fuzz-host');
    for (const [index, name] of FUZZ_PV_NAMES.entries()) writeCreateChannelRequest(greeting, name, index);
    messages.push({ kind: 'valid', bytes: greeting.take()! });
    for (let i = 0; i < length; i++) messages.push(this.next(this.random.chance(0.5) ? 'valid' : 'fields'));
    if (this.random.chance(0.03)) messages.push(...this.readBurst());
    if (this.random.chance(0.6)) messages.push(this.next(this.random.chance(0.7) ? 'bytes' : 'random'));
    return messages;
  }

  /** A thousand reads of the whole array as DBR_DOUBLE: 16 bytes each that ask for 560 kB of replies. */
  private readBurst(): FuzzMessage[] {
    writeReadNotifyRequest(this.writer, 6, 70000, WAVE_SERVER_ID, this.random.uint32());
    const bytes = this.writer.take()!;
    return Array.from({ length: 1000 }, () => ({ kind: 'valid', bytes }));
  }

  /** A search datagram: VERSION with a sequence number, then searches, valid or not. */
  datagram(): FuzzMessage[] {
    writeDatagramVersionRequest(this.writer, this.random.uint32());
    const messages: FuzzMessage[] = [{ kind: 'valid', bytes: this.writer.take()! }];
    for (let i = 1 + this.random.below(8); i > 0; i--) {
      const roll = this.random.below(10);
      if (roll < 6) {
        writeSearchRequest(this.writer, this.random.pick(FUZZ_PV_NAMES), this.random.uint32(), SearchReply.DO_REPLY);
        messages.push({ kind: 'valid', bytes: this.writer.take()! });
      } else {
        messages.push(this.next(roll < 8 ? 'fields' : roll < 9 ? 'bytes' : 'random'));
      }
    }
    return messages;
  }
}

/** Bytes as hex, for a failure report that reproduces without the generator. */
export const hex = (bytes: Buffer) => bytes.toString('hex');

/** Cuts bytes into chunks at random places, as TCP may deliver them. */
export function chunks(random: Random, bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const size = random.chance(0.3) ? 1 + random.below(24) : 1 + random.below(4096);
    parts.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return parts;
}
