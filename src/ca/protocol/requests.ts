import { Command } from './constants';
import { ProtocolError } from './errors';
import type { MessageHeader } from './header';

// Messages a client sends to a server, decoded. Every request keeps its header, because an
// ERROR reply echoes the request that failed.

interface Request<C extends number> {
  readonly command: C;
  /**
   * The reader's own header, valid until it decodes the next request: a request is served before
   * that. Only WRITE and WRITE_NOTIFY, answered when their processing ends, carry a copy (and are
   * objects of their own: see RequestSlots).
   */
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

type Filled<T> = { -readonly [Key in keyof T]: T[Key] };

/**
 * The request objects of the commands a client sends by the thousand when it connects to many
 * channels (CREATE_CHAN, then READ_NOTIFY), filled again for each: one set per reader, each valid,
 * as the header it holds, until the next request is decoded.
 */
export class RequestSlots {
  readonly createChannel: Filled<CreateChannelRequest>;
  readonly read: Filled<ReadRequest>;

  constructor(header: MessageHeader) {
    this.createChannel = { command: Command.CREATE_CHAN, header, clientId: 0, minorVersion: 0, name: '' };
    this.read = { command: Command.READ_NOTIFY, header, dataType: 0, dataCount: 0, serverId: 0, ioid: 0 };
  }
}

/**
 * Decodes one client request from `header` (the one `slots` were made with) and its payload, bytes
 * `start` to `end` of `source`. Most requests are made of the header alone; a payload view is made
 * only for those that keep one (WRITE, ECHO), names are read in place, and the commonest requests
 * are filled into `slots`: a client connecting thousands of channels sends thousands of
 * CREATE_CHANs and READ_NOTIFYs, and each object made here would be garbage a moment later.
 */
export function decodeRequest(header: MessageHeader, source: Buffer, start: number, end: number, slots: RequestSlots): ClientRequest {
  switch (header.command) {
    case Command.VERSION:
      return {
        command: Command.VERSION,
        header,
        priority: header.dataType,
        minorVersion: header.dataCount,
        sequence: header.parameter1,
      };
    case Command.SEARCH:
      return {
        command: Command.SEARCH,
        header,
        name: nameBetween(source, start, end, 'SEARCH'),
        replyFlag: header.dataType,
        minorVersion: header.dataCount,
        searchId: header.parameter1,
      };
    case Command.EVENT_ADD:
      // Clients before 4.13 may send the 12 bytes of low/high/to without the mask's padding.
      if (end - start < 14) throw new ProtocolError(`EVENT_ADD payload of ${end - start} bytes`);
      return {
        command: Command.EVENT_ADD,
        header,
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        subscriptionId: header.parameter2,
        mask: (source[start + 12]! << 8) | source[start + 13]!,
      };
    case Command.EVENT_CANCEL:
      return {
        command: Command.EVENT_CANCEL,
        header,
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        subscriptionId: header.parameter2,
      };
    case Command.READ:
    case Command.READ_NOTIFY: {
      const read = slots.read;
      read.command = header.command;
      read.dataType = header.dataType;
      read.dataCount = header.dataCount;
      read.serverId = header.parameter1;
      read.ioid = header.parameter2;
      return read;
    }
    case Command.WRITE:
    case Command.WRITE_NOTIFY:
      return {
        command: header.command,
        // Answered when the processing the write started has finished, after later requests.
        header: { ...header },
        dataType: header.dataType,
        dataCount: header.dataCount,
        serverId: header.parameter1,
        ioid: header.parameter2,
        payload: source.subarray(start, end),
      };
    case Command.EVENTS_OFF:
    case Command.EVENTS_ON:
    case Command.READ_SYNC:
      return { command: header.command, header };
    case Command.CLEAR_CHANNEL:
      return { command: Command.CLEAR_CHANNEL, header, serverId: header.parameter1, clientId: header.parameter2 };
    case Command.CREATE_CHAN: {
      const create = slots.createChannel;
      create.name = nameBetween(source, start, end, 'CREATE_CHAN');
      create.clientId = header.parameter1;
      create.minorVersion = header.parameter2;
      return create;
    }
    case Command.CLIENT_NAME:
    case Command.HOST_NAME:
      return { command: header.command, header, name: textBetween(source, start, end) };
    case Command.ECHO:
      return { command: Command.ECHO, header, payload: source.subarray(start, end) };
    default:
      throw new ProtocolError(`unknown command ${header.command}`);
  }
}
