import {
  AlarmSeverity,
  AlarmStatus,
  EMPTY_METADATA,
  EventMask,
  FieldType,
  NUMERIC_FIELD_ARRAYS,
  WRITE_OK,
  timeStampNow,
  type AccessRights,
  type AlarmState,
  type ClientIdentity,
  type DisplayMetadata,
  type EpicsTimeStamp,
  type FieldValue,
  type ProcessVariable,
  type PvListener,
  type PvProvider,
  type WriteResult,
} from './pv';
import { settleWrite } from './guard';

export interface SimplePvOptions {
  name: string;
  type: FieldType;
  /** Element capacity; defaults to the initial value's length, at least 1. */
  maxElements?: number;
  /** Initial elements in the native type; numbers and strings are accepted for convenience. */
  value?: FieldValue | number | string | readonly number[] | readonly string[];
  metadata?: Partial<DisplayMetadata>;
  readOnly?: boolean;
  className?: string;
  /** Decides on a client's write, at once or later; a reason string refuses it. */
  validate?: (value: FieldValue) => string | undefined | Promise<string | undefined>;
}

/**
 * A PV that holds its value in memory: the simplest ProcessVariable, for embedding code that
 * wants a few PVs without a database, and for protocol tests. Records build richer behaviour.
 */
export class SimplePv implements ProcessVariable {
  readonly name: string;
  readonly type: FieldType;
  readonly maxElements: number;
  readonly className: string;
  private current: FieldValue;
  private stamp: EpicsTimeStamp = timeStampNow();
  private alarmState: AlarmState = {
    status: AlarmStatus.NO_ALARM,
    severity: AlarmSeverity.NO_ALARM,
    acknowledgeTransient: true,
    acknowledgeSeverity: AlarmSeverity.NO_ALARM,
  };
  private meta: DisplayMetadata;
  private readonly readOnly: boolean;
  private readonly validate?: SimplePvOptions['validate'];
  private readonly listeners = new Set<PvListener>();

  constructor(options: SimplePvOptions) {
    this.name = options.name;
    this.type = options.type;
    this.className = options.className ?? 'simple';
    this.readOnly = options.readOnly ?? false;
    this.validate = options.validate;
    this.meta = { ...EMPTY_METADATA, ...options.metadata };
    const initial = toFieldValue(options.type, options.value ?? (options.type === FieldType.STRING ? '' : 0));
    this.maxElements = Math.max(1, options.maxElements ?? initial.length);
    if (initial.length > this.maxElements) throw new RangeError(`${this.name}: initial value longer than maxElements`);
    this.current = initial;
  }

  value(): FieldValue {
    return this.current;
  }
  alarm(): AlarmState {
    return this.alarmState;
  }
  timeStamp(): EpicsTimeStamp {
    return this.stamp;
  }
  metadata(): DisplayMetadata {
    return this.meta;
  }
  accessRights(): AccessRights {
    return { read: true, write: !this.readOnly };
  }

  write(value: FieldValue, _client: ClientIdentity): WriteResult | Promise<WriteResult> {
    if (this.readOnly) return { ok: false, error: 'readOnly', message: `${this.name} is read-only` };
    if (value.length > this.maxElements) value = value.slice(0, this.maxElements);
    if (this.type === FieldType.ENUM && this.meta.enumStrings.length > 0) {
      for (const index of value as Uint16Array) {
        if (index >= this.meta.enumStrings.length) {
          return { ok: false, error: 'rejected', message: `${this.name}: no state ${index}` };
        }
      }
    }
    return settleWrite(
      this.name,
      () => this.validate?.(value),
      () => this.post(value),
    );
  }

  acknowledgeAlarm(kind: 'transient' | 'severity', value: number): WriteResult {
    if (kind === 'transient') this.alarmState = { ...this.alarmState, acknowledgeTransient: value !== 0 };
    else if (value >= this.alarmState.acknowledgeSeverity) {
      this.alarmState = { ...this.alarmState, acknowledgeSeverity: AlarmSeverity.NO_ALARM };
    }
    this.notify(EventMask.ALARM);
    return WRITE_OK;
  }

  subscribe(listener: PvListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets the value from code (no access check) and tells every subscriber. */
  post(value: FieldValue | number | string | readonly number[] | readonly string[], stamp: EpicsTimeStamp = timeStampNow()): void {
    const next = toFieldValue(this.type, value);
    if (next.length > this.maxElements) throw new RangeError(`${this.name}: ${next.length} elements > ${this.maxElements}`);
    this.current = next;
    this.stamp = stamp;
    this.notify(EventMask.VALUE | EventMask.LOG);
  }

  setAlarm(status: number, severity: number): void {
    if (status === this.alarmState.status && severity === this.alarmState.severity) return;
    const acknowledgeSeverity = Math.max(severity, this.alarmState.acknowledgeSeverity);
    this.alarmState = { ...this.alarmState, status, severity, acknowledgeSeverity };
    this.notify(EventMask.ALARM);
  }

  setMetadata(changes: Partial<DisplayMetadata>): void {
    this.meta = { ...this.meta, ...changes };
    this.notify(EventMask.PROPERTY);
  }

  private notify(mask: number): void {
    for (const listener of this.listeners) listener(mask);
  }
}

function toFieldValue(type: FieldType, value: FieldValue | number | string | readonly number[] | readonly string[]): FieldValue {
  if (type === FieldType.STRING) {
    if (typeof value === 'string') return [value];
    return Array.from(value as ArrayLike<unknown>, String);
  }
  const ArrayType = NUMERIC_FIELD_ARRAYS[type];
  if (typeof value === 'number') return ArrayType.of(value);
  if (typeof value === 'string') {
    if (type === FieldType.CHAR) return new Uint8Array(Buffer.from(value, 'utf8'));
    return ArrayType.of(Number(value));
  }
  if (value instanceof ArrayType) return value;
  return ArrayType.from(value as ArrayLike<number>);
}

/** A provider over a fixed set of PVs. */
export class PvMap implements PvProvider {
  private readonly byName = new Map<string, ProcessVariable>();
  constructor(pvs: Iterable<ProcessVariable> = []) {
    for (const pv of pvs) this.add(pv);
  }
  add<T extends ProcessVariable>(pv: T): T {
    if (this.byName.has(pv.name)) throw new Error(`duplicate PV name ${pv.name}`);
    this.byName.set(pv.name, pv);
    return pv;
  }
  find(name: string): ProcessVariable | undefined {
    return this.byName.get(name);
  }
  get size(): number {
    return this.byName.size;
  }
  names(): IterableIterator<string> {
    return this.byName.keys();
  }
}
