// From what a .db file says to records: record types and fields checked against the tables,
// values converted as dbPutString converts them, names kept unique, constant links loaded, the
// links of every link field parsed (the database connects them) and records bound to the device
// support their DTYP names.

import type { DatabaseItem, RecordDefinition, Setting } from './db-file/ast';
import { DbFileError, formatLocation, type SourceLocation } from './db-file/location';
import { isLink } from './dbf';
import { parseFieldText } from './db-value';
import type { FieldData } from './field-codec';
import { parseLinkValue, type LinkAddress } from './links/link-address';
import type { LinkSetting } from './links/link-table';
import { AlarmStatus } from './pv';
import { bindDevice, checkDeviceAddress, type DeviceSettings } from './devices/bind-device';
import type { DeviceSupport } from './devices/device-support';
import { DbRecord, type RecordHost } from './record';
import { RECORD_ATTRIBUTES } from './records/common-fields';
import type { FieldSpec } from './records/field-spec';
import type { LinkConstant, LinkConstants, RecordType } from './records/record-type';
import { RECORD_TYPES } from './records/registry';

/** The names a database already serves, so that a load cannot redefine them. */
export interface NameRegistry {
  definitionOf(name: string): SourceLocation | undefined;
  /** The record a name (record or alias) serves. */
  recordOf(name: string): DbRecord | undefined;
}

export interface LoadedRecord {
  readonly record: DbRecord;
  readonly location: SourceLocation;
}

export interface LoadedAlias {
  readonly alias: string;
  readonly record: DbRecord;
  readonly location: SourceLocation;
}

export interface BuildResult {
  readonly records: readonly LoadedRecord[];
  readonly aliases: readonly LoadedAlias[];
  /** The non-empty link fields of the load's records. */
  readonly links: readonly LinkSetting[];
}

interface FieldValueSetting {
  readonly spec: FieldSpec;
  readonly data: FieldData;
}

interface PendingRecord {
  readonly name: string;
  readonly type: RecordType;
  readonly location: SourceLocation;
  // A large load holds every pending record at once, beside its records: tables made on first use.
  settings?: FieldValueSetting[];
  constants?: Map<string, LinkConstant>;
  links?: Map<string, { address: LinkAddress; location: SourceLocation }>;
  infos?: Map<string, string>;
  /** Where each field's value was last given. */
  valueLocations?: Map<string, SourceLocation>;
  /** Link fields given as "@parameter", with where the parameter starts. */
  parameters?: Map<string, { text: string; location: SourceLocation }>;
}

const NO_CONSTANTS: LinkConstants = new Map();
const NO_PARAMETERS: ReadonlyMap<string, { text: string; location: SourceLocation }> = new Map();

/** Builds the records of one load; nothing is created unless the whole load is valid. */
export function buildRecords(items: Iterable<DatabaseItem>, registry: NameRegistry, host: RecordHost): BuildResult {
  const pending = new Map<string, PendingRecord>();
  const names = new Map<string, SourceLocation>();
  /** Aliases of this load, to the name of a record of this load or to a record loaded before. */
  const aliases: { alias: string; target: string | DbRecord; location: SourceLocation }[] = [];
  const aliasTargets = new Map<string, string | DbRecord>();

  const claim = (name: string, location: SourceLocation) => {
    const first = names.get(name) ?? registry.definitionOf(name);
    if (first) throw new DbFileError(location, `"${name}" is already defined at ${formatLocation(first)}`);
    names.set(name, location);
  };

  for (const item of items) {
    if (item.kind === 'alias') {
      const target = aliasTargets.get(item.target.name) ?? (pending.has(item.target.name) ? item.target.name : registry.recordOf(item.target.name));
      if (!target) throw new DbFileError(item.target.location, `alias "${item.alias.name}" refers to unknown record "${item.target.name}"`);
      claim(item.alias.name, item.alias.location);
      aliases.push({ alias: item.alias.name, target, location: item.alias.location });
      aliasTargets.set(item.alias.name, target);
      continue;
    }
    const record = pendingRecordFor(item, pending, registry, claim);
    for (const setting of item.fields) applySetting(record, setting, host);
    for (const info of item.infos) (record.infos ??= new Map()).set(info.name, info.value.text);
    for (const alias of item.aliases) {
      claim(alias.name, alias.location);
      aliases.push({ alias: alias.name, target: record.name, location: alias.location });
      aliasTargets.set(alias.name, record.name);
    }
  }

  const definitions = [...pending.values()];
  const devices = definitions.map((definition) => deviceOf(definition, host));
  const records = materializeAll(definitions, devices, host);
  const byName = new Map(records.map(({ record }) => [record.name, record]));
  const links = definitions.flatMap((definition) => {
    const record = byName.get(definition.name)!;
    return [...(definition.links ?? [])].map(([field, { address, location }]) => ({ record, field, address, location }));
  });
  return {
    records,
    aliases: aliases.map(({ alias, target, location }) => ({ alias, record: typeof target === 'string' ? byName.get(target)! : target, location })),
    links,
  };
}

function pendingRecordFor(
  item: RecordDefinition,
  pending: Map<string, PendingRecord>,
  registry: NameRegistry,
  claim: (name: string, location: SourceLocation) => void,
): PendingRecord {
  if (item.recordType === '*') {
    const existing = pending.get(item.name);
    if (existing) return existing;
    const where = registry.definitionOf(item.name);
    throw new DbFileError(
      item.location,
      where
        ? `record "${item.name}" was loaded by an earlier load (${formatLocation(where)}); record("*", …) can only add to a record of the same load`
        : `record "${item.name}" is not defined; record("*", …) adds fields to an existing record`,
    );
  }
  const type = RECORD_TYPES.get(item.recordType);
  if (!type) {
    throw new DbFileError(item.typeLocation, `record type "${item.recordType}" is not supported (supported: ${[...RECORD_TYPES.keys()].join(', ')})`);
  }
  claim(item.name, item.location);
  const record: PendingRecord = { name: item.name, type, location: item.location };
  pending.set(item.name, record);
  return record;
}

function applySetting(record: PendingRecord, setting: Setting, host: RecordHost): void {
  const spec = record.type.fields.get(setting.name);
  if (!spec) throw new DbFileError(setting.location, unknownField(record.type, setting.name));
  if (spec.name === 'NAME') throw new DbFileError(setting.location, `the NAME field of record "${record.name}" cannot be set`);
  const text = setting.value.text;
  if (spec.dbf === 'NOACCESS') throw new DbFileError(setting.location, cannotSet(record.type, spec));
  const parsed = parseFieldText(spec, text, host.devices.choices(record.type));
  if (!parsed.ok) throw new DbFileError(setting.valueLocation, `cannot set ${record.name}.${spec.name}: ${parsed.reason}`);
  const invalid = record.type.validate?.(spec.name, parsed.data, host);
  if (invalid) throw new DbFileError(offsetInValue(setting, invalid.offset), `cannot set ${record.name}.${spec.name}: ${invalid.reason}`);
  (record.settings ??= []).push({ spec, data: parsed.data });
  (record.valueLocations ??= new Map()).set(spec.name, setting.valueLocation);
  if (!isLink(spec.dbf)) return;
  const link = parseLinkValue(setting.value);
  if (!link.ok) throw new DbFileError(setting.valueLocation, `cannot set ${record.name}.${spec.name}: ${link.reason}`);
  record.constants?.delete(spec.name);
  record.links?.delete(spec.name);
  record.parameters?.delete(spec.name);
  const { address } = link;
  if (address.kind === 'parameter')
    (record.parameters ??= new Map()).set(spec.name, { text: address.text, location: offsetInValue(setting, text.indexOf('@') + 1) });
  if (address.kind === 'constant') (record.constants ??= new Map()).set(spec.name, address.value);
  if (address.kind !== 'empty') (record.links ??= new Map()).set(spec.name, { address, location: setting.valueLocation });
}

/** Where the character `offset` of a setting's value is (past its opening quote), when the value fits one line. */
function offsetInValue(setting: Setting, offset: number | undefined): SourceLocation {
  const start = setting.valueLocation;
  if (offset === undefined) return start;
  const quote = setting.value.kind === 'string' && setting.value.quoted ? 1 : 0;
  return { ...start, column: start.column + quote + offset };
}

/** The records of a load, bound to their device supports; if one cannot be bound, those bound before it are released. */
function materializeAll(definitions: readonly PendingRecord[], devices: readonly PendingDevice[], host: RecordHost): LoadedRecord[] {
  const records: LoadedRecord[] = [];
  try {
    definitions.forEach((definition, index) => records.push({ record: materialize(definition, devices[index]!, host), location: definition.location }));
  } catch (error) {
    for (const { record } of records) record.device?.release?.();
    throw error;
  }
  return records;
}

interface PendingDevice {
  readonly settings: DeviceSettings;
  /** The registered support DTYP names; undefined for base's soft supports. */
  readonly support: DeviceSupport | undefined;
}

/** The record's device settings, checked against the support its DTYP names. */
function deviceOf(definition: PendingRecord, host: RecordHost): PendingDevice {
  let dtyp = 0;
  const linkTexts = new Map<string, { text: string; location: SourceLocation }>();
  for (const { spec, data } of definition.settings ?? []) {
    if (spec.dbf === 'DEVICE') dtyp = data as number;
    else if (isLink(spec.dbf)) linkTexts.set(spec.name, { text: data as string, location: definition.valueLocations!.get(spec.name)! });
  }
  const settings: DeviceSettings = {
    name: definition.name,
    type: definition.type,
    dtypName: host.devices.choices(definition.type)[dtyp] ?? '',
    dtypLocation: definition.valueLocations?.get('DTYP'),
    linkTexts,
    parameters: definition.parameters ?? NO_PARAMETERS,
  };
  const support = host.devices.support(definition.type, dtyp);
  checkDeviceAddress(settings, support);
  return { settings, support };
}

function materialize(definition: PendingRecord, device: PendingDevice, host: RecordHost): DbRecord {
  const record = new DbRecord(definition.name, definition.type, host);
  for (const { spec, data } of definition.settings ?? []) {
    record.assign(spec.name, data);
    if (spec.name === 'VAL') record.assign('UDF', 0);
  }
  for (const [name, value] of definition.infos ?? []) record.setInfo(name, value);
  if (device.support) {
    record.device = bindDevice(record, device.support, device.settings);
    record.ioScan = record.device.ioScan;
  }
  definition.type.init(record, definition.constants ?? NO_CONSTANTS);
  if (record.number('UDF') && record.number('STAT') === AlarmStatus.UDF) record.assign('SEVR', record.number('UDFS'));
  return record;
}

function unknownField(type: RecordType, name: string): string {
  const attribute = RECORD_ATTRIBUTES.some((spec) => spec.name === name) ? ` (${name} is a record attribute and cannot be set)` : '';
  const suggestion = attribute ? '' : closestField(type, name);
  return `record type ${type.name} has no field "${name}"${attribute}${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
}

function cannotSet(type: RecordType, spec: FieldSpec): string {
  const example = type.valueKind === 'array' ? '[1, 2, 3]' : '{const: "text"}';
  const hint = spec.name === 'VAL' ? `; give ${type.name} its initial value as a constant INP, e.g. field(INP, ${example})` : '';
  return `field ${spec.name} of record type ${type.name} cannot be set in a database file${hint}`;
}

/** The field name nearest to a misspelt one, if any is within two edits. */
function closestField(type: RecordType, name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of type.fields.keys()) {
    const distance = editDistance(name.toUpperCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
