// A channel onto one field of a record (`REC`, `REC.FIELD`, `REC.FIELD$`): the field's data in
// its DBR type, the record's alarm and time stamp, metadata from the record's fields.

import { dbrTypeOf } from './dbf';
import { charCapacity, encodeField } from './field-codec';
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
  type PvListener,
  type WriteResult,
} from './pv';
import type { DbRecord } from './record';
import type { FieldSpec } from './records/field-spec';

export class FieldPv implements ProcessVariable {
  readonly type: FieldType;
  readonly maxElements: number;
  readonly className: string;

  constructor(
    readonly name: string,
    private readonly record: DbRecord,
    private readonly spec: FieldSpec,
    private readonly longString: boolean,
  ) {
    const shape = record.shape(spec);
    const dbr = dbrTypeOf(shape.dbf);
    if (dbr === undefined) throw new TypeError(`${record.name}.${spec.name} is not accessible`);
    this.type = longString ? FieldType.CHAR : dbr;
    this.maxElements = longString ? charCapacity(shape) : shape.elements;
    this.className = record.type.name;
  }

  value(): FieldValue {
    return encodeField(this.record.shape(this.spec), this.record.get(this.spec.name), this.longString);
  }

  alarm(): AlarmState {
    const record = this.record;
    return {
      status: record.number('STAT'),
      severity: record.number('SEVR'),
      acknowledgeTransient: record.number('ACKT') !== 0,
      acknowledgeSeverity: record.number('ACKS'),
    };
  }

  timeStamp(): EpicsTimeStamp {
    return this.record.time;
  }

  metadata(): DisplayMetadata {
    return this.record.type.metadata(this.record, this.spec);
  }

  accessRights(_client: ClientIdentity): AccessRights {
    return { read: true, write: !this.spec.readOnly };
  }

  write(value: FieldValue, client: ClientIdentity): WriteResult {
    return this.record.write(this.spec, value, this.longString, client);
  }

  acknowledgeAlarm(kind: 'transient' | 'severity', value: number, _client: ClientIdentity): WriteResult {
    this.record.acknowledge(kind, value);
    return WRITE_OK;
  }

  subscribe(listener: PvListener): () => void {
    return this.record.subscribe(this.spec.name, listener);
  }
}
