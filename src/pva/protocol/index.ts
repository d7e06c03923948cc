// The sans-I/O pvAccess protocol core: bytes in, typed client messages out; server messages and
// pvData values written into buffers. No sockets, no timers.

export { ProtocolError } from './errors';

export { BitSet } from './codec/bit-set';
export { ByteReader } from './codec/byte-reader';
export { ByteWriter, type NumericArray } from './codec/byte-writer';
export { errorStatus, isSuccess, readStatus, STATUS_OK, StatusType, writeStatus, type Status } from './codec/status';
export * from './codec/type-descriptor';
export * from './codec/pv-structure';
export * from './codec/pvdata';
export * from './codec/normative-types';
export * from './pv-request';

export { isUnspecifiedAddress, readAddress, UNSPECIFIED_ADDRESS, writeAddress } from './messages/address';
export * from './messages/constants';
export type * from './messages/client-messages';
export { decodeClientMessage } from './messages/client-messages';
export { emptyHeader, readHeader, type PvaHeader } from './messages/header';
export { MessageFramer } from './messages/framer';
export { decodeDatagram, PvaCircuitReader } from './messages/reader';
export * from './messages/server-messages';
export { PvaMessageWriter } from './messages/writer';
