import { CA_MINOR_PROTOCOL_REVISION, Command, SearchReply, SEQUENCE_NUMBER_IS_VALID } from './constants';
import type { MessageWriter } from './writer';

// Messages a client sends, written into a MessageWriter as libca writes them (tcpiiu.cpp,
// udpiiu.cpp): for load generators, test clients and tools. The server's side is requests.ts.

/** Any request: the header, then `payload` padded with zeros to a multiple of 8 bytes. */
export function writeRequest(
  writer: MessageWriter,
  command: number,
  dataType: number,
  dataCount: number,
  parameter1: number,
  parameter2: number,
  payload?: Buffer,
): void {
  const offset = writer.begin(command, payload?.length ?? 0, dataType, dataCount, parameter1, parameter2);
  payload?.copy(writer.target, offset);
}

/** A request whose payload is a NUL-terminated name, padded to 8 bytes. */
function writeNamed(writer: MessageWriter, command: number, name: string, dataType: number, dataCount: number, parameter1: number, parameter2: number): void {
  const length = Buffer.byteLength(name, 'utf8');
  const offset = writer.begin(command, length + 1, dataType, dataCount, parameter1, parameter2);
  writer.target.write(name, offset, length, 'utf8');
  writer.target[offset + length] = 0;
}

/** The first message on a circuit: the client's priority (0..99) and minor version. */
export function writeVersionRequest(writer: MessageWriter, priority = 0): void {
  writer.begin(Command.VERSION, 0, priority, CA_MINOR_PROTOCOL_REVISION, 0, 0);
}

/** The first message of a search datagram: its sequence number, which the server echoes. */
export function writeDatagramVersionRequest(writer: MessageWriter, sequence: number): void {
  writer.begin(Command.VERSION, 0, SEQUENCE_NUMBER_IS_VALID, CA_MINOR_PROTOCOL_REVISION, sequence, 0);
}

/** SEARCH carries the search id twice; `replyFlag` DO_REPLY asks for NOT_FOUND when the name is unknown. */
export function writeSearchRequest(writer: MessageWriter, name: string, searchId: number, replyFlag: number = SearchReply.DONT_REPLY): void {
  writeNamed(writer, Command.SEARCH, name, replyFlag, CA_MINOR_PROTOCOL_REVISION, searchId, searchId);
}

/** CREATE_CHAN: the client's channel id, and its minor version where parameter 2 is otherwise unused. */
export function writeCreateChannelRequest(writer: MessageWriter, name: string, clientId: number): void {
  writeNamed(writer, Command.CREATE_CHAN, name, 0, 0, clientId, CA_MINOR_PROTOCOL_REVISION);
}

export function writeClientNameRequest(writer: MessageWriter, user: string): void {
  writeNamed(writer, Command.CLIENT_NAME, user, 0, 0, 0, 0);
}

export function writeHostNameRequest(writer: MessageWriter, host: string): void {
  writeNamed(writer, Command.HOST_NAME, host, 0, 0, 0, 0);
}

export function writeReadNotifyRequest(writer: MessageWriter, dataType: number, dataCount: number, serverId: number, ioid: number): void {
  writer.begin(Command.READ_NOTIFY, 0, dataType, dataCount, serverId, ioid);
}

/**
 * WRITE_NOTIFY, or WRITE when `notify` is false (no reply unless it fails): `dbr` holds the
 * value in `dataType`, big-endian.
 */
export function writeWriteRequest(
  writer: MessageWriter,
  dataType: number,
  dataCount: number,
  serverId: number,
  ioid: number,
  dbr: Buffer,
  notify = true,
): void {
  writeRequest(writer, notify ? Command.WRITE_NOTIFY : Command.WRITE, dataType, dataCount, serverId, ioid, dbr);
}

/** EVENT_ADD: the low, high and timeout floats libca sends as 0, then the DBE mask. */
export function writeEventAddRequest(writer: MessageWriter, dataType: number, dataCount: number, serverId: number, subscriptionId: number, mask: number): void {
  const offset = writer.begin(Command.EVENT_ADD, 16, dataType, dataCount, serverId, subscriptionId);
  writer.target.fill(0, offset, offset + 12);
  writer.target.writeUInt16BE(mask, offset + 12);
  writer.target.writeUInt16BE(0, offset + 14);
}

export function writeEventCancelRequest(writer: MessageWriter, dataType: number, dataCount: number, serverId: number, subscriptionId: number): void {
  writer.begin(Command.EVENT_CANCEL, 0, dataType, dataCount, serverId, subscriptionId);
}

export function writeClearChannelRequest(writer: MessageWriter, serverId: number, clientId: number): void {
  writer.begin(Command.CLEAR_CHANNEL, 0, 0, 0, serverId, clientId);
}

export function writeEchoRequest(writer: MessageWriter): void {
  writer.begin(Command.ECHO, 0, 0, 0, 0, 0);
}
