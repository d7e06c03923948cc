// A channel onto one field of a record (`REC`, `REC.FIELD`, `REC.FIELD$`): the field's data in
// its DBR type, the record's alarm and time stamp, metadata from the record's fields, and the
// access the record's access security group gives a client to the field.

import type { AccessRules, AccessSecurityLevel } from '../access';
import { dbrTypeOf } from './dbf';
import { charCapacity, encodeField, encodeScalar } from './field-codec';
import {
  FieldType,
  WRITE_OK,
  type AccessRights,
  type AlarmState,
  type ClientIdentity,
  type DisplayMetadata,
  type EpicsTimeStamp,
  type FieldValue,
  type ProcessVariable,
  type PutCompletion,
  type PutProcessing,
  type PvListener,
  type WriteResult,
} from './pv';
import type { DbRecord } from './record';
import type { FieldSpec } from './records/field-spec';

/** Where a channel finds the access security rules in force, which may be replaced at any time. */
export interface AccessSecurityHost {
  /** undefined: no access security file, everyone may read and write. */
  readonly accessSecurity: AccessRules | undefined;
}

/** The four plain answers, shared: a channel keeps its rights for as long as it lives. Index: read | write << 1. */
const RIGHTS: readonly AccessRights[] = [
  Object.freeze({ read: false, write: false }),
  Object.freeze({ read: true, write: false }),
  Object.freeze({ read: false, write: true }),
  Object.freeze({ read: true, write: true }),
];
const FULL_ACCESS = RIGHTS[3]!;

const rightsOf = (read: boolean, write: boolean): AccessRights => RIGHTS[(read ? 1 : 0) | (write ? 2 : 0)]!;

// One is made for each channel a client creates (tens of thousands when a client connects to a
// whole IOC): it holds only what every read needs, and works out the rest when asked.
export class FieldPv implements ProcessVariable {
  readonly type: FieldType;
  readonly maxElements: number;

  constructor(
    readonly name: string,
    private readonly record: DbRecord,
    private readonly spec: FieldSpec,
    private readonly longString: boolean,
    private readonly security: AccessSecurityHost,
  ) {
    const shape = record.shape(spec);
    const dbr = dbrTypeOf(shape.dbf);
    if (dbr === undefined) throw new TypeError(`${record.name}.${spec.name} is not accessible`);
    this.type = longString ? FieldType.CHAR : dbr;
    this.maxElements = longString ? charCapacity(shape) : shape.elements;
  }

  get className(): string {
    return this.record.type.name;
  }

  get isText(): boolean {
    return this.longString || (this.spec.name === 'VAL' && this.type === FieldType.CHAR && this.record.infos.get('Q:form') === 'String');
  }

  get unsignedChar(): boolean {
    return !this.longString && this.record.shape(this.spec).dbf === 'UCHAR';
  }

  /** Every field of the record: a high-rate setpoint is written through VAL and through its other fields alike. */
  get logClientWrites(): boolean {
    const logClientWrites = this.record.infos.get('logClientWrites');
    return logClientWrites === undefined || !/^\s*no\s*$/i.test(logClientWrites);
  }

  value(): FieldValue {
    return encodeField(this.record.shape(this.spec), this.record.get(this.spec.name), this.longString);
  }

  scalar(): number | undefined {
    return encodeScalar(this.record.shape(this.spec), this.record.get(this.spec.name), this.longString);
  }

  alarm(): AlarmState {
    const record = this.record;
    return {
      status: record.number('STAT'),
      severity: record.number('SEVR'),
      acknowledgeTransient: record.number('ACKT') !== 0,
      acknowledgeSeverity: record.number('ACKS'),
      message: record.string('AMSG'),
    };
  }

  timeStamp(): EpicsTimeStamp {
    return this.record.time;
  }

  metadata(): DisplayMetadata {
    return this.record.type.metadata(this.record, this.spec);
  }

  description(): string {
    return this.record.string('DESC');
  }

  accessRights(client: ClientIdentity): AccessRights {
    const granted = this.granted(client);
    const ownedBy = this.owningDevice();
    if (ownedBy !== undefined) return { read: granted.read, write: false, noWriteReason: driverOwned(this.name, ownedBy) };
    return rightsOf(granted.read, granted.write && !this.spec.readOnly);
  }

  // Writes ask the rules again: the rules may have been replaced since the server last asked.
  write(value: FieldValue, client: ClientIdentity, completion?: PutCompletion, processing?: PutProcessing): WriteResult | Promise<WriteResult> {
    const ownedBy = this.owningDevice();
    if (ownedBy !== undefined) return { ok: false, error: 'readOnly', message: driverOwned(this.name, ownedBy) };
    if (!this.granted(client).write) return this.denied();
    return this.record.write(this.spec, value, this.longString, client, completion, processing);
  }

  acknowledgeAlarm(kind: 'transient' | 'severity', value: number, client: ClientIdentity): WriteResult {
    if (!this.granted(client).write) return this.denied();
    this.record.acknowledge(kind, value);
    return WRITE_OK;
  }

  subscribe(listener: PvListener): () => void {
    return this.record.subscribe(this.spec.name, listener);
  }

  /** The DTYP of the device support that owns this field's data (VAL of a driver-owned record), if one does. */
  private owningDevice(): string | undefined {
    return this.spec.name === 'VAL' && this.record.device?.ownsValue ? this.record.deviceName : undefined;
  }

  private granted(client: ClientIdentity): AccessRights {
    return this.security.accessSecurity?.rightsFor(this.record.string('ASG'), accessSecurityLevel(this.spec), client) ?? FULL_ACCESS;
  }

  private denied(): WriteResult {
    return { ok: false, error: 'readOnly', message: `${this.name}: no write access` };
  }
}

function driverOwned(name: string, dtyp: string): string {
  return `${name}: the value is set by device support "${dtyp}"; clients cannot write it`;
}

/**
 * The field's asl(): among the record types served here, EPICS base's .dbd files make VAL alone
 * ASL0 (dbCommon has no ASL0 field); every other field has the default, ASL1.
 */
function accessSecurityLevel(spec: FieldSpec): AccessSecurityLevel {
  return spec.name === 'VAL' ? 0 : 1;
}
