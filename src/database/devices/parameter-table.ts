// Base's INST_IO supports choose what a record stands for by its "@parameter" from a small table
// per record type (devGeneralTime.c's ai_channels, si_channels…), matching it without regard to
// case (epicsStrCaseCmp); anything else is refused, naming the table.

import { DeviceBindError } from './device-support';

/** The entry `parameter` names, or a DeviceBindError listing the choices of the record type. */
export function lookUpParameter<T>(table: ReadonlyMap<string, T>, parameter: string, support: string, recordType: string): T {
  const wanted = parameter.trim().toUpperCase();
  for (const [name, entry] of table) if (name.toUpperCase() === wanted) return entry;
  const choices = [...table.keys()].map((name) => `"@${name}"`).join(', ');
  throw new DeviceBindError(`"@${parameter}" is not a parameter of device support "${support}" for ${recordType} records (choices: ${choices})`);
}
