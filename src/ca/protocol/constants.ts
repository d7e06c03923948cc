// Numbers fixed by the CA protocol (EPICS base caProto.h, caerr.h, db_access.h).

export const CA_MAJOR_PROTOCOL_REVISION = 4;
export const CA_MINOR_PROTOCOL_REVISION = 13;

export const DEFAULT_SERVER_PORT = 5064;
export const DEFAULT_REPEATER_PORT = 5065;

export const Command = {
  VERSION: 0,
  EVENT_ADD: 1,
  EVENT_CANCEL: 2,
  READ: 3,
  WRITE: 4,
  SNAPSHOT: 5,
  SEARCH: 6,
  BUILD: 7,
  EVENTS_OFF: 8,
  EVENTS_ON: 9,
  READ_SYNC: 10,
  ERROR: 11,
  CLEAR_CHANNEL: 12,
  RSRV_IS_UP: 13,
  NOT_FOUND: 14,
  READ_NOTIFY: 15,
  READ_BUILD: 16,
  REPEATER_CONFIRM: 17,
  CREATE_CHAN: 18,
  WRITE_NOTIFY: 19,
  CLIENT_NAME: 20,
  HOST_NAME: 21,
  ACCESS_RIGHTS: 22,
  ECHO: 23,
  REPEATER_REGISTER: 24,
  SIGNAL: 25,
  CREATE_CH_FAIL: 26,
  SERVER_DISCONN: 27,
} as const;
export type CommandCode = (typeof Command)[keyof typeof Command];

/** VERSION's data_type over UDP: "parameter 1 is the datagram's sequence number" (caProto.h `sequenceNoIsValid`). */
export const SEQUENCE_NUMBER_IS_VALID = 1;

/** data_type of a SEARCH request: whether the client wants NOT_FOUND back. */
export const SearchReply = { DO_REPLY: 10, DONT_REPLY: 5 } as const;

/** Bits of ACCESS_RIGHTS parameter2. */
export const AccessBits = { READ: 1, WRITE: 2 } as const;

/** Event masks of EVENT_ADD (db_access.h DBE_*). */
export const Dbe = { VALUE: 1, LOG: 2, ALARM: 4, PROPERTY: 8 } as const;

/** ECA status codes as caerr.h builds them: message number << 3 | severity. */
const WARNING = 0,
  SUCCESS = 1,
  ERROR = 2,
  INFO = 3,
  FATAL = 6;
const defmsg = (severity: number, messageNumber: number): number => (messageNumber << 3) | severity;

export const Eca = {
  NORMAL: defmsg(SUCCESS, 0),
  ALLOCMEM: defmsg(WARNING, 6),
  TOLARGE: defmsg(WARNING, 9),
  TIMEOUT: defmsg(WARNING, 10),
  BADTYPE: defmsg(ERROR, 14),
  INTERNAL: defmsg(FATAL, 17),
  GETFAIL: defmsg(WARNING, 19),
  PUTFAIL: defmsg(WARNING, 20),
  // caerr.h marks it defunct (libca no longer raises it), but every client still knows its text.
  ADDFAIL: defmsg(WARNING, 21),
  BADCOUNT: defmsg(WARNING, 22),
  BADSTR: defmsg(ERROR, 23),
  DISCONN: defmsg(WARNING, 24),
  DBLCHNL: defmsg(WARNING, 25),
  EVDISALLOW: defmsg(ERROR, 26),
  BADMONID: defmsg(ERROR, 30),
  BADMASK: defmsg(ERROR, 41),
  IODONE: defmsg(INFO, 42),
  IOINPROGRESS: defmsg(INFO, 43),
  BADSYNCGRP: defmsg(ERROR, 44),
  PUTCBINPROG: defmsg(ERROR, 45),
  NORDACCESS: defmsg(WARNING, 46),
  NOWTACCESS: defmsg(WARNING, 47),
  ANACHRONISM: defmsg(ERROR, 48),
  NOSEARCHADDR: defmsg(WARNING, 49),
  NOCONVERT: defmsg(WARNING, 50),
  BADCHID: defmsg(ERROR, 51),
  BADFUNCPTR: defmsg(ERROR, 52),
  ISATTACHED: defmsg(WARNING, 53),
  UNAVAILINSERV: defmsg(WARNING, 54),
  CHANDESTROY: defmsg(WARNING, 55),
  BADPRIORITY: defmsg(ERROR, 56),
  NOTTHREADED: defmsg(ERROR, 57),
  ARRAY16KCLIENT: defmsg(WARNING, 58),
  CONNSEQTMO: defmsg(WARNING, 59),
  UNRESPTMO: defmsg(WARNING, 60),
} as const;
export type EcaCode = number;

/** Largest payload a 16-byte header can describe; at or above it the 24-byte header is used. */
export const EXTENDED_HEADER_THRESHOLD = 0xffff;
export const HEADER_SIZE = 16;
export const EXTENDED_HEADER_SIZE = 24;
export const MAX_STRING_SIZE = 40;
export const MAX_ENUM_STATES = 16;
export const MAX_ENUM_STRING_SIZE = 26;
export const MAX_UNITS_SIZE = 8;
