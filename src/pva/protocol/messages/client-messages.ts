import { ProtocolError } from '../errors';
import type { ByteReader } from '../codec/byte-reader';
import { decodeValue } from '../codec/pvdata';
import { PVStructure, type VariantValue } from '../codec/pv-structure';
import { VARIANT_UNION, type TypeCache } from '../codec/type-descriptor';
import { readAddress } from './address';
import { Command, SearchFlag, Subcommand } from './constants';

// Messages a client sends to a server, decoded from one payload. Ids are as the specification
// names them: the client's channel id, the server's, and the request id (pvxs's ioid).

export interface SearchedChannel {
  readonly searchInstanceId: number;
  readonly name: string;
}

/** CMD_SEARCH, over UDP or TCP. */
export interface SearchRequest {
  readonly kind: 'search';
  readonly sequenceId: number;
  /** Answer even when no channel is found (pvlist's server discovery relies on it). */
  readonly mustReply: boolean;
  readonly unicast: boolean;
  /** Where to send the response; the unspecified address means the sender's. */
  readonly replyAddress: string;
  readonly replyPort: number;
  /** Transports the client accepts ("tcp", "tls"); empty for any. */
  readonly protocols: readonly string[];
  readonly channels: readonly SearchedChannel[];
}

/** CMD_ORIGIN_TAG: prefixes a search that a local peer forwarded, with where it first arrived. */
export interface OriginTag {
  readonly kind: 'originTag';
  readonly forwarderAddress: string;
}

/** The client's CMD_CONNECTION_VALIDATION: its buffer sizes and chosen authentication. */
export interface ConnectionValidationResponse {
  readonly kind: 'connectionValidation';
  readonly receiveBufferSize: number;
  readonly introspectionRegistryMaxSize: number;
  readonly qos: number;
  /** The plugin chosen: "anonymous", "ca", "x509"... */
  readonly authNZ: string;
  readonly authData: VariantValue | null;
  /** The "ca" plugin's user and host, which access security rules go by. */
  readonly user: string | undefined;
  readonly host: string | undefined;
}

export interface AuthNZMessage {
  readonly kind: 'authNZ';
  readonly data: VariantValue | null;
}

export interface CreateChannelRequest {
  readonly kind: 'createChannel';
  readonly channels: readonly { readonly clientChannelId: number; readonly name: string }[];
}

export interface DestroyChannelRequest {
  readonly kind: 'destroyChannel';
  readonly serverChannelId: number;
  readonly clientChannelId: number;
}

interface OperationRequest {
  readonly serverChannelId: number;
  readonly requestId: number;
  readonly subcommand: number;
}

interface InitRequest extends OperationRequest {
  /** Null when the client sent no pvRequest (a NULL type). */
  readonly pvRequest: PVStructure | null;
}

export interface GetInitRequest extends InitRequest {
  readonly kind: 'getInit';
}

export interface GetRequest extends OperationRequest {
  readonly kind: 'get';
  readonly destroy: boolean;
}

export interface PutInitRequest extends InitRequest {
  readonly kind: 'putInit';
}

export interface PutRequest extends OperationRequest {
  readonly kind: 'put';
  readonly destroy: boolean;
  /** A "get-put": the client asks for the current value instead of writing one. */
  readonly getPut: boolean;
  /**
   * The BitSet and fields to write (empty for a get-put), left undecoded because their type is
   * the operation's: PvaCircuitReader.decodePutData reads them.
   */
  readonly data: Buffer;
  readonly littleEndian: boolean;
}

export interface MonitorInitRequest extends InitRequest {
  readonly kind: 'monitorInit';
  /** The client uses pipeline flow control (subcommand 0x80). */
  readonly pipeline: boolean;
  /** With pipeline: how many updates the server may send before an acknowledgement. */
  readonly nfree: number;
}

export interface MonitorRequest extends OperationRequest {
  readonly kind: 'monitor';
  /** Pipeline acknowledgement: how many more updates the client can take; 0 when none. */
  readonly ack: number;
  /** true: start, false: stop, undefined: neither. */
  readonly start: boolean | undefined;
  readonly destroy: boolean;
}

/** PUT_GET, ARRAY, PROCESS, RPC: decoded only far enough to answer and keep the type cache right. */
export interface UnsupportedOperationRequest extends OperationRequest {
  readonly kind: 'unsupportedOperation';
  readonly command: number;
  readonly init: boolean;
}

export interface GetFieldRequest {
  readonly kind: 'getField';
  readonly serverChannelId: number;
  readonly requestId: number;
  /** The sub-field whose type is asked for; empty for the whole channel. */
  readonly subField: string;
}

export interface DestroyRequest {
  readonly kind: 'destroyRequest';
  readonly serverChannelId: number;
  readonly requestId: number;
}

export interface CancelRequest {
  readonly kind: 'cancelRequest';
  readonly serverChannelId: number;
  readonly requestId: number;
}

export interface EchoRequest {
  readonly kind: 'echo';
  readonly payload: Buffer;
}

/** A control message: its command and the value its size field carries. */
export interface ControlMessage {
  readonly kind: 'control';
  readonly command: number;
  readonly value: number;
}

export type ClientMessage =
  | SearchRequest
  | OriginTag
  | ConnectionValidationResponse
  | AuthNZMessage
  | CreateChannelRequest
  | DestroyChannelRequest
  | GetInitRequest
  | GetRequest
  | PutInitRequest
  | PutRequest
  | MonitorInitRequest
  | MonitorRequest
  | UnsupportedOperationRequest
  | GetFieldRequest
  | DestroyRequest
  | CancelRequest
  | EchoRequest
  | ControlMessage;

/**
 * Decodes one application message from its payload; undefined for a command a client has no
 * business sending a server, which pvxs ignores too. `cache` holds the types the client defined
 * on this connection. Throws ProtocolError.
 */
export function decodeClientMessage(command: number, reader: ByteReader, cache: TypeCache): ClientMessage | undefined {
  switch (command) {
    case Command.SEARCH:
      return decodeSearch(reader);
    case Command.CONNECTION_VALIDATION:
      return decodeConnectionValidation(reader, cache);
    case Command.AUTHNZ:
      return { kind: 'authNZ', data: decodeVariant(reader, cache) };
    case Command.ECHO:
      return { kind: 'echo', payload: reader.bytes(reader.remaining) };
    case Command.CREATE_CHANNEL:
      return decodeCreateChannel(reader);
    case Command.DESTROY_CHANNEL:
      return { kind: 'destroyChannel', serverChannelId: reader.uint32(), clientChannelId: reader.uint32() };
    case Command.GET:
    case Command.PUT:
    case Command.MONITOR:
    case Command.PUT_GET:
    case Command.ARRAY:
    case Command.PROCESS:
    case Command.RPC:
      return decodeOperation(command, reader, cache);
    case Command.GET_FIELD:
      return { kind: 'getField', serverChannelId: reader.uint32(), requestId: reader.uint32(), subField: reader.string() };
    case Command.DESTROY_REQUEST:
      return { kind: 'destroyRequest', serverChannelId: reader.uint32(), requestId: reader.uint32() };
    case Command.CANCEL_REQUEST:
      return { kind: 'cancelRequest', serverChannelId: reader.uint32(), requestId: reader.uint32() };
    case Command.ORIGIN_TAG:
      return decodeOriginTag(reader);
    default:
      return undefined;
  }
}

export function decodeSearch(reader: ByteReader): SearchRequest {
  const sequenceId = reader.uint32();
  const flags = reader.uint8();
  reader.bytes(3); // reserved
  const replyAddress = readAddress(reader);
  const replyPort = reader.uint16();
  const protocolCount = reader.size();
  reader.need(protocolCount, `${protocolCount} protocols`);
  const protocols = Array.from({ length: protocolCount }, () => reader.string());
  // A plain uint16, not a Size, so that a client can count channels in place as it adds them.
  const channelCount = reader.uint16();
  reader.need(channelCount * 5, `${channelCount} channels`);
  const channels = Array.from({ length: channelCount }, () => ({
    searchInstanceId: reader.uint32(),
    name: reader.string(),
  }));
  return {
    kind: 'search',
    sequenceId,
    mustReply: (flags & SearchFlag.MUST_REPLY) !== 0,
    unicast: (flags & SearchFlag.UNICAST) !== 0,
    replyAddress,
    replyPort,
    protocols,
    channels,
  };
}

export function decodeOriginTag(reader: ByteReader): OriginTag {
  return { kind: 'originTag', forwarderAddress: readAddress(reader) };
}

function decodeConnectionValidation(reader: ByteReader, cache: TypeCache): ConnectionValidationResponse {
  const receiveBufferSize = reader.uint32();
  const introspectionRegistryMaxSize = reader.uint16();
  const qos = reader.uint16();
  const authNZ = reader.string();
  const authData = decodeVariant(reader, cache);
  const credentials = authNZ === 'ca' && authData?.value instanceof PVStructure ? authData.value : undefined;
  return {
    kind: 'connectionValidation',
    receiveBufferSize,
    introspectionRegistryMaxSize,
    qos,
    authNZ,
    authData,
    user: credentials === undefined ? undefined : stringField(credentials, 'user'),
    host: credentials === undefined ? undefined : stringField(credentials, 'host'),
  };
}

function stringField(pv: PVStructure, name: string): string | undefined {
  const bit = pv.type.offsets.get(name);
  const value = bit === undefined ? undefined : pv.values[bit];
  return typeof value === 'string' ? value : undefined;
}

function decodeCreateChannel(reader: ByteReader): CreateChannelRequest {
  // A plain uint16 count, as in SEARCH.
  const count = reader.uint16();
  reader.need(count * 5, `${count} channels`);
  const channels = Array.from({ length: count }, () => ({ clientChannelId: reader.uint32(), name: reader.string() }));
  if (channels.some((channel) => channel.name === '')) throw new ProtocolError('CREATE_CHANNEL with an empty name');
  return { kind: 'createChannel', channels };
}

function decodeOperation(command: number, reader: ByteReader, cache: TypeCache): ClientMessage {
  const serverChannelId = reader.uint32();
  const requestId = reader.uint32();
  const subcommand = reader.uint8();
  const ids = { serverChannelId, requestId, subcommand };
  const init = (subcommand & Subcommand.INIT) !== 0;
  const destroy = (subcommand & Subcommand.DESTROY) !== 0;
  const pvRequest = init ? decodePvRequest(reader, cache) : null;
  switch (command) {
    case Command.GET:
      return init ? { kind: 'getInit', ...ids, pvRequest } : { kind: 'get', ...ids, destroy };
    case Command.PUT: {
      if (init) return { kind: 'putInit', ...ids, pvRequest };
      const data = reader.bytes(reader.remaining);
      const getPut = (subcommand & Subcommand.GET) !== 0;
      return { kind: 'put', ...ids, destroy, getPut, data, littleEndian: reader.littleEndian };
    }
    case Command.MONITOR: {
      const pipeline = (subcommand & Subcommand.PIPELINE) !== 0;
      const nfree = pipeline ? reader.uint32() : 0;
      if (init) return { kind: 'monitorInit', ...ids, pvRequest, pipeline, nfree };
      const start = (subcommand & Subcommand.START_STOP) !== 0 ? (subcommand & Subcommand.GET) !== 0 : undefined;
      return { kind: 'monitor', ...ids, ack: nfree, start, destroy };
    }
    default:
      // An RPC's arguments carry a type, which may define a cache entry later messages use.
      if (command === Command.RPC && !init) decodeVariant(reader, cache);
      return { kind: 'unsupportedOperation', command, ...ids, init };
  }
}

function decodePvRequest(reader: ByteReader, cache: TypeCache): PVStructure | null {
  const request = decodeVariant(reader, cache);
  if (request === null) return null;
  if (!(request.value instanceof PVStructure)) throw new ProtocolError(`pvRequest of type ${request.type.kind}`);
  return request.value;
}

/** FieldDesc then PVField, which is how a variant union is encoded. */
function decodeVariant(reader: ByteReader, cache: TypeCache): VariantValue | null {
  return decodeValue(reader, VARIANT_UNION, cache) as VariantValue | null;
}
