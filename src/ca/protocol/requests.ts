import { Command } from './constants';
import { ProtocolError } from './errors';
import type { MessageHeader } from './header';

// Messages a client sends to a server, decoded. Every request keeps its header, because an
// ERROR reply echoes the request that failed.

interface Request<C extends number> {
  readonly command: C;
  readonly header: MessageHeader;
}

export interface VersionRequest extends Request<typeof Command.VERSION> {
  priority: number;
  minorVersion: number;
  /** UDP only: the sequence number of the datagram, echoed in the server's VERSION. */
  sequence: number;
}
export interface SearchRequest extends Request<typeof Command.SEARCH> {
  name: string;
  /** SearchReply.DO_REPLY when the client wants NOT_FOUND back. */
  replyFlag: number;
  minorVersion: number;
  searchId: number;
}
export interface EventAddRequest extends Request<typeof Command.EVENT_ADD> {
  dataType: number;
  dataCount: number;
  serverId: number;
  subscriptionId: number;
  mask: number;
}
export interface EventCancelRequest extends Request<typeof Command.EVENT_CANCEL> {
  dataType: number;
  dataCount: number;
  serverId: number;
  subscriptionId: number;
}
export interface ReadRequest extends Request<typeof Command.READ | typeof Command.READ_NOTIFY> {
  dataType: number;
  dataCount: number;
  serverId: number;
  ioid: number;
}
export interface WriteRequest extends Request<typeof Command.WRITE | typeof Command.WRITE_NOTIFY> {
  dataType: number;
  dataCount: number;
  serverId: number;
  ioid: number;
  payload: Buffer;
}
export interface ClearChannelRequest extends Request<typeof Command.CLEAR_CHANNEL> {
  serverId: number;
  clientId: number;
}
export interface CreateChannelRequest extends Request<typeof Command.CREATE_CHAN> {
  clientId: number;
  minorVersion: number;
  name: string;
}
export interface NameRequest extends Request<typeof Command.CLIENT_NAME | typeof Command.HOST_NAME> {
  name: string;
}
export interface EchoRequest extends Request<typeof Command.ECHO> {
  payload: Buffer;
}
export type BareRequest = Request<typeof Command.EVENTS_OFF | typeof Command.EVENTS_ON | typeof Command.READ_SYNC>;

export type ClientRequest =
  | VersionRequest
  | SearchRequest
  | EventAddRequest
  | EventCancelRequest
  | ReadRequest
  | WriteRequest
  | ClearChannelRequest
  | CreateChannelRequest
  | NameRequest
  | EchoRequest
  | BareRequest;

/** The text of a NUL-terminated, padded string payload. */
export function payloadString(payload: Buffer): string {
  return textBetween(payload, 0, payload.length);
}

/** The NUL-terminated text in `source` from `start`, at most up to `end`. */
function textBetween(source: Buffer, start: number, end: number): string {
  const nul = source.indexOf(0, start);
  return source.toString('utf8', start, nul === -1 || nul > end ? end : nul);
}

/** The name a SEARCH or CREATE_CHAN carries between `start` and `end` of `source`; an empty one is a protocol error. */
export function nameBetween(source: Buffer, start: number, end: number, what: string): string {
  const name = textBetween(source, start, end);
  if (name.length === 0) throw new ProtocolError(`${what} with an empty name`);
  return name;
}

function requireName(payload: Buffer, what: string): string {
  return nameBetween(payload, 0, payload.length, what);
}

/** Decodes one client request from its header and payload (a view of exactly payloadSize bytes). */
export function decodeRequest(header: MessageHeader, payload: Buffer): ClientRequest {
  const h = { ...header };
  switch (header.command) {
    case Command.VERSION:
      return {
        command: Command.VERSION,
        header: h,
        priority: header.dataType,
        minorVersion: header.dataCount,
        sequence: header.parameter1,
      };
    case Command.SEARCH:
      return {
        command: Command.SEARCH,
        header: h,
        name: requireName(payload, 'SEARCH'),
        replyFlag: header.dataType,
        minorVersion: header.dataCount,
        searchId: header.parameter1,
      };
    case Command.EVENT_ADD:
      // Clients before 4.13 may send the 12 bytes of low/high/to without the mask's padding.
      if (payload.length < 14) throw new ProtocolError(`EVENT_ADD payload of ${payload.length} bytes`);
      return {
        command: Command.EVENT_ADD,
        header: h,
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        subscriptionId: header.parameter2,
        mask: payload.readUInt16BE(12),
      };
    case Command.EVENT_CANCEL:
      return {
        command: Command.EVENT_CANCEL,
        header: h,
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        subscriptionId: header.parameter2,
      };
    case Command.READ:
    case Command.READ_NOTIFY:
      return {
        command: header.command,
        header: h,
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        ioid: header.parameter2,
      };
    case Command.WRITE:
    case Command.WRITE_NOTIFY:
      return {
        command: header.command,
        header: h,
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        ioid: header.parameter2,
        payload,
      };
    case Command.EVENTS_OFF:
    case Command.EVENTS_ON:
    case Command.READ_SYNC:
      return { command: header.command, header: h };
    case Command.CLEAR_CHANNEL:
      return { command: Command.CLEAR_CHANNEL, header: h, serverId: header.parameter1, clientId: header.parameter2 };
    case Command.CREATE_CHAN:
      return {
        command: Command.CREATE_CHAN,
        header: h,
        clientId: header.parameter1,
        minorVersion: header.parameter2,
        name: requireName(payload, 'CREATE_CHAN'),
      };
    case Command.CLIENT_NAME:
    case Command.HOST_NAME:
      return { command: header.command, header: h, name: payloadString(payload) };
    case Command.ECHO:
      return { command: Command.ECHO, header: h, payload };
    default:
      throw new ProtocolError(`unknown command ${header.command}`);
  }
}
