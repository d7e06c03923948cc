// The record types this IOC supports, by the name a .db file gives them.

import { aiRecordType } from './ai';
import { aoRecordType } from './ao';
import { biRecordType } from './bi';
import { boRecordType } from './bo';
import { calcRecordType } from './calc';
import { calcoutRecordType } from './calcout';
import { compressRecordType } from './compress';
import { dfanoutRecordType } from './dfanout';
import { eventRecordType } from './event';
import { fanoutRecordType } from './fanout';
import { histogramRecordType } from './histogram';
import { int64inRecordType } from './int64in';
import { int64outRecordType } from './int64out';
import { longinRecordType } from './longin';
import { longoutRecordType } from './longout';
import { lsiRecordType } from './lsi';
import { lsoRecordType } from './lso';
import { mbbiRecordType } from './mbbi';
import { mbbiDirectRecordType } from './mbbi-direct';
import { mbboDirectRecordType } from './mbbo-direct';
import { mbboRecordType } from './mbbo';
import type { RecordType } from './record-type';
import { selRecordType } from './sel';
import { seqRecordType } from './seq';
import { stringinRecordType } from './stringin';
import { subRecordType } from './sub';
import { subArrayRecordType } from './sub-array';
import { stringoutRecordType } from './stringout';
import { aaiRecordType, aaoRecordType, waveformRecordType } from './waveform';

export const RECORD_TYPES: ReadonlyMap<string, RecordType> = new Map(
  [
    aiRecordType, aoRecordType, biRecordType, boRecordType, longinRecordType, longoutRecordType,
    int64inRecordType, int64outRecordType, stringinRecordType, stringoutRecordType, lsiRecordType,
    lsoRecordType, mbbiRecordType, mbboRecordType, calcRecordType, calcoutRecordType, waveformRecordType,
    fanoutRecordType, dfanoutRecordType, seqRecordType, selRecordType, subRecordType,
    aaiRecordType, aaoRecordType, compressRecordType, eventRecordType, subArrayRecordType,
    mbbiDirectRecordType, mbboDirectRecordType, histogramRecordType,
  ].map((type) => [type.name, type]),
);
