// One hand-built payload per DBR type 0..38, field by field from db_access.h, for the states
// of fixtures.ts (each DBR of element type X made from the PV whose native type is X).

import { Dbf, DbrType } from '../../../../../src/ca/protocol/dbr';
import { hex, string40, zeros } from './fixtures';

const ALARM = '0003 0002'; // status HIHI, severity MAJOR
const STAMP = '3b9aca00 075bcd15'; // secPastEpoch 1000000000, nsec 123456789
const UNITS = '6d56 000000000000'; // units "mV", NUL-filled to 8 bytes
const PRECISION = '0003 0000'; // precision 3, RISC_pad0

const STRING_VALUE = string40('616263'); // "abc", NUL-filled to 40 bytes
const SHORT_VALUE = 'fffe'; // -2
const FLOAT_VALUE = '3fc00000'; // 1.5
const ENUM_VALUE = '0001'; // state 1
const CHAR_VALUE = 'c8'; // 200
const LONG_VALUE = 'fffe7960'; // -100000
const DOUBLE_VALUE = 'c004000000000000'; // -2.5

// upper_disp_limit 100, lower_disp_limit -100, upper_alarm_limit 90, upper_warning_limit 80,
// lower_warning_limit -80, lower_alarm_limit -90 [, upper_ctrl_limit 95, lower_ctrl_limit -95]
const SHORT_LIMITS = '0064 ff9c 005a 0050 ffb0 ffa6';
const SHORT_CTRL_LIMITS = '005f ffa1';
// as dbr_char_t (unsigned): the negative limits wrap, -100 -> 0x9c and so on
const CHAR_LIMITS = '64 9c 5a 50 b0 a6';
const CHAR_CTRL_LIMITS = '5f a1';
const LONG_LIMITS = '00000064 ffffff9c 0000005a 00000050 ffffffb0 ffffffa6';
const LONG_CTRL_LIMITS = '0000005f ffffffa1';
const FLOAT_LIMITS = '42c80000 c2c80000 42b40000 42a00000 c2a00000 c2b40000';
const FLOAT_CTRL_LIMITS = '42be0000 c2be0000';
const DOUBLE_LIMITS = '4059000000000000 c059000000000000 4056800000000000 4054000000000000 c054000000000000 c056800000000000';
const DOUBLE_CTRL_LIMITS = '4057c00000000000 c057c00000000000';

// no_str 2, strs[0] "Off", strs[1] "On", strs[2..15] empty: 16 slots of 26 bytes
const ENUM_LABELS = ['0002', '4f6666' + zeros(23), '4f6e' + zeros(24), zeros(14 * 26)].join('');

export interface Layout {
  name: string;
  dbrType: number;
  /** Which fixtures.SCALAR_SOURCES entry (by DBF type) it is made from. */
  sourceType: number;
  bytes: Buffer;
}

export const LAYOUTS: readonly Layout[] = [
  { name: 'DBR_STRING', dbrType: DbrType.STRING, sourceType: Dbf.STRING, bytes: hex(STRING_VALUE) },
  { name: 'DBR_SHORT', dbrType: DbrType.SHORT, sourceType: Dbf.SHORT, bytes: hex(SHORT_VALUE) },
  { name: 'DBR_FLOAT', dbrType: DbrType.FLOAT, sourceType: Dbf.FLOAT, bytes: hex(FLOAT_VALUE) },
  { name: 'DBR_ENUM', dbrType: DbrType.ENUM, sourceType: Dbf.ENUM, bytes: hex(ENUM_VALUE) },
  { name: 'DBR_CHAR', dbrType: DbrType.CHAR, sourceType: Dbf.CHAR, bytes: hex(CHAR_VALUE) },
  { name: 'DBR_LONG', dbrType: DbrType.LONG, sourceType: Dbf.LONG, bytes: hex(LONG_VALUE) },
  { name: 'DBR_DOUBLE', dbrType: DbrType.DOUBLE, sourceType: Dbf.DOUBLE, bytes: hex(DOUBLE_VALUE) },

  { name: 'DBR_STS_STRING', dbrType: DbrType.STS_STRING, sourceType: Dbf.STRING, bytes: hex(ALARM, STRING_VALUE) },
  { name: 'DBR_STS_SHORT', dbrType: DbrType.STS_SHORT, sourceType: Dbf.SHORT, bytes: hex(ALARM, SHORT_VALUE) },
  { name: 'DBR_STS_FLOAT', dbrType: DbrType.STS_FLOAT, sourceType: Dbf.FLOAT, bytes: hex(ALARM, FLOAT_VALUE) },
  { name: 'DBR_STS_ENUM', dbrType: DbrType.STS_ENUM, sourceType: Dbf.ENUM, bytes: hex(ALARM, ENUM_VALUE) },
  {
    name: 'DBR_STS_CHAR',
    dbrType: DbrType.STS_CHAR,
    sourceType: Dbf.CHAR,
    bytes: hex(ALARM, '00' /* RISC_pad */, CHAR_VALUE),
  },
  { name: 'DBR_STS_LONG', dbrType: DbrType.STS_LONG, sourceType: Dbf.LONG, bytes: hex(ALARM, LONG_VALUE) },
  {
    name: 'DBR_STS_DOUBLE',
    dbrType: DbrType.STS_DOUBLE,
    sourceType: Dbf.DOUBLE,
    bytes: hex(ALARM, '00000000' /* RISC_pad (dbr_long_t) */, DOUBLE_VALUE),
  },

  { name: 'DBR_TIME_STRING', dbrType: DbrType.TIME_STRING, sourceType: Dbf.STRING, bytes: hex(ALARM, STAMP, STRING_VALUE) },
  {
    name: 'DBR_TIME_SHORT',
    dbrType: DbrType.TIME_SHORT,
    sourceType: Dbf.SHORT,
    bytes: hex(ALARM, STAMP, '0000' /* RISC_pad */, SHORT_VALUE),
  },
  { name: 'DBR_TIME_FLOAT', dbrType: DbrType.TIME_FLOAT, sourceType: Dbf.FLOAT, bytes: hex(ALARM, STAMP, FLOAT_VALUE) },
  {
    name: 'DBR_TIME_ENUM',
    dbrType: DbrType.TIME_ENUM,
    sourceType: Dbf.ENUM,
    bytes: hex(ALARM, STAMP, '0000' /* RISC_pad */, ENUM_VALUE),
  },
  {
    name: 'DBR_TIME_CHAR',
    dbrType: DbrType.TIME_CHAR,
    sourceType: Dbf.CHAR,
    bytes: hex(ALARM, STAMP, '0000' /* RISC_pad0 */, '00' /* RISC_pad1 */, CHAR_VALUE),
  },
  { name: 'DBR_TIME_LONG', dbrType: DbrType.TIME_LONG, sourceType: Dbf.LONG, bytes: hex(ALARM, STAMP, LONG_VALUE) },
  {
    name: 'DBR_TIME_DOUBLE',
    dbrType: DbrType.TIME_DOUBLE,
    sourceType: Dbf.DOUBLE,
    bytes: hex(ALARM, STAMP, '00000000' /* RISC_pad */, DOUBLE_VALUE),
  },

  // No dbr_gr_string exists: it is dbr_sts_string, no stamp, no units.
  { name: 'DBR_GR_STRING', dbrType: DbrType.GR_STRING, sourceType: Dbf.STRING, bytes: hex(ALARM, STRING_VALUE) },
  { name: 'DBR_GR_SHORT', dbrType: DbrType.GR_SHORT, sourceType: Dbf.SHORT, bytes: hex(ALARM, UNITS, SHORT_LIMITS, SHORT_VALUE) },
  {
    name: 'DBR_GR_FLOAT',
    dbrType: DbrType.GR_FLOAT,
    sourceType: Dbf.FLOAT,
    bytes: hex(ALARM, PRECISION, UNITS, FLOAT_LIMITS, FLOAT_VALUE),
  },
  { name: 'DBR_GR_ENUM', dbrType: DbrType.GR_ENUM, sourceType: Dbf.ENUM, bytes: hex(ALARM, ENUM_LABELS, ENUM_VALUE) },
  {
    name: 'DBR_GR_CHAR',
    dbrType: DbrType.GR_CHAR,
    sourceType: Dbf.CHAR,
    bytes: hex(ALARM, UNITS, CHAR_LIMITS, '00' /* RISC_pad */, CHAR_VALUE),
  },
  { name: 'DBR_GR_LONG', dbrType: DbrType.GR_LONG, sourceType: Dbf.LONG, bytes: hex(ALARM, UNITS, LONG_LIMITS, LONG_VALUE) },
  {
    name: 'DBR_GR_DOUBLE',
    dbrType: DbrType.GR_DOUBLE,
    sourceType: Dbf.DOUBLE,
    bytes: hex(ALARM, PRECISION, UNITS, DOUBLE_LIMITS, DOUBLE_VALUE),
  },

  { name: 'DBR_CTRL_STRING', dbrType: DbrType.CTRL_STRING, sourceType: Dbf.STRING, bytes: hex(ALARM, STRING_VALUE) },
  {
    name: 'DBR_CTRL_SHORT',
    dbrType: DbrType.CTRL_SHORT,
    sourceType: Dbf.SHORT,
    bytes: hex(ALARM, UNITS, SHORT_LIMITS, SHORT_CTRL_LIMITS, SHORT_VALUE),
  },
  {
    name: 'DBR_CTRL_FLOAT',
    dbrType: DbrType.CTRL_FLOAT,
    sourceType: Dbf.FLOAT,
    bytes: hex(ALARM, PRECISION, UNITS, FLOAT_LIMITS, FLOAT_CTRL_LIMITS, FLOAT_VALUE),
  },
  { name: 'DBR_CTRL_ENUM', dbrType: DbrType.CTRL_ENUM, sourceType: Dbf.ENUM, bytes: hex(ALARM, ENUM_LABELS, ENUM_VALUE) },
  {
    name: 'DBR_CTRL_CHAR',
    dbrType: DbrType.CTRL_CHAR,
    sourceType: Dbf.CHAR,
    bytes: hex(ALARM, UNITS, CHAR_LIMITS, CHAR_CTRL_LIMITS, '00' /* RISC_pad */, CHAR_VALUE),
  },
  {
    name: 'DBR_CTRL_LONG',
    dbrType: DbrType.CTRL_LONG,
    sourceType: Dbf.LONG,
    bytes: hex(ALARM, UNITS, LONG_LIMITS, LONG_CTRL_LIMITS, LONG_VALUE),
  },
  {
    name: 'DBR_CTRL_DOUBLE',
    dbrType: DbrType.CTRL_DOUBLE,
    sourceType: Dbf.DOUBLE,
    bytes: hex(ALARM, PRECISION, UNITS, DOUBLE_LIMITS, DOUBLE_CTRL_LIMITS, DOUBLE_VALUE),
  },

  { name: 'DBR_PUT_ACKT', dbrType: DbrType.PUT_ACKT, sourceType: Dbf.DOUBLE, bytes: hex('0001' /* ACKT yes */) },
  { name: 'DBR_PUT_ACKS', dbrType: DbrType.PUT_ACKS, sourceType: Dbf.DOUBLE, bytes: hex('0002' /* ACKS MAJOR */) },
  {
    name: 'DBR_STSACK_STRING',
    dbrType: DbrType.STSACK_STRING,
    sourceType: Dbf.STRING,
    bytes: hex(ALARM, '0001' /* ackt */, '0002' /* acks */, STRING_VALUE),
  },
  { name: 'DBR_CLASS_NAME', dbrType: DbrType.CLASS_NAME, sourceType: Dbf.DOUBLE, bytes: hex(string40('6169') /* "ai" */) },
];

/** sizeof each db_access.h struct, by DBR type: dbr_size[]. */
export const DBR_SIZE: readonly number[] = [
  40,
  2,
  4,
  2,
  1,
  4,
  8, // plain
  44,
  6,
  8,
  6,
  6,
  8,
  16, // dbr_sts_*
  52,
  16,
  16,
  16,
  16,
  16,
  24, // dbr_time_*
  44,
  26,
  44,
  424,
  20,
  40,
  72, // dbr_gr_* (GR_STRING: dbr_sts_string)
  44,
  30,
  52,
  424,
  22,
  48,
  88, // dbr_ctrl_* (CTRL_STRING: dbr_sts_string)
  2,
  2,
  48,
  40, // put_ackt, put_acks, stsack_string, class_name
];
