import { BitSet } from '../codec/bit-set';
import type { ByteWriter } from '../codec/byte-writer';
import { encodePartial, encodeSelectedBits } from '../codec/pvdata';
import type { PVStructure } from '../codec/pv-structure';
import { isSuccess, STATUS_OK, writeStatus, type Status } from '../codec/status';
import { encodeType, type FieldDesc } from '../codec/type-descriptor';
import { writeAddress } from './address';
import { Command, ControlCommand, Subcommand, type MessageTypeCode } from './constants';
import type { PvaMessageWriter } from './writer';

// Messages a server sends, written into a PvaMessageWriter in its byte order.

const GUID_SIZE = 12;
const NO_OVERRUN = new BitSet();
/** The "tcp" transport: plain pvAccess over TCP. */
export const TCP_PROTOCOL = 'tcp';

/** What identifies a server in beacons and search responses. */
export interface ServerIdentity {
  /** 12 random bytes, new at every start, by which clients notice a restart. */
  readonly guid: Uint8Array;
  /** Where clients connect; the unspecified address for "where this came from". */
  readonly address: string;
  readonly port: number;
  readonly protocol: string;
}

/** First on a new connection: tells the client the byte order to send in. */
export function writeSetByteOrder(writer: PvaMessageWriter): void {
  // 0: the client may rely on this order for everything we send (pvxs and pvAccessCPP send 0).
  writer.control(ControlCommand.SET_BYTE_ORDER, 0);
}

export interface ConnectionValidationRequest {
  readonly receiveBufferSize: number;
  readonly introspectionRegistryMaxSize: number;
  /** Authentication plugins offered. Old pvAccessCPP clients take the last one they know. */
  readonly authNZ: readonly string[];
}

export function writeConnectionValidation(writer: PvaMessageWriter, request: ConnectionValidationRequest): void {
  const body = writer.begin(Command.CONNECTION_VALIDATION);
  body.uint32(request.receiveBufferSize);
  body.uint16(request.introspectionRegistryMaxSize);
  body.size(request.authNZ.length);
  for (const name of request.authNZ) body.string(name);
  writer.end();
}

export function writeConnectionValidated(writer: PvaMessageWriter, status: Status = STATUS_OK): void {
  writeStatus(writer.begin(Command.CONNECTION_VALIDATED), status);
  writer.end();
}

export function writeEcho(writer: PvaMessageWriter, payload: Uint8Array): void {
  writer.begin(Command.ECHO).bytes(payload);
  writer.end();
}

export interface Beacon extends ServerIdentity {
  /** Counts beacons, wrapping at 256. */
  readonly sequenceId: number;
  /** Changes when the server's channels do, wrapping at 65536. */
  readonly changeCount: number;
}

export function writeBeacon(writer: PvaMessageWriter, beacon: Beacon): void {
  const body = writer.begin(Command.BEACON);
  writeGuid(body, beacon.guid);
  body.uint8(0); // flags, reserved
  body.uint8(beacon.sequenceId & 0xff);
  body.uint16(beacon.changeCount & 0xffff);
  writeAddress(body, beacon.address);
  body.uint16(beacon.port);
  body.string(beacon.protocol);
  encodeType(body, null); // no server status
  writer.end();
}

export interface SearchResponse extends ServerIdentity {
  readonly sequenceId: number;
  /** Whether the ids are of channels found (or, answering mustReply, not found). */
  readonly found: boolean;
  readonly searchInstanceIds: ArrayLike<number>;
}

export function writeSearchResponse(writer: PvaMessageWriter, response: SearchResponse): void {
  const body = writer.begin(Command.SEARCH_RESPONSE);
  writeGuid(body, response.guid);
  body.uint32(response.sequenceId);
  writeAddress(body, response.address);
  body.uint16(response.port);
  body.string(response.protocol);
  body.boolean(response.found);
  // A plain uint16 count, not a Size.
  body.uint16(response.searchInstanceIds.length);
  for (let i = 0; i < response.searchInstanceIds.length; i++) body.uint32(response.searchInstanceIds[i]!);
  writer.end();
}

function writeGuid(body: ByteWriter, guid: Uint8Array): void {
  if (guid.length !== GUID_SIZE) throw new RangeError(`a GUID has ${GUID_SIZE} bytes, not ${guid.length}`);
  body.bytes(guid);
}

/**
 * The answer to one channel of a CREATE_CHANNEL. No access rights follow the status: the
 * specification has a short there, but neither pvxs nor pvAccessCPP sends it, and their clients
 * do not read it.
 */
export function writeCreateChannel(writer: PvaMessageWriter, clientChannelId: number, serverChannelId: number, status: Status = STATUS_OK): void {
  const body = writer.begin(Command.CREATE_CHANNEL);
  body.uint32(clientChannelId);
  body.uint32(serverChannelId);
  writeStatus(body, status);
  writer.end();
}

/** The answer to a DESTROY_CHANNEL, and the server's own notice that a channel is gone. */
export function writeDestroyChannel(writer: PvaMessageWriter, serverChannelId: number, clientChannelId: number): void {
  const body = writer.begin(Command.DESTROY_CHANNEL);
  body.uint32(serverChannelId);
  body.uint32(clientChannelId);
  writer.end();
}

/**
 * The answer to a GET, PUT or MONITOR INIT: the status, then on success the type of the data the
 * operation will carry.
 */
export function writeOperationInit(writer: PvaMessageWriter, command: number, requestId: number, status: Status, type?: FieldDesc): void {
  const body = writer.begin(command);
  body.uint32(requestId);
  body.uint8(Subcommand.INIT);
  writeStatus(body, status);
  if (isSuccess(status)) {
    if (type === undefined) throw new TypeError('a successful INIT reply needs the type');
    encodeType(body, type, writer.typeRegistry);
  }
  writer.end();
}

/**
 * A reply that is only a status: a PUT done, a PROCESS done, or any operation that failed. The
 * subcommand is the request's.
 */
export function writeOperationStatus(writer: PvaMessageWriter, command: number, requestId: number, subcommand: number, status: Status): void {
  const body = writer.begin(command);
  body.uint32(requestId);
  body.uint8(subcommand);
  writeStatus(body, status);
  writer.end();
}

/**
 * A GET's data, or a get-put's (command PUT, subcommand with GET): OK, then the BitSet of the
 * fields both changed and selected, then those fields (see encodePartial).
 */
export function writeOperationData(
  writer: PvaMessageWriter,
  command: typeof Command.GET | typeof Command.PUT,
  requestId: number,
  subcommand: number,
  pv: PVStructure,
  changed: BitSet,
  selected?: BitSet,
): void {
  const body = writer.begin(command);
  body.uint32(requestId);
  body.uint8(subcommand);
  writeStatus(body, STATUS_OK);
  encodePartial(body, pv, changed, selected);
  writer.end();
}

/**
 * One monitor update: the changed BitSet and fields, then the overrun BitSet, the fields that
 * changed more than once since the last update (empty when not given).
 */
export function writeMonitorUpdate(writer: PvaMessageWriter, requestId: number, pv: PVStructure, changed: BitSet, selected?: BitSet, overrun?: BitSet): void {
  const body = writer.begin(Command.MONITOR);
  body.uint32(requestId);
  body.uint8(0);
  encodePartial(body, pv, changed, selected);
  encodeSelectedBits(body, pv.type, overrun ?? NO_OVERRUN, selected);
  writer.end();
}

/** The last message of a subscription, which releases its request id. */
export function writeMonitorFinish(writer: PvaMessageWriter, requestId: number, status: Status = STATUS_OK): void {
  writeOperationStatus(writer, Command.MONITOR, requestId, Subcommand.DESTROY, status);
}

export function writeGetField(writer: PvaMessageWriter, requestId: number, status: Status, type?: FieldDesc): void {
  const body = writer.begin(Command.GET_FIELD);
  body.uint32(requestId);
  writeStatus(body, status);
  if (isSuccess(status)) {
    if (type === undefined) throw new TypeError('a successful GET_FIELD reply needs the type');
    encodeType(body, type, writer.typeRegistry);
  }
  writer.end();
}

/** Text for the user about a request, such as a warning that an option was ignored. */
export function writeMessage(writer: PvaMessageWriter, requestId: number, type: MessageTypeCode, text: string): void {
  const body = writer.begin(Command.MESSAGE);
  body.uint32(requestId);
  body.uint8(type);
  body.string(text);
  writer.end();
}
