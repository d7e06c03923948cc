// DTYP "IOC env var" and "IOC epics var" (devIocStatsString.c devStringinEnvVar and
// devStringinEpics): a stringin (or an lsi or CHAR waveform, for values longer than 39 bytes)
// shows the environment variable, or the EPICS parameter, that INP names, read when the record
// processes (PINI in iocEnvVar.template).

import { DeviceBindError, type DeviceSupport } from '../../database';
import { NOT_AVAILABLE } from '../stats/identity';
import { requireCharWaveform, textBinding, unknownParameter } from './figures';

export const IOC_ENV_VAR = 'IOC env var';
export const IOC_EPICS_VAR = 'IOC epics var';

const TEXT_RECORDS = ['stringin', 'lsi', 'waveform'];

/** An unset variable reads as devIocStats' "<not available>". */
export function envVarSupport(env: Readonly<{ [name: string]: string | undefined }>): DeviceSupport {
  return {
    name: IOC_ENV_VAR,
    recordTypes: TEXT_RECORDS,
    bind(record, parameter) {
      requireCharWaveform(record);
      const name = parameter.trim();
      if (name === '') throw new DeviceBindError('INP names no environment variable ("@NAME")');
      return textBinding(() => env[name] ?? NOT_AVAILABLE);
    },
  };
}

/** A name that is no EPICS parameter is refused at load (devIocStats loads it and shows "<undefined>" with a UDF alarm). */
export function epicsVarSupport(parameters: ReadonlyMap<string, string>): DeviceSupport {
  return {
    name: IOC_EPICS_VAR,
    recordTypes: TEXT_RECORDS,
    bind(record, parameter) {
      requireCharWaveform(record);
      const value = parameters.get(parameter.trim());
      if (value === undefined) throw unknownParameter(record, IOC_EPICS_VAR, parameter, parameters.keys());
      return textBinding(() => value);
    },
  };
}
