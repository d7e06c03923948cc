// One database's device table, as the device() lines of the .dbd files an IOC loads before
// dbLoadRecords: for each record type, the DTYP choices in order (base's soft supports first, then
// the registered ones), and which support a choice names (dbDTYPtoDevSup). The table is fixed by
// the first load, so that a DTYP index means the same support for the database's whole life.

import type { RecordType } from '../records/record-type';
import { RECORD_TYPES } from '../records/registry';
import type { DeviceSupport } from './device-support';

export class DeviceTable {
  /** Registered supports by record type name, in registration order. */
  private readonly registered = new Map<string, DeviceSupport[]>();
  private readonly choiceCache = new Map<RecordType, readonly string[]>();
  private sealed = false;

  /** device(): adds a support for the record types it names; refused once a file has loaded or for a DTYP a type already has. */
  register(support: DeviceSupport): void {
    if (this.sealed) throw new Error(`device support "${support.name}" must be registered before the first .db file is loaded`);
    if (support.name.trim() === '') throw new Error('a device support needs a name (its DTYP)');
    if (support.recordTypes.length === 0) throw new Error(`device support "${support.name}" names no record type`);
    for (const typeName of support.recordTypes) {
      const type = RECORD_TYPES.get(typeName);
      if (!type)
        throw new Error(`device support "${support.name}": record type "${typeName}" is not supported (supported: ${[...RECORD_TYPES.keys()].join(', ')})`);
      if (!type.deviceLink) throw new Error(`device support "${support.name}": record support of ${typeName} calls no device support`);
      if (this.choices(type).includes(support.name)) throw new Error(`record type ${typeName} already has a device support "${support.name}"`);
    }
    for (const typeName of support.recordTypes) {
      const list = this.registered.get(typeName) ?? [];
      list.push(support);
      this.registered.set(typeName, list);
      this.choiceCache.delete(RECORD_TYPES.get(typeName)!);
    }
  }

  /** Called by the first load: no more registrations. */
  seal(): void {
    this.sealed = true;
  }

  /** The DTYP choices of a record type: base's soft supports, then the registered ones. */
  choices(type: RecordType): readonly string[] {
    let choices = this.choiceCache.get(type);
    if (!choices) {
      choices = Object.freeze([...type.devices, ...(this.registered.get(type.name) ?? []).map((support) => support.name)]);
      this.choiceCache.set(type, choices);
    }
    return choices;
  }

  /** dbDTYPtoDevSup: the registered support a DTYP index names; undefined for base's soft supports. */
  support(type: RecordType, dtyp: number): DeviceSupport | undefined {
    return this.registered.get(type.name)?.[dtyp - type.devices.length];
  }
}
