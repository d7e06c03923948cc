// The four DBR types past CTRL, each its own shape.

import { MAX_STRING_SIZE } from '../constants';
import { toEnum } from '../convert';
import { writeCString } from './strings';
import { decodeAlarm, encodeAlarm } from './sts';
import { Dbf, DbrType, ELEMENT_SIZE, type DbrCodec, type DecodedDbr } from './types';
import { decodeValue, encodeValue } from './value';

const ACK_SIZE = ELEMENT_SIZE[Dbf.ENUM];

/**
 * DBR_PUT_ACKT and DBR_PUT_ACKS: one dbr_ushort_t, the record's ACKT (0 or 1) or ACKS (a
 * severity). Clients only write them; read, they answer what the record holds.
 */
function acknowledgementCodec(dbrType: typeof DbrType.PUT_ACKT | typeof DbrType.PUT_ACKS): DbrCodec {
  const transient = dbrType === DbrType.PUT_ACKT;
  return {
    elementType: Dbf.ENUM,
    valueOffset: 0,
    encode(target, offset, count, source) {
      const alarm = source.alarm();
      target.writeUInt16BE(transient ? Number(alarm.acknowledgeTransient) : toEnum(alarm.acknowledgeSeverity), offset);
      target.fill(0, offset + ACK_SIZE, offset + count * ACK_SIZE);
    },
    decode(payload, offset, count) {
      const value = decodeValue(payload, offset, Dbf.ENUM, count) as Uint16Array;
      return transient ? { dbrType, value, ackt: value[0] } : { dbrType, value, acks: value[0] };
    },
  };
}

export const putAcktCodec = acknowledgementCodec(DbrType.PUT_ACKT);
export const putAcksCodec = acknowledgementCodec(DbrType.PUT_ACKS);

const STSACK_VALUE_OFFSET = 8;

/** dbr_stsack_string: status, severity, ackt, acks (dbr_ushort_t each), then the value as strings. */
export const stsackStringCodec: DbrCodec = {
  elementType: Dbf.STRING,
  valueOffset: STSACK_VALUE_OFFSET,
  encode(target, offset, count, source) {
    encodeAlarm(target, offset, source);
    const { acknowledgeTransient, acknowledgeSeverity } = source.alarm();
    target.writeUInt16BE(Number(acknowledgeTransient), offset + 4);
    target.writeUInt16BE(toEnum(acknowledgeSeverity), offset + 6);
    encodeValue(target, offset + STSACK_VALUE_OFFSET, Dbf.STRING, count, source);
  },
  decode(payload, offset, count) {
    const into: DecodedDbr = {
      dbrType: DbrType.STSACK_STRING,
      value: decodeValue(payload, offset + STSACK_VALUE_OFFSET, Dbf.STRING, count),
      ackt: payload.readUInt16BE(offset + 4),
      acks: payload.readUInt16BE(offset + 6),
    };
    decodeAlarm(payload, offset, into);
    return into;
  },
};

/** DBR_CLASS_NAME: the record type as one dbr_string_t; further elements are zero. */
export const classNameCodec: DbrCodec = {
  elementType: Dbf.STRING,
  valueOffset: 0,
  encode(target, offset, count, source) {
    writeCString(target, offset, MAX_STRING_SIZE, source.className);
    target.fill(0, offset + MAX_STRING_SIZE, offset + count * MAX_STRING_SIZE);
  },
  decode(payload, offset, count) {
    const value = decodeValue(payload, offset, Dbf.STRING, count) as string[];
    return { dbrType: DbrType.CLASS_NAME, value, className: value[0] };
  },
};
