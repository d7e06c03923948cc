// SELM/SELN/OFFS/SHFT of fanout and seq: which of their sixteen links a pass uses, as
// fanoutRecord.c and seqRecord.c choose them (dfanout, with no OFFS/SHFT, chooses its own way).

import { AlarmSeverity, AlarmStatus } from '../pv';
import type { DbRecord } from '../record';

/** The choices of fanoutSELM, seqSELM and dfanoutSELM, which share their order. */
export const SELM_ALL = 0;
export const SELM_SPECIFIED = 1;
export const SELM_MASK = 2;
/** A shift beyond the width of SELN is undefined in C: the records refuse it with SOFT/INVALID. */
const MAX_SHIFT = 15;

/** Hexadecimal digits naming the sixteen links: LNK0 … LNKF. */
export const LINK_DIGITS = '0123456789ABCDEF'.split('');

/**
 * The bit mask of the links this pass uses (bit n: link n), SELL read into SELN first (fanout
 * reads it always, seq only when SELM is not All); undefined when the selection is out of range
 * (the SOFT/INVALID alarm is then raised).
 */
export function selectedLinks(record: DbRecord, readSelection: 'always' | 'unlessAll'): number | undefined {
  const mode = record.number('SELM');
  if (mode !== SELM_ALL || readSelection === 'always') record.readLink('SELL', 'SELN');
  if (mode === SELM_ALL) return 0xffff;
  const selection = record.number('SELN');
  if (mode === SELM_SPECIFIED) {
    const index = selection + record.number('OFFS');
    if (index >= 0 && index < LINK_DIGITS.length) return 1 << index;
  } else if (mode === SELM_MASK) {
    const shift = record.number('SHFT');
    if (shift >= -MAX_SHIFT && shift <= MAX_SHIFT) return (shift >= 0 ? selection >>> shift : selection << -shift) & 0xffff;
  }
  record.raiseAlarm(AlarmStatus.SOFT, AlarmSeverity.INVALID);
  return undefined;
}
