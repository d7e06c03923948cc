// One link of one record, as dbDbLink.c and dbCa.c serve it: a DB link to a field of a record of
// this IOC (processing a passive target on PP, taking its alarm on MS…), the same through CA
// semantics (CA/CP/CPP: puts as dbPutField, CP monitors processing the owner), or a CA link to a
// name this IOC does not serve, which stays unconnected and gives LINK/INVALID on every use.

import type { SourceLocation } from '../db-file/location';
import { AlarmSeverity, AlarmStatus, EventMask, type DisplayMetadata, type EpicsTimeStamp } from '../pv';
import { ProcessNotify } from '../process-notify';
import type { DbRecord } from '../record';
import type { FieldSpec } from '../records/field-spec';
import type { FieldShape } from '../records/record-type';
import type { FieldData } from '../field-codec';
import { convertField, type SourceField } from './convert';
import type { LinkAddress, PvAddress, SeverityMode } from './link-address';

export interface LinkTarget {
  readonly record: DbRecord;
  readonly spec: FieldSpec;
}

const MONITORED = EventMask.VALUE | EventMask.ALARM;

export class RecordLink {
  private target: LinkTarget | undefined;
  private stopMonitor: (() => void) | undefined;
  /** Whether the log has named this link's missing target. */
  reported = false;

  constructor(
    readonly owner: DbRecord,
    readonly field: string,
    readonly address: LinkAddress,
    readonly location?: SourceLocation,
  ) {}

  /** dbLinkIsConstant: empty, a constant or a device parameter; reading it changes nothing. */
  get isConstant(): boolean {
    return this.address.kind !== 'pv';
  }

  get pv(): PvAddress | undefined {
    return this.address.kind === 'pv' ? this.address : undefined;
  }

  get isConnected(): boolean {
    return this.target !== undefined;
  }

  /** dbLinkIsVolatile: a CA link, whether to a name not served here or to a local one by CA/CP/CPP. */
  get isVolatile(): boolean {
    const pv = this.pv;
    return pv !== undefined && (this.target === undefined || viaChannelAccess(pv));
  }

  /** The target, once the database serves it; `onEvent` hears its monitors (for CP/CPP). */
  connect(target: LinkTarget, onEvent: (owner: DbRecord) => void): void {
    this.disconnect();
    this.target = target;
    const pv = this.pv;
    if (pv?.process !== 'CP' && pv?.process !== 'CPP') return;
    this.stopMonitor = target.record.subscribe(target.spec.name, (mask) => {
      if ((mask & MONITORED) === 0) return;
      if (pv.process === 'CP' || this.owner.number('SCAN') === 0) onEvent(this.owner);
    });
  }

  disconnect(): void {
    this.stopMonitor?.();
    this.stopMonitor = undefined;
    this.target = undefined;
  }

  /** Whether the link monitors its target to process its owner (CP, CPP). */
  get processesOnChange(): boolean {
    const process = this.pv?.process;
    return process === 'CP' || process === 'CPP';
  }

  /**
   * dbGetLink into a field of the owner: false (and LINK/INVALID) when there is nothing to read.
   * `tryOnly` is dbTryGetLink's failure (recGblGetSimm): only LINK as the status, if none is set.
   */
  readInto(field: string, tryOnly = false): boolean {
    if (!this.pv) return true;
    const spec = this.owner.type.fields.get(field);
    if (!spec) return this.fail();
    const data = this.read(this.owner.shape(spec), labelsOf(this.owner, spec), tryOnly);
    if (data === undefined) return false;
    this.owner.assign(field, data);
    return true;
  }

  /**
   * dbGetLink into a buffer of `shape` rather than a field (compress reads its input's elements,
   * however many); undefined (and LINK/INVALID) when the link is not connected or has no such value.
   */
  read(shape: FieldShape, labels: readonly string[] = [], tryOnly = false): FieldData | undefined {
    const pv = this.pv;
    const target = this.target;
    if (!pv) return void this.fail();
    if (!target) {
      if (tryOnly) this.noteFailure();
      else this.fail();
      return undefined;
    }
    const source = target.record;
    if (pv.process === 'PP' && source !== this.owner && source.number('SCAN') === 0) processTarget(this.owner, source);
    const data = convertField(sourceField(target), shape, labels);
    if (data === undefined) return void this.fail();
    if (source !== this.owner) {
      inheritSeverity(pv.severity, this.owner, source.number('STAT'), source.number('SEVR'), source.string('AMSG'));
    }
    return data;
  }

  /** dbPutLink from a field of the owner: false (and LINK/INVALID) when it cannot be written. */
  writeFrom(field: string): boolean {
    const pv = this.pv;
    if (!pv) return true;
    const target = this.target;
    if (!target || target.spec.readOnly) return this.fail();
    const spec = this.owner.type.fields.get(field)!;
    const source = { data: this.owner.get(field), shape: this.owner.shape(spec), labels: labelsOf(this.owner, spec) };
    const data = convertField(source, target.record.shape(target.spec), labelsOf(target.record, target.spec));
    if (data === undefined) return this.fail();
    const destination = target.record;
    if (viaChannelAccess(pv)) {
      // dbPutField through CA: refused while the target has DISP set (but for DISP itself).
      if (destination.number('DISP') !== 0 && target.spec.name !== 'DISP') return this.fail();
      return destination.put(target.spec, data) === undefined || this.fail();
    }
    if (destination.store(target.spec, data) !== undefined) return this.fail();
    inheritSeverity(pv.severity, destination, this.owner.number('NSTA'), this.owner.number('NSEV'), this.owner.string('NAMSG'));
    if (target.spec.name === 'PROC' || (pv.process === 'PP' && destination.number('SCAN') === 0)) processTarget(this.owner, destination);
    return true;
  }

  /** dbScanFwdLink: a passive target processes; through CA, its PROC is written. */
  scanForward(): void {
    const target = this.target;
    if (!target || !this.pv) return;
    const { record } = target;
    if (viaChannelAccess(this.pv)) {
      const proc = record.type.fields.get('PROC');
      if (proc) record.put(proc, 1);
    } else if (record.number('SCAN') === 0) {
      processTarget(this.owner, record);
    }
  }

  /** dbGetUnits, dbGetPrecision, dbGetGraphicLimits, dbGetAlarmLimits: the target field's metadata; undefined when unconnected or not a PV. */
  targetMetadata(): DisplayMetadata | undefined {
    const target = this.target;
    return target && target.record.type.metadata(target.record, target.spec);
  }

  /** The target's time stamp when the link names its TIME field (TSEL "REC.TIME"). */
  timeStamp(): EpicsTimeStamp | undefined {
    return this.target?.spec.name === 'TIME' ? this.target.record.time : undefined;
  }

  private noteFailure(): false {
    if (this.owner.number('NSEV') === AlarmSeverity.NO_ALARM) this.owner.assign('NSTA', AlarmStatus.LINK);
    return false;
  }

  private fail(): false {
    this.owner.raiseAlarm(AlarmStatus.LINK, AlarmSeverity.INVALID);
    return false;
  }
}

/** dbDbLink.c's processTarget: a DB link processes its target, which joins the owner's put with completion, if any (dbNotifyAdd). */
function processTarget(owner: DbRecord, target: DbRecord): void {
  if (owner.notify) ProcessNotify.add(owner, target);
  target.processFrom(owner);
}

function viaChannelAccess(pv: PvAddress): boolean {
  return pv.process === 'CA' || pv.process === 'CP' || pv.process === 'CPP';
}

function sourceField({ record, spec }: LinkTarget): SourceField {
  return { data: record.get(spec.name), shape: record.shape(spec), labels: labelsOf(record, spec) };
}

function labelsOf(record: DbRecord, spec: FieldSpec): readonly string[] {
  if (spec.dbf === 'MENU') return spec.menu?.choices ?? [];
  if (spec.dbf === 'DEVICE') return record.deviceChoices;
  if (spec.dbf === 'ENUM' && spec.name === 'VAL') return record.type.enumStrings(record);
  return [];
}

/** recGblInheritSevr. */
export function inheritSeverity(mode: SeverityMode, record: DbRecord, status: number, severity: number, message: string): void {
  switch (mode) {
    case 'NMS':
      return;
    case 'MSI':
      if (severity < AlarmSeverity.INVALID) return;
      record.raiseAlarm(AlarmStatus.LINK, severity);
      return;
    case 'MS':
      record.raiseAlarm(AlarmStatus.LINK, severity);
      return;
    case 'MSS':
      record.raiseAlarm(status, severity, message);
  }
}
