// Numbers fixed by the pvAccess protocol (pvAccess protocol specification, pvxs pvaproto.h).

export const PVA_MAGIC = 0xca;
/** The protocol version this core speaks and puts in its headers. */
export const PVA_VERSION = 2;
export const HEADER_SIZE = 8;

export const DEFAULT_SERVER_PORT = 5075;
export const DEFAULT_BROADCAST_PORT = 5076;

/** Bits of the header's flags byte. */
export const Flag = {
  CONTROL: 0x01,
  /** Bits 5-4 tell a segment apart: first 01, middle 11, last 10, none 00. */
  SEGMENT_MASK: 0x30,
  SEGMENT_FIRST: 0x10,
  SEGMENT_LAST: 0x20,
  SEGMENT_MIDDLE: 0x30,
  SERVER: 0x40,
  BIG_ENDIAN: 0x80,
} as const;

/** Application message commands. */
export const Command = {
  BEACON: 0,
  CONNECTION_VALIDATION: 1,
  ECHO: 2,
  SEARCH: 3,
  SEARCH_RESPONSE: 4,
  AUTHNZ: 5,
  ACL_CHANGE: 6,
  CREATE_CHANNEL: 7,
  DESTROY_CHANNEL: 8,
  CONNECTION_VALIDATED: 9,
  GET: 10,
  PUT: 11,
  PUT_GET: 12,
  MONITOR: 13,
  ARRAY: 14,
  DESTROY_REQUEST: 15,
  PROCESS: 16,
  GET_FIELD: 17,
  MESSAGE: 18,
  MULTIPLE_DATA: 19,
  RPC: 20,
  CANCEL_REQUEST: 21,
  ORIGIN_TAG: 22,
} as const;
export type CommandCode = (typeof Command)[keyof typeof Command];

/** Control message commands; their header's size field carries a value and no payload follows. */
export const ControlCommand = {
  SET_MARKER: 0,
  ACK_MARKER: 1,
  SET_BYTE_ORDER: 2,
  ECHO_REQUEST: 3,
  ECHO_RESPONSE: 4,
} as const;

/** Bits of an operation's subcommand byte. */
export const Subcommand = {
  /** MONITOR: start (with GET) or stop (without) the subscription. */
  START_STOP: 0x04,
  INIT: 0x08,
  DESTROY: 0x10,
  /** GET: fetch; PUT: return the current value instead of writing; MONITOR: start. */
  GET: 0x40,
  /** MONITOR: pipeline flow control; an nfree count follows. */
  PIPELINE: 0x80,
} as const;

export const SearchFlag = {
  MUST_REPLY: 0x01,
  /** The search was sent to one host, not broadcast or multicast. */
  UNICAST: 0x80,
} as const;

/** Severity of a MESSAGE. */
export const MessageType = { INFO: 0, WARNING: 1, ERROR: 2, FATAL_ERROR: 3 } as const;
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];
