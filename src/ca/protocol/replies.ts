import { Command, CA_MINOR_PROTOCOL_REVISION, SEQUENCE_NUMBER_IS_VALID } from './constants';
import { writeHeader, type MessageHeader } from './header';
import type { MessageWriter } from './writer';

// Messages a server sends, written into a MessageWriter. Data replies (READ, READ_NOTIFY,
// EVENT_ADD) are written by the caller with `writer.begin` and the DBR encoder, so that the
// payload goes straight into the outgoing buffer.

/** Search replies carry this in place of an address: "use the address this reply came from". */
export const ADDRESS_OF_SENDER = 0xffffffff;

export function writeVersion(writer: MessageWriter, priority = 0, sequence = 0): void {
  writer.begin(Command.VERSION, 0, priority, CA_MINOR_PROTOCOL_REVISION, sequence, 0);
}

/**
 * The VERSION ahead of UDP search replies: it gives back the sequence number of the search
 * datagram they answer (`undefined` for a client older than CA 4.11, which sends none), with
 * which libca tells replies to its latest searches from late ones when it times its searches.
 */
export function writeDatagramVersion(writer: MessageWriter, sequence: number | undefined): void {
  writer.begin(Command.VERSION, 0, sequence === undefined ? 0 : SEQUENCE_NUMBER_IS_VALID, CA_MINOR_PROTOCOL_REVISION, sequence ?? 0, 0);
}

/** UDP search reply: the TCP port in data_type, the server's minor version as a 2-byte payload. */
export function writeSearchReply(writer: MessageWriter, tcpPort: number, serverAddress: number, searchId: number): void {
  const offset = writer.begin(Command.SEARCH, 2, tcpPort, 0, serverAddress, searchId);
  writer.target.writeUInt16BE(CA_MINOR_PROTOCOL_REVISION, offset);
}

/** TCP search reply, as rsrv sends it: no payload. */
export function writeTcpSearchReply(writer: MessageWriter, tcpPort: number, searchId: number): void {
  writer.begin(Command.SEARCH, 0, tcpPort, 0, ADDRESS_OF_SENDER, searchId);
}

export function writeNotFound(writer: MessageWriter, request: MessageHeader): void {
  writer.begin(Command.NOT_FOUND, 0, request.dataType, request.dataCount, request.parameter1, request.parameter2);
}

export function writeAccessRights(writer: MessageWriter, clientId: number, rights: number): void {
  writer.begin(Command.ACCESS_RIGHTS, 0, 0, 0, clientId, rights);
}

export function writeCreateChannel(writer: MessageWriter, nativeType: number, nativeCount: number, clientId: number, serverId: number): void {
  writer.begin(Command.CREATE_CHAN, 0, nativeType, nativeCount, clientId, serverId);
}

export function writeCreateChannelFail(writer: MessageWriter, clientId: number): void {
  writer.begin(Command.CREATE_CH_FAIL, 0, 0, 0, clientId, 0);
}

export function writeServerDisconnect(writer: MessageWriter, clientId: number): void {
  writer.begin(Command.SERVER_DISCONN, 0, 0, 0, clientId, 0);
}

export function writeClearChannel(writer: MessageWriter, serverId: number, clientId: number): void {
  writer.begin(Command.CLEAR_CHANNEL, 0, 0, 0, serverId, clientId);
}

/** Confirms EVENT_CANCEL: an EVENT_ADD with no payload, echoing the subscription. */
export function writeEventCancelled(writer: MessageWriter, request: MessageHeader): void {
  writer.begin(Command.EVENT_ADD, 0, request.dataType, request.dataCount, request.parameter1, request.parameter2);
}

/** The end of a WRITE_NOTIFY: parameter1 carries the ECA status. */
export function writeWriteNotify(writer: MessageWriter, request: MessageHeader, status: number): void {
  writer.begin(Command.WRITE_NOTIFY, 0, request.dataType, request.dataCount, status, request.parameter2);
}

export function writeEcho(writer: MessageWriter, request: MessageHeader, payload: Buffer): void {
  const offset = writer.begin(Command.ECHO, payload.length, request.dataType, request.dataCount, request.parameter1, request.parameter2);
  payload.copy(writer.target, offset);
}

export function writeReadSync(writer: MessageWriter, request: MessageHeader): void {
  writer.begin(Command.READ_SYNC, 0, request.dataType, request.dataCount, request.parameter1, request.parameter2);
}

/**
 * ERROR: the failed request's header, then a NUL-terminated message. parameter1 is the client's
 * channel id where the request concerned a channel.
 */
export function writeError(writer: MessageWriter, request: MessageHeader, clientId: number, status: number, message: string): void {
  const text = Buffer.from(message, 'utf8');
  const extended = request.payloadSize >= 0xffff || request.dataCount >= 0xffff;
  const echoed = extended ? 24 : 16;
  const offset = writer.begin(Command.ERROR, echoed + text.length + 1, 0, 0, clientId, status);
  const target = writer.target;
  writeHeader(target, offset, request.command, request.payloadSize, request.dataType, request.dataCount, request.parameter1, request.parameter2);
  text.copy(target, offset + echoed);
  target[offset + echoed + text.length] = 0;
}

/** RSRV_IS_UP: minor version in data_type, TCP port in data_count, sequence, server address. */
export function writeBeacon(writer: MessageWriter, tcpPort: number, sequence: number, serverAddress: number): void {
  writer.begin(Command.RSRV_IS_UP, 0, CA_MINOR_PROTOCOL_REVISION, tcpPort, sequence, serverAddress);
}
