// One record instance: its field data, alarm state and time stamp, the channels listening to
// its fields, and the generic parts of dbPut, dbProcess and recGbl that every record type shares.

import { decodeWrite, type FieldData } from './field-codec';
import { firstRefusal, settleWrite, type MaybeLater, type Verdict } from './guard';
import {
  AlarmSeverity,
  AlarmStatus,
  EventMask,
  timeStampNow,
  type ClientIdentity,
  type EpicsTimeStamp,
  type FieldValue,
  type PvListener,
  type WriteResult,
} from './pv';
import type { FieldSpec } from './records/field-spec';
import type { FieldShape, RecordType } from './records/record-type';

/**
 * A reason to refuse a client's write to VAL (given as the value it would store), or nothing to
 * accept it; at once or later. One that throws or rejects refuses the write (see guard.ts).
 */
export type WriteHandler = (value: FieldData, client: ClientIdentity) => MaybeLater<Verdict>;

const NO_HANDLERS: readonly WriteHandler[] = [];

/** What the database around a record needs to hear of. */
export interface RecordHost {
  scanChanged(record: DbRecord): void;
  /** ASG changed (dbCommon's SPC_AS): clients' access to the record may have changed. */
  accessGroupChanged(record: DbRecord): void;
}

/** What code asks of the next processing pass, as device support would supply it. */
export interface ProcessInput {
  status?: number;
  severity?: number;
  message?: string;
  timeStamp?: EpicsTimeStamp;
}

const EPOCH: EpicsTimeStamp = Object.freeze({ secondsPastEpoch: 0, nanoseconds: 0 });

/** One record. Not called Record, which would hide TypeScript's Record<K, V> wherever it is imported. */
export class DbRecord {
  /** TIME: never processed records carry the EPICS epoch, as in an IOC. */
  time: EpicsTimeStamp = EPOCH;
  /** The record's info tags. */
  readonly infos = new Map<string, string>();
  private readonly data = new Map<string, FieldData>();
  private readonly listeners = new Map<string, Set<PvListener>>();
  private readonly writeHandlers = new Set<WriteHandler>();
  private pending: ProcessInput | undefined;

  constructor(
    readonly name: string,
    readonly type: RecordType,
    private readonly host: RecordHost,
  ) {}

  get(field: string): FieldData {
    const value = this.data.get(field);
    if (value === undefined) throw new Error(`${this.name} has no field ${field}`);
    return value;
  }

  number(field: string): number {
    const value = this.get(field);
    if (typeof value !== 'number') throw new TypeError(`${this.name}.${field} is not numeric`);
    return value;
  }

  string(field: string): string {
    const value = this.get(field);
    if (typeof value !== 'string') throw new TypeError(`${this.name}.${field} is not text`);
    return value;
  }

  /** Stores without posting: for record support, which posts what it decides to. */
  assign(field: string, value: FieldData): void {
    this.data.set(field, value);
  }

  shape(spec: FieldSpec): FieldShape {
    return this.type.shape(this, spec);
  }

  subscribe(field: string, listener: PvListener): () => void {
    let set = this.listeners.get(field);
    if (!set) this.listeners.set(field, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(field);
    };
  }

  /** db_post_events: to the channels of one field, or of every field when `field` is null. */
  post(field: string | null, mask: number): void {
    if (mask === 0) return;
    const targets = field === null ? [...this.listeners.values()] : [this.listeners.get(field)];
    for (const set of targets) if (set) for (const listener of [...set]) listener(mask);
  }

  /** recGblSetSevr: proposes an alarm for this pass; the most severe proposal wins. */
  raiseAlarm(status: number, severity: number, message = ''): boolean {
    if (this.number('NSEV') >= severity) return false;
    this.assign('NSTA', status);
    this.assign('NSEV', severity);
    this.assign('NAMSG', message);
    return true;
  }

  /** recGblResetAlarms: makes this pass's alarm current; returns EventMask.ALARM when it changed. */
  resetAlarms(): number {
    const previousStatus = this.number('STAT');
    const previousSeverity = this.number('SEVR');
    const status = this.number('NSTA');
    const severity = Math.min(this.number('NSEV'), AlarmSeverity.INVALID);
    let statusMask = 0;
    if (this.string('NAMSG') !== this.string('AMSG')) {
      this.assign('AMSG', this.string('NAMSG'));
      statusMask = EventMask.ALARM;
    }
    this.assign('STAT', status);
    this.assign('SEVR', severity);
    this.assign('NSTA', 0);
    this.assign('NSEV', 0);
    // As recGblResetAlarms: the next processing starts with no message, so a cleared alarm clears AMSG.
    this.assign('NAMSG', '');
    if (previousSeverity !== severity) {
      statusMask = EventMask.ALARM;
      this.post('SEVR', EventMask.VALUE);
    }
    if (previousStatus !== status) statusMask |= EventMask.VALUE;
    if (statusMask === 0) return 0;
    this.post('STAT', statusMask);
    this.post('AMSG', statusMask);
    if (this.number('ACKT') === 0 || severity >= this.number('ACKS')) {
      this.assign('ACKS', severity);
      this.post('ACKS', EventMask.VALUE);
    }
    return EventMask.ALARM;
  }

  /** DBR_PUT_ACKT and DBR_PUT_ACKS, as dbPut handles them. */
  acknowledge(kind: 'transient' | 'severity', value: number): void {
    if (kind === 'transient') {
      const acknowledgeTransient = value !== 0 ? 1 : 0;
      if (acknowledgeTransient === this.number('ACKT')) return;
      this.assign('ACKT', acknowledgeTransient);
      this.post('ACKT', EventMask.VALUE | EventMask.ALARM);
      if (!acknowledgeTransient && this.number('ACKS') > this.number('SEVR')) {
        this.assign('ACKS', this.number('SEVR'));
        this.post('ACKS', EventMask.VALUE | EventMask.ALARM);
      }
    } else {
      if (value < this.number('ACKS')) return;
      this.assign('ACKS', 0);
      this.post('ACKS', EventMask.VALUE | EventMask.ALARM);
    }
    this.post(null, EventMask.ALARM);
  }

  /** The time stamp of this pass: the one code supplied, else now. */
  stampTime(): void {
    this.time = this.pending?.timeStamp ?? timeStampNow();
  }

  /** dbProcess: a disabled record only raises its disable alarm. */
  process(input?: ProcessInput): void {
    if (this.number('DISA') === this.number('DISV')) {
      this.processDisabled();
      return;
    }
    this.pending = input;
    try {
      if (input?.severity !== undefined && input.severity > AlarmSeverity.NO_ALARM) {
        this.raiseAlarm(input.status ?? AlarmStatus.SOFT, input.severity, input.message);
      }
      this.type.process(this);
    } finally {
      this.pending = undefined;
    }
  }

  private processDisabled(): void {
    if (this.number('STAT') === AlarmStatus.DISABLE) return;
    this.assign('SEVR', this.number('DISS'));
    this.assign('STAT', AlarmStatus.DISABLE);
    this.assign('NSEV', 0);
    this.assign('NSTA', 0);
    this.post('STAT', EventMask.VALUE);
    this.post('SEVR', EventMask.VALUE);
    this.post('VAL', EventMask.VALUE | EventMask.ALARM);
  }

  onWrite(handler: WriteHandler): () => void {
    this.writeHandlers.add(handler);
    return () => this.writeHandlers.delete(handler);
  }

  /** A client's write to a field: refused, or stored, posted and processed as dbPutField does. */
  write(spec: FieldSpec, value: FieldValue, longString: boolean, client: ClientIdentity): WriteResult | Promise<WriteResult> {
    if (spec.readOnly) return { ok: false, error: 'readOnly', message: `${this.name}.${spec.name} is read-only` };
    if (this.number('DISP') !== 0 && spec.name !== 'DISP') {
      return { ok: false, error: 'rejected', message: `${this.name} has puts disabled (DISP)` };
    }
    const decoded = decodeWrite(this.shape(spec), value, longString, this.stateCount(spec));
    if (!decoded.ok) return { ok: false, error: 'rejected', message: `${this.name}.${spec.name}: ${decoded.reason}` };
    const { data } = decoded;
    const handlers = spec.name === 'VAL' ? [...this.writeHandlers] : NO_HANDLERS;
    return settleWrite(this.name, () => firstRefusal(handlers, [data, client]), () => this.put(spec, data));
  }

  /** A new VAL from code, as device support delivers one: store it and process the record. */
  update(data: FieldData, input: ProcessInput = {}): void {
    const spec = this.type.fields.get('VAL');
    if (!spec) throw new Error(`${this.type.name} has no VAL`);
    this.assign('VAL', data);
    this.type.afterPut(this, spec);
    this.assign('UDF', 0);
    this.process(input);
  }

  /** dbPut and the processing dbPutField adds: store, react, post, process a passive record. */
  put(spec: FieldSpec, data: FieldData): void {
    this.assign(spec.name, data);
    this.type.afterPut(this, spec);
    const isValue = spec.name === 'VAL';
    if (isValue) this.assign('UDF', 0);
    if (!(isValue && spec.processPassive)) this.post(spec.name, EventMask.VALUE | EventMask.LOG);
    if (spec.property) this.post(null, EventMask.PROPERTY);
    if (spec.name === 'SCAN') this.host.scanChanged(this);
    if (spec.name === 'ASG') this.host.accessGroupChanged(this);
    if (spec.name === 'PROC' || (spec.processPassive && this.number('SCAN') === 0)) this.process();
  }

  /** How many states an enum-like field has, when it limits writes; 0 when it does not. */
  stateCount(spec: FieldSpec): number {
    switch (spec.dbf) {
      case 'MENU':
        return spec.menu?.choices.length ?? 0;
      case 'DEVICE':
        return this.type.devices.length;
      case 'ENUM':
        return spec.name === 'VAL' ? this.type.enumStrings(this).length : 0;
      default:
        return 0;
    }
  }
}
