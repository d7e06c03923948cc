// The fields that tie a record to its device support (DTYP and the device link, INP or OUT) once
// the database runs. EPICS swaps a record's support at run time only through a put to the device
// link, and only between supports with add_record/del_record (dbPutFieldLink in dbAccess.c); the
// registered supports here bind once, at init, so a put that would bind or unbind one is refused,
// while base's soft supports stay interchangeable as before. An "@parameter" is INST_IO, which
// dbCanSetLink refuses for a soft support.

import { isLink } from '../dbf';
import type { FieldData } from '../field-codec';
import type { DbRecord } from '../record';
import type { FieldRefusal } from '../records/record-type';
import type { FieldSpec } from '../records/field-spec';
import type { DeviceTable } from './device-table';

/** Why a client or code cannot put `data` into a device field of a running record; undefined when it can. */
export function deviceFieldRefusal(record: DbRecord, spec: FieldSpec, data: FieldData, devices: DeviceTable): FieldRefusal | undefined {
  if (spec.dbf === 'DEVICE') return dtypRefusal(record, data as number, devices);
  if (!isLink(spec.dbf)) return undefined;
  if (record.device && spec.name === record.type.deviceLink) {
    return { reason: `${spec.name} addresses device support "${record.deviceName}", bound when the database loaded; it cannot be changed at run time` };
  }
  if (typeof data === 'string' && data.trim().startsWith('@')) {
    const reader =
      record.deviceName === ''
        ? `${record.type.name} records have no device support`
        : `the device support of ${record.name} (DTYP "${record.deviceName}") reads none in ${spec.name}`;
    return { reason: `"${data.trim()}" is a device parameter, and ${reader}` };
  }
  return undefined;
}

function dtypRefusal(record: DbRecord, dtyp: number, devices: DeviceTable): FieldRefusal | undefined {
  if (dtyp === record.number('DTYP')) return undefined;
  const wanted = record.deviceChoices[dtyp] ?? String(dtyp);
  if (record.device) {
    return { reason: `DTYP "${record.deviceName}" is bound when the database loads and cannot be changed at run time (to "${wanted}")` };
  }
  if (devices.support(record.type, dtyp)) {
    return { reason: `device support "${wanted}" binds a record when the database loads; give DTYP and ${record.type.deviceLink ?? 'INP'} in the .db file` };
  }
  return undefined;
}
