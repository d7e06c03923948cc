// The IOC database: records loaded from .db files, served to CA as `REC`, `REC.FIELD`,
// `REC.FIELD$` and their aliases, processed at start (PINI) and by the periodic scans, and
// handed to code through typed record handles.

import * as path from 'node:path';
import type { Logger } from 'pino';
import type { AccessRules } from '../access';
import { silentLogger } from '../logger';
import { recordHandle, type RecordHandle } from './binding';
import type { SourceLocation } from './db-file/location';
import { parseMacroDefinitions, type Macros } from './db-file/macros';
import { streamDatabaseFile, streamDatabaseText, type ParseStream } from './db-file/parser';
import { splitSearchPath } from './db-file/source-files';
import { isText } from './dbf';
import { baseDeviceSupports } from './devices/base-supports';
import type { DeviceSupport } from './devices/device-support';
import { DeviceTable } from './devices/device-table';
import { FieldPv, type AccessSecurityHost } from './field-pv';
import { LinkTable } from './links/link-table';
import { buildRecords, type BuildResult } from './loader';
import type { ProcessVariable, PvProvider } from './pv';
import type { DbRecord, RecordHost } from './record';
import { RECORD_ATTRIBUTES } from './records/common-fields';
import type { FieldSpec } from './records/field-spec';
import type { ValueKind } from './records/record-type';
import { ScanOnceQueue, type ScanOnceQueueStatus } from './scan/scan-once';
import { DelayedCallbacks } from './scan/delayed-callbacks';
import { ProcessTrace } from './process-trace';
import { SubroutineRegistry, type Subroutine } from './subroutines';
import { Scanner } from './scan/scanner';

export interface DatabaseOptions {
  logger?: Logger;
}

export interface LoadOptions {
  /** Macro definitions as softIoc's -m takes them ("P=X:,R=Y:"), or as name → value. */
  macros?: string | Readonly<{ [name: string]: string }> | Macros;
  /**
   * Directories searched for included files named without a directory part. Default: the
   * directories of EPICS_DB_INCLUDE_PATH when set, else the directory of the loaded file.
   */
  includePaths?: readonly string[];
  /** The environment to read EPICS_DB_INCLUDE_PATH from (default: process.env). */
  env?: Readonly<{ [name: string]: string | undefined }>;
}

/** menuPini: when a record processes besides its scan (iocInit.c's piniProcessHook). */
const PINI_YES = 1;
const PINI_RUN = 2;
const PINI_RUNNING = 3;
const PINI_PAUSE = 4;
const PINI_PAUSED = 5;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** A field of a record, as a name designates it. */
export interface FieldAddress {
  readonly record: DbRecord;
  readonly spec: FieldSpec;
  /** The `$` suffix: a text field read and written as a CHAR array. */
  readonly longString: boolean;
}

interface NameEntry {
  readonly record: DbRecord;
  readonly location: SourceLocation;
}

export class Database implements PvProvider, AccessSecurityHost {
  private readonly names = new Map<string, NameEntry>();
  /** Where locate() leaves what it found beside the spec. */
  private locatedRecord!: DbRecord;
  private locatedLongString = false;
  private readonly recordList: DbRecord[] = [];
  private readonly logger: Logger;
  private readonly scanner: Scanner;
  private readonly once: ScanOnceQueue;
  private readonly delayed: DelayedCallbacks;
  private readonly links: LinkTable;
  private readonly host: RecordHost;
  private readonly accessListeners = new Set<() => void>();
  private readonly subroutines = new SubroutineRegistry();
  private readonly devices = new DeviceTable();
  private rules: AccessRules | undefined;
  private started = false;
  private paused = false;
  private devicesReleased = false;

  constructor(options: DatabaseOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    const onError = (record: DbRecord, error: unknown) => this.logger.error({ err: error, record: record.name }, 'scan processing failed');
    this.scanner = new Scanner(onError);
    this.once = new ScanOnceQueue(onError);
    this.delayed = new DelayedCallbacks(onError);
    this.links = new LinkTable({
      recordOf: (name) => this.names.get(name)?.record,
      scanOnce: (record) => this.once.request(record),
      logger: this.logger,
    });
    this.host = {
      scanChanged: (record) => this.scanner.update(record),
      accessGroupChanged: () => {
        if (this.rules) this.accessChanged();
      },
      relink: (record, field, text) => this.links.relink(record, field, text),
      scanOnce: (record) => this.once.request(record),
      requestDelayed: (record, seconds, callback) => this.delayed.request(record, seconds, callback),
      requestCallback: (record, callback) => this.delayed.soon(record, callback),
      postEvent: (event) => this.postEvent(event),
      warn: (record, message) => this.logger.warn({ record: record.name }, `${record.name}: ${message}`),
      subroutines: this.subroutines,
      devices: this.devices,
      trace: new ProcessTrace(this.logger),
    };
    for (const support of baseDeviceSupports()) this.devices.register(support);
  }

  /** Loads a .db file (as dbLoadRecords does); returns the names of the records it defined. */
  loadFile(file: string, options: LoadOptions = {}): string[] {
    const includePaths = this.includePaths(options, path.dirname(file));
    return this.add(streamDatabaseFile(file, { macros: macrosOf(options.macros), includePaths }));
  }

  /** Loads .db text; `file` names it in messages and is where includes are looked for by default. */
  loadText(text: string, options: LoadOptions & { file?: string } = {}): string[] {
    const file = options.file ?? '<text>';
    const includePaths = this.includePaths(options, options.file ? path.dirname(options.file) : '.');
    return this.add(streamDatabaseText(text, file, { macros: macrosOf(options.macros), includePaths }));
  }

  /**
   * Registers a subroutine that sub records name in INAM or SNAM (registryFunctionAdd); register
   * before loading the .db files that name it, which are refused otherwise.
   */
  registerSubroutine(name: string, subroutine: Subroutine): void {
    this.subroutines.register(name, subroutine);
  }

  /**
   * Adds a device support (a .dbd's device() line): records of its types choose it by DTYP and
   * address it with INP/OUT "@parameter". Register before the first .db file is loaded; a DTYP a
   * record type already has is refused.
   */
  registerDevice(support: DeviceSupport): void {
    this.devices.register(support);
  }

  /** iocInit: processes the PINI YES and RUN records, starts the scans, then processes the PINI RUNNING records. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.links.start();
    processPini(this.recordList, PINI_YES);
    this.run();
  }

  /**
   * iocPause: the PINI PAUSE records process, the scans (periodic, Event, I/O Intr) stop, then the
   * PAUSED records process. Returns what iocPause prints.
   */
  pause(): string {
    if (!this.started || this.paused) return 'iocPause: IOC not running\n';
    processPini(this.recordList, PINI_PAUSE);
    this.scanner.stop();
    this.paused = true;
    processPini(this.recordList, PINI_PAUSED);
    return 'iocPause: IOC suspended\n';
  }

  /** iocRun after iocPause: the PINI RUN records process, the scans start again, then the RUNNING records process. */
  resume(): string {
    if (!this.paused) return 'iocRun: IOC not paused\n';
    this.run();
    return 'iocRun: IOC restarted\n';
  }

  private run(): void {
    processPini(this.recordList, PINI_RUN);
    this.paused = false;
    this.scanner.start(this.recordList);
    processPini(this.recordList, PINI_RUNNING);
  }

  /** post_event: processes, in PHAS order, the records with SCAN "Event" whose EVNT names this event (a name or 1…255). */
  postEvent(event: string | number): void {
    if (this.started) this.scanner.postEvent(event);
  }

  /** Stops the scans and releases the records' device bindings. */
  close(): void {
    this.started = false;
    this.paused = false;
    this.scanner.stop();
    this.once.clear();
    this.delayed.clear();
    if (this.devicesReleased) return;
    this.devicesReleased = true;
    for (const record of this.recordList) record.device?.release?.();
  }

  find(name: string): ProcessVariable | undefined {
    const spec = this.locate(name);
    return spec && new FieldPv(name, this.locatedRecord, spec, this.locatedLongString, this);
  }

  serves(name: string): boolean {
    return this.locate(name) !== undefined;
  }

  /** dbNameToAddr: the record and field that `REC`, `REC.FIELD` or `REC.FIELD$` names, if any is served. */
  fieldAddress(name: string): FieldAddress | undefined {
    const spec = this.locate(name);
    return spec && { record: this.locatedRecord, spec, longString: this.locatedLongString };
  }

  /**
   * fieldAddress without the object, for the name searches and channels of a client (tens of
   * thousands when it connects to a whole IOC): the spec, with its record and `$` left in
   * `locatedRecord` and `locatedLongString` until the next call.
   */
  private locate(name: string): FieldSpec | undefined {
    const dot = name.indexOf('.');
    const entry = this.names.get(dot < 0 ? name : name.slice(0, dot));
    if (!entry) return undefined;
    const rest = dot < 0 ? '' : name.slice(dot + 1);
    const fieldName = rest === '' ? '' : (FIELD_NAME.exec(rest)?.[0] ?? '');
    const modifier = rest.slice(fieldName.length);
    if (modifier !== '' && modifier !== '$') return undefined;
    const spec = this.fieldSpec(entry.record, fieldName || 'VAL');
    if (!spec) return undefined;
    const shape = entry.record.shape(spec);
    if (shape.dbf === 'NOACCESS') return undefined;
    const longString = modifier === '$';
    if (longString && !isText(shape.dbf)) return undefined;
    this.locatedRecord = entry.record;
    this.locatedLongString = longString;
    return spec;
  }

  /** The access security rules in force; undefined (no file) lets everyone read and write. */
  get accessSecurity(): AccessRules | undefined {
    return this.rules;
  }

  /** Puts new access security rules in force (undefined: none) and tells the servers, which tell their clients. */
  setAccessSecurity(rules: AccessRules | undefined): void {
    this.rules = rules;
    this.accessChanged();
  }

  subscribeAccessChanges(listener: () => void): () => void {
    this.accessListeners.add(listener);
    return () => this.accessListeners.delete(listener);
  }

  private accessChanged(): void {
    for (const listener of [...this.accessListeners]) listener();
  }

  /** A loaded record by name or alias, for code to drive; `kind` checks what its VAL is. */
  record(name: string): RecordHandle;
  record<K extends ValueKind>(name: string, kind: K): RecordHandle<K>;
  record(name: string, kind?: ValueKind): RecordHandle {
    const entry = this.names.get(name);
    if (!entry) throw new Error(`no record ${name}`);
    const actual = entry.record.type.valueKind;
    if (kind !== undefined && kind !== actual) {
      throw new Error(`${name} is a ${entry.record.type.name} record, whose value is a ${actual}, not a ${kind}`);
    }
    return recordHandle(entry.record, actual);
  }

  hasRecord(name: string): boolean {
    return this.names.has(name);
  }

  /** devIocStats' scanOnce queue figures (scanOnceQueueStatus). */
  scanOnceQueueStatus(): ScanOnceQueueStatus {
    return this.once.status();
  }

  /** Names of the records, in load order (aliases not included). */
  recordNames(): string[] {
    return this.recordList.map((record) => record.name);
  }

  /** The records themselves, in load order, for the database's own services (autosave walks them as dbStatic would). */
  loadedRecords(): readonly DbRecord[] {
    return this.recordList;
  }

  private fieldSpec(record: DbRecord, name: string): FieldSpec | undefined {
    return record.type.fields.get(name) ?? RECORD_ATTRIBUTES.find((spec) => spec.name === name);
  }

  private includePaths(options: LoadOptions, fileDirectory: string): readonly string[] {
    if (options.includePaths) return options.includePaths;
    const fromEnv = (options.env ?? process.env).EPICS_DB_INCLUDE_PATH;
    return fromEnv ? splitSearchPath(fromEnv) : [fileDirectory];
  }

  private add(parsed: ParseStream): string[] {
    this.devices.seal();
    let built: BuildResult;
    try {
      // The file is parsed as its records are built, so that its syntax never all lives at once.
      built = buildRecords(
        parsed.items,
        {
          definitionOf: (name) => this.names.get(name)?.location,
          recordOf: (name) => this.names.get(name)?.record,
        },
        this.host,
      );
    } finally {
      for (const warning of parsed.warnings) this.logger.warn({ location: warning.location }, warning.message);
    }
    const loaded = new Map<string, DbRecord>([
      ...built.records.map(({ record }): [string, DbRecord] => [record.name, record]),
      ...built.aliases.map(({ alias, record }): [string, DbRecord] => [alias, record]),
    ]);
    LinkTable.check(built.links, (name) => this.names.get(name)?.record ?? loaded.get(name));
    this.register(built);
    this.links.add(built.links);
    if (this.started) this.startLoaded(built);
    this.logger.info({ files: parsed.files, records: built.records.length }, 'database loaded');
    return built.records.map(({ record }) => record.name);
  }

  private register(built: BuildResult): void {
    for (const { record, location } of built.records) {
      this.names.set(record.name, { record, location });
      this.recordList.push(record);
    }
    for (const { alias, record, location } of built.aliases) this.names.set(alias, { record, location });
  }

  /** A load after start: its records are initialised as iocInit would have done. */
  private startLoaded(built: BuildResult): void {
    const records = built.records.map(({ record }) => record);
    for (const pini of [PINI_YES, PINI_RUN, PINI_RUNNING]) processPini(records, pini);
    for (const record of records) this.scanner.update(record);
  }
}

/** The records with this PINI choice, processed in load order. */
function processPini(records: readonly DbRecord[], pini: number): void {
  for (const record of records) if (record.number('PINI') === pini) record.process();
}

function macrosOf(macros: LoadOptions['macros']): Macros {
  if (macros === undefined) return new Map();
  if (typeof macros === 'string') return parseMacroDefinitions(macros);
  if (macros instanceof Map) return macros;
  return new Map(Object.entries(macros as { [name: string]: string }));
}
