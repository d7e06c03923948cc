import type { DbrHeader } from './types';

/** DBR_STRING ... DBR_DOUBLE: the value alone. */
export const plainHeader: DbrHeader = {
  valueOffset: [0, 0, 0, 0, 0, 0, 0],
  encode() {},
  decode() {},
};
