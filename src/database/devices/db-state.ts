// Base's "Db State" (devBiDbState.c, devBoDbState.c): named boolean states of the database
// (dbState.c), created by the first record that names one; a bo's write sets (VAL 1) or clears
// (VAL 0) the state its OUT "@name" names, a bi reads the one its INP names.

import type { DeviceBinding, DeviceSupport } from './device-support';
import { DeviceBindError } from './device-support';

/** The "Db State" support over the states of one database. */
export function dbState(states = new Map<string, boolean>()): DeviceSupport {
  return {
    name: 'Db State',
    recordTypes: ['bi', 'bo'],
    bind(record, name): DeviceBinding {
      if (name === '') throw new DeviceBindError('"Db State" needs the name of a state after "@"', record.type.deviceLink);
      if (!states.has(name)) states.set(name, false);
      if (record.type.name === 'bo') {
        return { ownsValue: false, write: (r) => (states.set(name, r.number('VAL') !== 0), true) };
      }
      return {
        ownsValue: true,
        read(r) {
          r.assign('VAL', states.get(name) ? 1 : 0);
          return 'value';
        },
      };
    },
  };
}
