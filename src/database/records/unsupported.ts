// Settings that this IOC would parse and then not act on: a .db file that gives one of these
// fields anything but its harmless value is refused at load, so that no database silently
// computes something other than what softIoc would.

import type { FieldData } from '../field-codec';

interface UnsupportedSetting {
  readonly field: string;
  /** The record types concerned; all when absent. */
  readonly types?: readonly string[];
  readonly harmless: (data: FieldData) => boolean;
  readonly reason: string;
}

const SETTINGS: readonly UnsupportedSetting[] = [
  { field: 'PINI', harmless: (data) => (data as number) < 4, reason: 'PAUSE and PAUSED need iocPause, which this IOC does not have' },
];

/** Why a .db setting cannot be honoured, or undefined when it can. */
export function unsupportedSetting(recordType: string, field: string, data: FieldData): string | undefined {
  const setting = SETTINGS.find((candidate) => candidate.field === field && (!candidate.types || candidate.types.includes(recordType)));
  return setting && !setting.harmless(data) ? setting.reason : undefined;
}
