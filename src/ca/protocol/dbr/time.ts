import { decodeAlarm, encodeAlarm } from './sts';
import type { DbrHeader } from './types';

/**
 * dbr_time_*: status, severity, epicsTimeStamp (secPastEpoch and nsec, two epicsUInt32), value.
 * Pads align the value: RISC_pad (2 bytes) for SHORT and ENUM, RISC_pad0 + RISC_pad1 (3 bytes)
 * for CHAR, RISC_pad (4 bytes) for DOUBLE.
 */
export const timeHeader: DbrHeader = {
  // by DBF type: STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE
  valueOffset: [12, 14, 12, 14, 15, 12, 16],
  encode(target, offset, _elementType, source) {
    encodeAlarm(target, offset, source);
    const { secondsPastEpoch, nanoseconds } = source.timeStamp();
    target.writeUInt32BE(secondsPastEpoch >>> 0, offset + 4);
    target.writeUInt32BE(nanoseconds >>> 0, offset + 8);
  },
  decode(payload, offset, _elementType, into) {
    decodeAlarm(payload, offset, into);
    into.timeStamp = { secondsPastEpoch: payload.readUInt32BE(offset + 4), nanoseconds: payload.readUInt32BE(offset + 8) };
  },
};
