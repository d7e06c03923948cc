// Constant links give soft records their initial values: softIoc's soft device support (and
// the ao/bo/… DOL, calc INPA…) load a constant INP/DOL into the record at iocInit.

import { isText, narrow, parseDbNumber } from '../dbf';
import type { DbRecord } from '../record';
import { truncateUtf8 } from '../text';
import type { LinkConstants } from './record-type';

/** Loads the constant of `link` into the scalar field `target`; true when there was one to load. */
export function loadConstant(record: DbRecord, link: string, target: string, constants: LinkConstants): boolean {
  const constant = constants.get(link);
  const text = typeof constant === 'string' ? constant : constant?.[0];
  const spec = record.type.fields.get(target);
  if (text === undefined || !spec) return false;
  const shape = record.shape(spec);
  if (isText(shape.dbf)) {
    record.assign(target, truncateUtf8(text, shape.size - 1));
    return true;
  }
  const parsed = parseDbNumber('DOUBLE', text);
  if (!parsed.ok) return false;
  record.assign(target, narrow(shape.dbf, parsed.value));
  return true;
}

/** The elements of an array constant (a scalar constant is an array of one). */
export function constantElements(constants: LinkConstants, link: string): readonly string[] | undefined {
  const constant = constants.get(link);
  return typeof constant === 'string' ? [constant] : constant;
}
