import { DeviceBindError, type DeviceBinding, type DeviceSupport } from '../../src/database/devices/device-support';
import { IoScanSource } from '../../src/database/scan/io-scan';

/**
 * A small device support for tests, shaped like devIocStats' analog one: ai records read a
 * figure chosen by "@name" and woken by I/O Intr, ao records write a setpoint ("@setpoint").
 * "@pushed" has no read: code sets the value, as a driver that posts its results does.
 */
export interface TestDevice {
  readonly support: DeviceSupport;
  /** The figures ai records read, by parameter. */
  readonly figures: Map<string, number>;
  /** What ao records wrote, in order. */
  readonly written: number[];
  /** scanIoRequest: processes the I/O Intr records. */
  readonly ioScan: IoScanSource;
  /** How many bindings were released. */
  released: number;
}

export const TEST_DTYP = 'Test device';

export function testDevice(): TestDevice {
  const ioScan = new IoScanSource();
  const device: TestDevice = {
    figures: new Map([
      ['level', 0],
      ['count', 0],
    ]),
    written: [],
    ioScan,
    released: 0,
    support: {
      name: TEST_DTYP,
      recordTypes: ['ai', 'ao'],
      bind(record, parameter): DeviceBinding {
        const release = () => {
          device.released++;
        };
        if (record.type.name === 'ao') {
          if (parameter !== 'setpoint') throw new DeviceBindError(`unknown ao parameter "${parameter}" (choices: setpoint)`, 'OUT');
          return { ownsValue: false, write: (r) => (device.written.push(r.number('VAL')), true), release };
        }
        if (parameter === 'pushed') return { ownsValue: true, release };
        if (!device.figures.has(parameter))
          throw new DeviceBindError(`unknown ai parameter "${parameter}" (choices: ${[...device.figures.keys(), 'pushed'].join(', ')})`);
        return {
          ownsValue: true,
          ioScan,
          read(r) {
            r.assign('VAL', device.figures.get(parameter)!);
            return 'value';
          },
          release,
        };
      },
    },
  };
  return device;
}
