// One record instance: its field data, alarm state and time stamp, the channels listening to
// its fields, and the generic parts of dbPut, dbProcess and recGbl that every record type shares.

import { isLink } from './dbf';
import { decodeWrite, type FieldData } from './field-codec';
import { firstRefusal, settleWrite, type MaybeLater, type Verdict } from './guard';
import type { DeviceBinding } from './devices/device-support';
import type { DeviceTable } from './devices/device-table';
import { deviceFieldRefusal } from './devices/device-fields';
import type { RecordLink } from './links/record-link';
import { CANCELLED, ProcessNotify } from './process-notify';
import type { ProcessTrace } from './process-trace';
import type { IoScanSource } from './scan/io-scan';
import {
  AlarmSeverity,
  AlarmStatus,
  EventMask,
  timeStampNow,
  type ClientIdentity,
  type EpicsTimeStamp,
  type FieldValue,
  type PvListener,
  type PutCompletion,
  type PutProcessing,
  type WriteResult,
} from './pv';
import { fieldLayout } from './records/field-layout';
import type { FieldSpec } from './records/field-spec';
import type { Subroutine, SubroutineRegistry } from './subroutines';
import { putScan, swapSimulationScan } from './records/simulation';
import type { FieldShape, RecordType } from './records/record-type';

/**
 * A reason to refuse a client's write to VAL (given as the value it would store), or nothing to
 * accept it; at once or later. One that throws or rejects refuses the write (see guard.ts).
 */
export type WriteHandler = (value: FieldData, client: ClientIdentity) => MaybeLater<Verdict>;

const NO_HANDLERS: readonly WriteHandler[] = [];
const NO_INFOS: ReadonlyMap<string, string> = new Map();
const NO_LINKS: ReadonlyMap<string, RecordLink> = new Map();

/** What the database around a record needs to hear of. */
export interface RecordHost {
  scanChanged(record: DbRecord): void;
  /** ASG changed (dbCommon's SPC_AS): clients' access to the record may have changed. */
  accessGroupChanged(record: DbRecord): void;
  /** A link field takes new text: the link is replaced, or the reason the text is no link. */
  relink(record: DbRecord, field: string, text: string): string | undefined;
  /** scanOnce: process the record soon, after the processing under way. */
  scanOnce(record: DbRecord): void;
  /** callbackRequestDelayed: run record support's timed work; the function returned cancels it. */
  requestDelayed(record: DbRecord, seconds: number, callback: () => void): () => void;
  /** callbackRequest: run `callback` soon, after the processing under way (dbNotify's deferred halves). */
  requestCallback(record: DbRecord, callback: () => void): void;
  /** post_event (calcout's OEVT). */
  postEvent(event: string): void;
  /** What record support reports as it goes (subRecord.c's epicsPrintf of an empty SNAM): logged with the record's name. */
  warn(record: DbRecord, message: string): void;
  /** The subroutines code registered, for the sub record's INAM and SNAM. */
  readonly subroutines: SubroutineRegistry;
  /** The database's device table: DTYP choices and the supports they name. */
  readonly devices: DeviceTable;
  /** TPRO's trace flag and its log. */
  readonly trace: ProcessTrace;
}

/** What code asks of the next processing pass, as device support would supply it. */
export interface ProcessInput {
  /** A new VAL, stored only if the record processes (not when it is disabled or active). */
  value?: FieldData;
  status?: number;
  severity?: number;
  message?: string;
  timeStamp?: EpicsTimeStamp;
}

/** What a record type's process() returns to keep PACT set until it calls completeAsync (calcout's ODLY). */
export const ASYNC = 'async';
/** What process() returns when the pass made nothing new, so that FLNK is not followed (compress collecting N samples). */
export const NO_FORWARD_LINK = 'noForwardLink';
export type ProcessOutcome = typeof ASYNC | typeof NO_FORWARD_LINK | void;

const EPOCH: EpicsTimeStamp = Object.freeze({ secondsPastEpoch: 0, nanoseconds: 0 });
/** dbAccess.c MAX_LOCK: attempts to process an active record before it takes a SCAN alarm. */
const MAX_LOCK = 10;
/** The fields that choose the scan list (dbCommon's SPC_SCAN). */
const SCAN_FIELDS = new Set(['SCAN', 'PHAS', 'EVNT']);
/** TSE epicsTimeEventDeviceTime: device support supplies the time stamp. */
const DEVICE_TIME = -2;

/** One record. Not called Record, which would hide TypeScript's Record<K, V> wherever it is imported. */
export class DbRecord {
  /** TIME: never processed records carry the EPICS epoch, as in an IOC. */
  time: EpicsTimeStamp = EPOCH;
  /** The put with completion that holds the record (dbCommon's ppn), while one does. */
  notify: ProcessNotify | undefined;
  /** The I/O interrupt source its owner attached: with SCAN "I/O Intr", its requests process the record. */
  ioScan: IoScanSource | undefined;
  /** What the record is to the device support its DTYP names (dpvt); undefined for base's soft supports. */
  device: DeviceBinding | undefined;
  /** The field data, by the slot numbers of `slotOf` (records/field-layout.ts). */
  private readonly data: FieldData[];
  private readonly slotOf: ReadonlyMap<string, number>;
  // Most records never have infos, links, channels or write handlers: their tables are made on first use.
  private infoTable: Map<string, string> | undefined;
  private linkTable: Map<string, RecordLink> | undefined;
  private listeners: Map<string, Set<PvListener>> | undefined;
  private writeHandlers: Set<WriteHandler> | undefined;
  private pending: ProcessInput | undefined;
  /** PACT, kept as a boolean for the hot path and mirrored in the field for clients. */
  private active = false;
  /**
   * Whether a stretch of the record's pass runs now, on this call stack (dbDbLink.c's procThread
   * claim): a link that reaches the record meanwhile is a loop, not a put to make again (RPRO).
   * False while an asynchronous record waits for its completion.
   */
  private running = false;
  /** Set while record support holds the record active with no pass under way (holdActive). */
  private held = false;

  /** A record of `type` with its fields at their initial values and NAME set. */
  constructor(
    readonly name: string,
    readonly type: RecordType,
    private readonly host: RecordHost,
  ) {
    const layout = fieldLayout(type);
    this.slotOf = layout.slots;
    this.data = layout.initial.slice();
    this.assign('NAME', name);
  }

  /** The record's info tags. */
  get infos(): ReadonlyMap<string, string> {
    return this.infoTable ?? NO_INFOS;
  }

  setInfo(name: string, value: string): void {
    (this.infoTable ??= new Map()).set(name, value);
  }

  /** Link fields naming something (constants, PVs, device parameters), by field name. */
  get links(): ReadonlyMap<string, RecordLink> {
    return this.linkTable ?? NO_LINKS;
  }

  /** Attaches the link of a link field, replacing any it had (the link table's job). */
  setLink(field: string, link: RecordLink): void {
    (this.linkTable ??= new Map()).set(field, link);
  }

  deleteLink(field: string): void {
    this.linkTable?.delete(field);
  }

  get(field: string): FieldData {
    return this.data[this.slot(field)]!;
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
    this.data[this.slot(field)] = value;
  }

  private slot(field: string): number {
    const slot = this.slotOf.get(field);
    if (slot === undefined) throw new Error(`${this.name} has no field ${field}`);
    return slot;
  }

  shape(spec: FieldSpec): FieldShape {
    return this.type.shape(this, spec);
  }

  /** The DTYP choices of this record's type in its database. */
  get deviceChoices(): readonly string[] {
    return this.host.devices.choices(this.type);
  }

  /** The DTYP's label ("Soft Channel", "IOC stats"…); empty when unset. */
  get deviceName(): string {
    return this.deviceChoices[this.number('DTYP')] ?? '';
  }

  subscribe(field: string, listener: PvListener): () => void {
    const listeners = (this.listeners ??= new Map<string, Set<PvListener>>());
    let set = listeners.get(field);
    if (!set) listeners.set(field, (set = new Set<PvListener>()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size > 0 || listeners.get(field) !== set) return;
      listeners.delete(field);
      // With its last listener gone the record holds no table, as before its first one (the CA server's warm-up subscribes and leaves).
      if (listeners.size === 0 && this.listeners === listeners) this.listeners = undefined;
    };
  }

  /** db_post_events: to the channels of one field, or of every field when `field` is null. */
  post(field: string | null, mask: number): void {
    if (mask === 0 || this.listeners === undefined) return;
    if (field !== null) notify(this.listeners.get(field), mask);
    else for (const set of [...this.listeners.values()]) notify(set, mask);
  }

  /** dbGetLink: reads link field `link` into field `into`; false when the link failed (the record then has LINK/INVALID). */
  readLink(link: string, into: string): boolean {
    return this.links.get(link)?.readInto(into) ?? true;
  }

  /** dbTryGetLink: as readLink, but a failure only notes LINK as the status (no severity). */
  tryReadLink(link: string, into: string): boolean {
    return this.links.get(link)?.readInto(into, true) ?? true;
  }

  /** dbPutLink: writes field `from` through link field `link`; false when the link failed. */
  writeLink(link: string, from: string): boolean {
    return this.links.get(link)?.writeFrom(from) ?? true;
  }

  /** dbLinkIsConstant: empty, a constant or a device parameter. */
  linkIsConstant(link: string): boolean {
    return this.links.get(link)?.isConstant ?? true;
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

  /** recGblGetTimeStamp: from the TSEL link's record, else by TSE: the time code supplied (TSE -2 keeps it), else now. */
  stampTime(): void {
    const selector = this.links.get('TSEL');
    const linked = selector?.timeStamp();
    if (linked) {
      this.time = linked;
      return;
    }
    if (selector) selector.readInto('TSE');
    const supplied = this.pending?.timeStamp;
    if (supplied) this.time = supplied;
    else if (this.number('TSE') !== DEVICE_TIME) this.time = timeStampNow();
  }

  /** Whether the record is processing (PACT). */
  get isActive(): boolean {
    return this.active;
  }

  /**
   * Record support holds the record active with no pass under way, as subRecord.c sets PACT while
   * SNAM is empty: nothing processes it (dbProcess finds it active; a put marks RPRO) until
   * `releaseHold`. `reason` is logged each time, as subRecord.c prints it. A pass already under way
   * ends as it will, as in EPICS, where completing it clears PACT.
   */
  holdActive(reason: string): void {
    this.host.warn(this, reason);
    if (this.active && !this.held) return;
    this.held = true;
    this.active = true;
    this.assign('PACT', 1);
    this.assign('RPRO', 0);
  }

  /** Ends `holdActive`: PACT and RPRO cleared, so that the record processes again. */
  releaseHold(): void {
    if (!this.held) return;
    this.held = false;
    this.active = false;
    this.assign('PACT', 0);
    this.assign('RPRO', 0);
  }

  /**
   * dbProcess: an active record is not processed again; a disabled one (DISA read through SDIS
   * equal to DISV) only takes its disable alarm; otherwise record support processes it and the
   * forward link follows while PACT is still set, so that a loop of links stops here. With TPRO
   * set, this and every processing it causes is traced (process-trace.ts).
   */
  process(input?: ProcessInput): void {
    const trace = this.host.trace;
    if (trace.active || this.number('TPRO') === 0) {
      this.dbProcess(input, trace.active);
      return;
    }
    trace.active = true;
    try {
      this.dbProcess(input, true);
    } finally {
      trace.active = false;
    }
  }

  private dbProcess(input: ProcessInput | undefined, traced: boolean): void {
    if (this.active) {
      if (traced) this.host.trace.log(this.name, `dbProcess of Active '${this.name}' with RPRO=${String(this.number('RPRO'))}`);
      this.processWhileActive();
      return;
    }
    this.assign('LCNT', 0);
    this.readLink('SDIS', 'DISA');
    if (this.number('DISA') === this.number('DISV')) {
      if (traced) this.host.trace.log(this.name, `dbProcess of Disabled '${this.name}'`);
      this.processDisabled();
      return;
    }
    if (traced) this.host.trace.log(this.name, `dbProcess of '${this.name}'`);
    this.active = true;
    this.assign('PACT', 1);
    this.pending = input;
    this.runPass(undefined);
  }

  /** Record support's process(), after what code supplied for the pass (pending) is taken. */
  private startPass(): ProcessOutcome {
    const input = this.pending;
    if (input?.value !== undefined) this.storeValue(input.value);
    if (input?.severity !== undefined && input.severity > AlarmSeverity.NO_ALARM) {
      this.raiseAlarm(input.status ?? AlarmStatus.SOFT, input.severity, input.message);
    }
    return this.type.process(this);
  }

  /** The second half of an asynchronous pass (a callback's process() with PACT still set). */
  completeAsync(rest: () => ProcessOutcome): void {
    if (this.active) this.runPass(rest);
  }

  /**
   * dbDbLink.c's processTarget: a link of `source` (PP, FLNK, PROC) processes this record. An idle
   * record takes the source's PUTF; a busy one that a put from outside reached (PUTF set on the
   * source, and not a loop back to a record whose pass runs now) is marked to process again once
   * it completes (RPRO), its PUTF cleared. Either way dbProcess is called, and traced.
   */
  processFrom(source: DbRecord): void {
    if (!this.active) this.assign('PUTF', source.number('PUTF'));
    else if (!this.running && source.number('PUTF') !== 0) {
      this.assign('PUTF', 0);
      this.assign('RPRO', 1);
    }
    this.process();
  }

  /**
   * One synchronous stretch of a pass, its start or the `rest` of an asynchronous one, then
   * recGblFwdLink unless the record stays active (ASYNC). No closure for the start: it is the hot path.
   */
  private runPass(rest: (() => ProcessOutcome) | undefined): void {
    // Restored, not cleared, at the end: a completion that record support ran within its own pass stays inside it.
    const wasRunning = this.running;
    this.running = true;
    try {
      let outcome: ProcessOutcome;
      try {
        outcome = rest ? rest() : this.startPass();
      } catch (error) {
        this.finish();
        throw error;
      }
      this.conclude(outcome);
    } finally {
      this.running = wasRunning;
    }
  }

  /** recGblFwdLink, unless record support keeps the record active (ASYNC). */
  private conclude(outcome: ProcessOutcome): void {
    if (outcome === ASYNC) return;
    try {
      if (outcome !== NO_FORWARD_LINK) this.links.get('FLNK')?.scanForward();
    } finally {
      this.finish();
    }
  }

  /** callbackRequestDelayed: `callback` after `seconds`, cancelled when the database closes; returns its cancel. */
  requestDelayed(seconds: number, callback: () => void): () => void {
    return this.host.requestDelayed(this, seconds, callback);
  }

  /** callbackRequest: `callback` soon, after the processing under way; dropped when the database closes. */
  requestCallback(callback: () => void): void {
    this.host.requestCallback(this, callback);
  }

  /**
   * recGblFwdLink's tail and the end of process(): PACT cleared, the put with completion that
   * holds the record told (dbNotifyCompletion), a put made meanwhile processes again (RPRO, by
   * scanOnce: later, once), and the put that started the pass is over (PUTF cleared). Whatever
   * record support returned (compress collecting, a throw), so that no such put waits for ever.
   */
  private finish(): void {
    this.active = false;
    this.pending = undefined;
    this.assign('PACT', 0);
    if (this.notify) ProcessNotify.completion(this);
    if (this.number('RPRO') !== 0) {
      this.assign('RPRO', 0);
      this.host.scanOnce(this);
    }
    this.assign('PUTF', 0);
  }

  /** After MAX_LOCK attempts on an active record, a SCAN/INVALID alarm says it is stuck. */
  private processWhileActive(): void {
    if (this.number('STAT') === AlarmStatus.SCAN) return;
    const attempts = this.number('LCNT');
    this.assign('LCNT', Math.min(attempts + 1, 255));
    if (attempts < MAX_LOCK || this.number('SEVR') >= AlarmSeverity.INVALID) return;
    this.raiseAlarm(AlarmStatus.SCAN, AlarmSeverity.INVALID);
    this.post('VAL', this.resetAlarms() | EventMask.VALUE | EventMask.LOG);
  }

  /** dbProcess of a disabled record: no put waits on it (RPRO, PUTF cleared), its disable alarm, once; a put with completion that holds it is done. */
  private processDisabled(): void {
    this.assign('RPRO', 0);
    this.assign('PUTF', 0);
    if (this.notify) ProcessNotify.completion(this);
    if (this.number('STAT') === AlarmStatus.DISABLE) return;
    this.assign('SEVR', this.number('DISS'));
    this.assign('STAT', AlarmStatus.DISABLE);
    this.assign('NSEV', 0);
    this.assign('NSTA', 0);
    this.post('STAT', EventMask.VALUE);
    this.post('SEVR', EventMask.VALUE);
    this.post('VAL', EventMask.VALUE | EventMask.ALARM);
  }

  private storeValue(data: FieldData): void {
    const spec = this.type.fields.get('VAL');
    if (!spec) throw new Error(`${this.type.name} has no VAL`);
    this.assign('VAL', data);
    this.type.afterPut(this, spec);
    this.assign('UDF', 0);
  }

  /** post_event: processes the records waiting for this event (calcout's OEVT). */
  postEvent(event: string): void {
    this.host.postEvent(event);
  }

  /** registryFunctionFind: the subroutine registered under `name`. */
  subroutine(name: string): Subroutine | undefined {
    return this.host.subroutines.find(name);
  }

  /** get_ioint_info: the owner's I/O interrupt source (undefined: none); with SCAN "I/O Intr" its requests process the record. */
  attachIoScan(source: IoScanSource | undefined): void {
    this.ioScan = source;
    this.host.scanChanged(this);
  }

  onWrite(handler: WriteHandler): () => void {
    const handlers = (this.writeHandlers ??= new Set());
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /**
   * A client's write to a field: refused, or stored, posted and processed as dbPutField does, or
   * as `processing` asks. With `completion` (a put with callback), as dbProcessNotify: the result
   * waits until the processing the put started has finished; aborting its signal cancels the wait.
   */
  write(
    spec: FieldSpec,
    value: FieldValue,
    longString: boolean,
    client: ClientIdentity,
    completion?: PutCompletion,
    processing: PutProcessing = 'passive',
  ): WriteResult | Promise<WriteResult> {
    if (spec.readOnly) return { ok: false, error: 'readOnly', message: `${this.name}.${spec.name} is read-only` };
    if (this.number('DISP') !== 0 && spec.name !== 'DISP') {
      return { ok: false, error: 'rejected', message: `${this.name} has puts disabled (DISP)` };
    }
    const decoded = decodeWrite(this.shape(spec), value, longString, this.stateCount(spec));
    if (!decoded.ok) return { ok: false, error: 'rejected', message: `${this.name}.${spec.name}: ${decoded.reason}` };
    const { data } = decoded;
    const handlers = spec.name === 'VAL' && this.writeHandlers ? [...this.writeHandlers] : NO_HANDLERS;
    const asClient = <T>(work: () => T): T => {
      const trace = this.host.trace;
      trace.client = client;
      try {
        return work();
      } finally {
        trace.client = undefined;
      }
    };
    const named = (refused: string | undefined) => (refused === undefined ? undefined : `${this.name}.${spec.name}: ${refused}`);
    const store = completion
      ? () =>
          new Promise<string | undefined>((resolve) =>
            asClient(() => this.putNotify(spec, data, processing, completion.signal, asClient, (refused) => resolve(named(refused)))),
          )
      : () => named(asClient(() => this.put(spec, data, processing)));
    return settleWrite(this.name, () => firstRefusal(handlers, [data, client]), store);
  }

  /** dbProcessNotify of a client's put: `done` hears the refusal, or undefined once the processing has finished. */
  private putNotify(
    spec: FieldSpec,
    data: FieldData,
    processing: PutProcessing,
    signal: AbortSignal,
    asClient: (work: () => void) => void,
    done: (refusal: string | undefined) => void,
  ): void {
    const cancel = () => notify.cancel();
    const notify = new ProcessNotify(this, {
      put: () => this.store(spec, data),
      processes: () => this.processesOnPut(spec, processing),
      asClient,
      done: (refused) => {
        signal.removeEventListener('abort', cancel);
        done(refused);
      },
    });
    if (signal.aborted) return done(CANCELLED);
    signal.addEventListener('abort', cancel, { once: true });
    notify.start();
  }

  /** A new VAL from code, as device support delivers one: stored and processed unless the record is disabled or active. */
  update(data: FieldData, input: ProcessInput = {}): void {
    this.process({ ...input, value: data });
  }

  /**
   * dbPutField: dbPut, then processing when the field is PROC or pp(TRUE) on a passive record (or
   * as `processing` asks), marked as a put's (PUTF); an active record is marked to process again
   * once it completes (RPRO).
   */
  put(spec: FieldSpec, data: FieldData, processing: PutProcessing = 'passive'): string | undefined {
    const refused = this.store(spec, data);
    if (refused !== undefined) return refused;
    if (!this.processesOnPut(spec, processing)) return undefined;
    if (this.active) {
      this.assign('RPRO', 1);
    } else {
      this.assign('PUTF', 1);
      this.process();
    }
    return undefined;
  }

  /**
   * Whether a put to this field processes the record: always a put to PROC; else as `processing`
   * asks, 'passive' being dbPutField's rule (a pp(TRUE) field of a passive record). A link field
   * is put as dbPutField puts it whatever was asked, as QSRV does (pvxs ioc/iocsource.cpp doDbPut
   * and doPostProcessing).
   */
  processesOnPut(spec: FieldSpec, processing: PutProcessing = 'passive'): boolean {
    if (spec.name === 'PROC') return true;
    const asked = isLink(spec.dbf) ? 'passive' : processing;
    return asked === 'always' || (asked === 'passive' && spec.processPassive === true && this.number('SCAN') === 0);
  }

  /** dbPut: store, react, post; a link field's text must be a link. Returns why it was refused, if it was. */
  store(spec: FieldSpec, data: FieldData): string | undefined {
    const invalid = this.type.validate?.(spec.name, data, this.host, this) ?? deviceFieldRefusal(this, spec, data, this.host.devices);
    if (invalid) return invalid.reason;
    if (isLink(spec.dbf)) {
      const refused = this.host.relink(this, spec.name, data as string);
      if (refused !== undefined) return refused;
    }
    const previous = this.get(spec.name);
    this.assign(spec.name, data);
    if (spec.name === 'SIMM') swapSimulationScan(this, previous as number, putScan(this));
    this.type.afterPut(this, spec);
    const isValue = spec.name === 'VAL';
    if (isValue) this.assign('UDF', 0);
    if (!(isValue && spec.processPassive)) this.post(spec.name, EventMask.VALUE | EventMask.LOG);
    if (spec.property) this.post(null, EventMask.PROPERTY);
    if (SCAN_FIELDS.has(spec.name)) this.host.scanChanged(this);
    if (spec.name === 'ASG') this.host.accessGroupChanged(this);
    return undefined;
  }

  /** How many states an enum-like field has, when it limits writes; 0 when it does not. */
  stateCount(spec: FieldSpec): number {
    switch (spec.dbf) {
      case 'MENU':
        return spec.menu?.choices.length ?? 0;
      case 'DEVICE':
        return this.deviceChoices.length;
      case 'ENUM':
        return spec.name === 'VAL' ? this.type.enumStrings(this).length : 0;
      default:
        return 0;
    }
  }
}

/** The channels of one field, each told once; a copy, since a listener may unsubscribe others. */
function notify(listeners: Set<PvListener> | undefined, mask: number): void {
  if (listeners) for (const listener of [...listeners]) listener(mask);
}
