// The load-time half of device support (dbInitDevSup and the records' init_record calling the
// dset's): a record whose DTYP names a registered support must address it with "@parameter" in
// its device link (INP or OUT, INST_IO), a record of a soft support may not, and binding asks the
// support what the parameter means. Every refusal names the .db file, line and column.

import { DbFileError, type SourceLocation } from '../db-file/location';
import type { DbRecord } from '../record';
import type { RecordType } from '../records/record-type';
import { DeviceBindError, type DeviceBinding, type DeviceSupport } from './device-support';

/** What a load knows of a record's device settings before the record exists. */
export interface DeviceSettings {
  readonly name: string;
  readonly type: RecordType;
  /** The DTYP choice's label. */
  readonly dtypName: string;
  /** Where DTYP was given; undefined when the record takes the default. */
  readonly dtypLocation: SourceLocation | undefined;
  /** The text of each link field as given, and where its value is. */
  readonly linkTexts: ReadonlyMap<string, { readonly text: string; readonly location: SourceLocation }>;
  /** Link fields given as "@parameter": where the parameter's first character (after "@") is. */
  readonly parameters: ReadonlyMap<string, { readonly text: string; readonly location: SourceLocation }>;
}

/** dbCanSetLink at load: "@…" only in the device link of a registered support, which needs one. */
export function checkDeviceAddress(settings: DeviceSettings, support: DeviceSupport | undefined): void {
  const { name, type } = settings;
  const deviceLink = type.deviceLink;
  for (const [field, parameter] of settings.parameters) {
    if (support && field === deviceLink) continue;
    const reader = support
      ? `device support "${support.name}" reads its parameter from ${deviceLink}`
      : settings.dtypName === ''
        ? `${type.name} records have no device support`
        : `the device support of ${name} (DTYP "${settings.dtypName}") reads none`;
    throw new DbFileError(before(parameter.location), `cannot set ${name}.${field}: "@${parameter.text}" is a device parameter, and ${reader}`);
  }
  if (!support || !deviceLink || settings.parameters.has(deviceLink)) return;
  const given = settings.linkTexts.get(deviceLink);
  const where = given?.location ?? settings.dtypLocation;
  const found = given ? `"${given.text}"` : 'not set';
  throw new DbFileError(where!, `${name}: DTYP "${support.name}" is addressed by ${deviceLink} "@parameter"; ${deviceLink} is ${found}`);
}

/** init_record of the device: binds the record, or throws the support's refusal at the place in the .db file it points to. */
export function bindDevice(record: DbRecord, support: DeviceSupport, settings: DeviceSettings): DeviceBinding {
  const parameter = settings.parameters.get(record.type.deviceLink!)!;
  try {
    return support.bind(record, parameter.text);
  } catch (error) {
    if (!(error instanceof DeviceBindError)) throw error;
    const at =
      error.field === 'DTYP' && settings.dtypLocation ? settings.dtypLocation : { ...parameter.location, column: parameter.location.column + error.offset };
    throw new DbFileError(at, `${record.name}: ${error.message}`);
  }
}

/** The "@" before a parameter. */
function before(location: SourceLocation): SourceLocation {
  return { ...location, column: location.column - 1 };
}
