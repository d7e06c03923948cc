import { ByteWriter, Command, ControlCommand, encodeType, scalar, structure, Subcommand, type StructureDesc } from '../../src/pva/protocol';
import { FUZZ_PV_NAMES } from './fuzz-pvs';
import { appendNoise, changeBytes, type FuzzMessage, type MessageKind } from './messages';
import type { Random } from './random';
import type { FuzzProtocol } from './server-fuzz';

// pvAccess messages for the fuzzer, as test/fuzz/messages.ts makes CA's: valid client messages
// (made here from the protocol core's writer, as pvxs would send them), the same with fields
// changed (framing intact), with bytes changed (framing broken), and noise.

const HEADER = 8;
const PVA_COMMANDS = [1, 2, 3, 5, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22];
/** Ids near what the server hands out, so that many requests name a channel or operation that exists. */
const id = (random: Random) => (random.chance(0.9) ? 1 + random.below(8) : random.uint32());
/** The server's id of the channel of FUZZ_PV_NAMES[index]: the greeting creates them in order. */
const channelId = (random: Random) => (random.chance(0.9) ? 1 + random.below(FUZZ_PV_NAMES.length) : random.uint32());

const PV_REQUESTS: StructureDesc[] = [
  structure('', {}),
  structure('', { field: structure('', { value: structure('', {}) }) }),
  structure('', { field: structure('', { value: structure('', {}), alarm: structure('', {}), nope: structure('', {}) }) }),
  structure('', { record: structure('', { _options: structure('', { pipeline: scalar('string') }) }) }),
];

/** One message: the header (little-endian, from a client) and a body. */
function message(command: number, body: (writer: ByteWriter) => void, flags = 0x00): Buffer {
  const writer = new ByteWriter(true);
  for (const byte of [0xca, 2, flags, command]) writer.uint8(byte);
  writer.uint32(0);
  body(writer);
  writer.patchInt32(4, writer.length - HEADER);
  return Buffer.from(writer.take()!);
}

function connectionValidation(user: string): Buffer {
  return message(Command.CONNECTION_VALIDATION, (w) => {
    w.uint32(0x10000);
    w.uint16(0x7fff);
    w.uint16(0);
    w.string('ca');
    encodeType(w, structure('', { user: scalar('string'), host: scalar('string') }));
    w.string(user);
    w.string('fuzz-host');
  });
}

function createChannels(names: readonly string[], firstClientId: number): Buffer {
  return message(Command.CREATE_CHANNEL, (w) => {
    w.uint16(names.length);
    names.forEach((name, index) => {
      w.uint32(firstClientId + index);
      w.string(name);
    });
  });
}

/** A search, to a circuit or in a datagram. */
function search(random: Random, names: readonly string[]): Buffer {
  return message(Command.SEARCH, (w) => {
    w.uint32(random.uint32());
    w.uint8(random.chance(0.5) ? 0x01 : 0x00);
    for (let i = 0; i < 3; i++) w.uint8(0);
    for (let i = 0; i < 16; i++) w.uint8(0);
    w.uint16(0);
    const protocols = random.pick([[], ['tcp'], ['tls'], ['tcp', 'tls']]);
    w.size(protocols.length);
    for (const protocol of protocols) w.string(protocol);
    w.uint16(names.length);
    for (const name of names) {
      w.uint32(random.uint32());
      w.string(name);
    }
  });
}

/** An operation's INIT: channel, request id, subcommand INIT, a pvRequest (and nfree for a pipelined monitor). */
function init(random: Random, command: number): Buffer {
  const pipeline = command === Command.MONITOR && random.chance(0.5);
  return message(command, (w) => {
    w.uint32(channelId(random));
    w.uint32(id(random));
    w.uint8(Subcommand.INIT | (pipeline ? Subcommand.PIPELINE : 0));
    encodeType(w, random.pick(PV_REQUESTS));
    if (pipeline) w.uint32(random.below(8));
  });
}

/** A request on an operation after INIT: a GET, a PUT with a BitSet and random data, a MONITOR start/ack/stop. */
function operation(random: Random, command: number): Buffer {
  return message(command, (w) => {
    w.uint32(channelId(random));
    w.uint32(id(random));
    const subcommand = random.pick([0, Subcommand.GET, Subcommand.DESTROY, Subcommand.GET | Subcommand.START_STOP, Subcommand.START_STOP, Subcommand.PIPELINE]);
    w.uint8(subcommand);
    if (command === Command.PUT && (subcommand & Subcommand.GET) === 0) {
      // A BitSet naming field 1 (value) or some other, then what the value may be.
      w.size(1);
      w.uint8(random.pick([0x01, 0x02, 0x04, 0xff]));
      for (let i = random.below(16); i > 0; i--) w.uint8(random.below(256));
    } else if (command === Command.MONITOR && (subcommand & Subcommand.PIPELINE) !== 0) {
      w.uint32(random.below(16));
    }
  });
}

function validMessage(random: Random): Buffer {
  const name = random.pick(FUZZ_PV_NAMES);
  switch (random.below(14)) {
    case 0:
      return search(random, [name]);
    case 1:
      return createChannels([name], random.below(64));
    case 2:
      return message(Command.DESTROY_CHANNEL, (w) => {
        w.uint32(channelId(random));
        w.uint32(random.below(64));
      });
    case 3:
    case 4:
      return init(random, random.pick([Command.GET, Command.PUT, Command.MONITOR, Command.RPC, Command.PUT_GET]));
    case 5:
    case 6:
    case 7:
      return operation(random, random.pick([Command.GET, Command.PUT, Command.MONITOR]));
    case 8:
      return message(Command.GET_FIELD, (w) => {
        w.uint32(channelId(random));
        w.uint32(random.uint32());
        w.string(random.pick(['', 'value', 'alarm.severity', 'nope']));
      });
    case 9:
      return message(random.pick([Command.DESTROY_REQUEST, Command.CANCEL_REQUEST]), (w) => {
        w.uint32(channelId(random));
        w.uint32(id(random));
      });
    case 10:
      return message(Command.ECHO, (w) => w.bytes(random.bytes(random.below(16))));
    case 11: {
      const control = Buffer.alloc(HEADER);
      control.set([0xca, 2, 0x01, random.pick([ControlCommand.ECHO_REQUEST, ControlCommand.SET_MARKER, ControlCommand.SET_BYTE_ORDER])]);
      control.writeUInt32LE(random.uint32(), 4);
      return control;
    }
    case 12:
      return connectionValidation('fuzz');
    default:
      return message(Command.GET, (w) => {
        w.uint32(channelId(random));
        w.uint32(id(random));
        w.uint8(Subcommand.GET);
      });
  }
}

/** A valid message with its header or body fields changed, its size left alone so that framing holds. */
function changeFields(random: Random, bytes: Buffer): void {
  for (let changes = 1 + random.below(3); changes > 0; changes--) {
    switch (random.below(4)) {
      case 0:
        bytes[3] = random.chance(0.8) ? random.pick(PVA_COMMANDS) : random.below(256);
        break;
      case 1:
        // Byte order, segmentation and direction flags.
        bytes[2] = random.pick([0x00, 0x80, 0x10, 0x20, 0x30, 0x40, 0x01]);
        break;
      default:
        if (bytes.length > HEADER) bytes[HEADER + random.below(bytes.length - HEADER)] = random.below(256);
    }
  }
}

/** pvAccess's byte changes beside a flip and a cut: the payload size, noise. */
const pvaByteChanges = (random: Random): ReadonlyArray<(bytes: Buffer) => Buffer> => [
  (bytes) => {
    if (bytes.length >= HEADER) bytes.writeUInt32LE(random.chance(0.5) ? random.below(256) : random.uint32(), 4);
    return bytes;
  },
  appendNoise(random),
];

function noise(random: Random): Buffer {
  const bytes = random.bytes(random.below(80));
  if (bytes.length >= 4 && random.chance(0.5)) bytes.set([0xca, 2, 0x00, random.below(23)]);
  return bytes;
}

/** Makes pvAccess messages of every kind, for circuits and datagrams. */
export class PvaMessageSource {
  constructor(private readonly random: Random) {}

  next(kind: MessageKind): FuzzMessage {
    switch (kind) {
      case 'valid':
        return { kind, bytes: validMessage(this.random) };
      case 'fields': {
        const bytes = validMessage(this.random);
        changeFields(this.random, bytes);
        return { kind, bytes };
      }
      case 'bytes':
        return { kind, bytes: changeBytes(this.random, validMessage(this.random), pvaByteChanges(this.random)) };
      case 'random':
        return { kind, bytes: noise(this.random) };
    }
  }

  /**
   * What one connection sends: validation (mostly) and the fuzz channels, then valid and
   * field-changed messages, and sometimes a message that breaks the framing last.
   */
  stream(length: number): FuzzMessage[] {
    const messages: FuzzMessage[] = [];
    if (this.random.chance(0.95)) messages.push({ kind: 'valid', bytes: connectionValidation('fuzz') });
    messages.push({ kind: 'valid', bytes: createChannels(FUZZ_PV_NAMES, 0) });
    for (let i = 0; i < length; i++) messages.push(this.next(this.random.chance(0.5) ? 'valid' : 'fields'));
    if (this.random.chance(0.6)) messages.push(this.next(this.random.chance(0.7) ? 'bytes' : 'random'));
    return messages;
  }

  /** A search datagram: searches, valid or not. */
  datagram(): FuzzMessage[] {
    const messages: FuzzMessage[] = [];
    for (let i = 1 + this.random.below(4); i > 0; i--) {
      const roll = this.random.below(10);
      if (roll < 6) messages.push({ kind: 'valid', bytes: search(this.random, [this.random.pick(FUZZ_PV_NAMES)]) });
      else messages.push(this.next(roll < 8 ? 'fields' : roll < 9 ? 'bytes' : 'random'));
    }
    return messages;
  }
}

/** pvAccess for the networked fuzzer: the stream ends with an ECHO, which a v2 server answers with its payload. */
export function pvaFuzzProtocol(source: PvaMessageSource): FuzzProtocol {
  return {
    stream: (length) => source.stream(length),
    datagram: () => source.datagram(),
    closing: (marker) => message(Command.ECHO, (w) => w.bytes(marker)),
    answered(marker) {
      let pending = Buffer.alloc(0);
      return (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= HEADER) {
          const flags = pending[2]!;
          const size = (flags & 0x01) !== 0 ? 0 : (flags & 0x80) !== 0 ? pending.readUInt32BE(4) : pending.readUInt32LE(4);
          if (pending.length < HEADER + size) return false;
          if ((flags & 0x01) === 0 && pending[3] === Command.ECHO && pending.subarray(HEADER, HEADER + size).equals(marker)) return true;
          pending = pending.subarray(HEADER + size);
        }
        return false;
      };
    },
  };
}
