import { DeviceBindError, type DeviceBinding, type DeviceSupport } from '../../../database';
import type { DbRecord } from '../../../database/record';
import type { TablePv } from '../../../pva/server';
import type { Logger } from '../../../logger';
import type { IocConfig } from '../../config/ioc-config';
import type { TraceReporter } from '../../tracing/trace-reporter';
import { HeapSnapshotDriver } from './heap-snapshot-driver';
import { PARAMETERS, parametersFor, recordTypesOf, waveformHolds, type Drivers, type InputParameter, type OutputParameter } from './parameters';
import type { SettingValue } from './setting';
import type { ResultTables } from './result-tables';
import { TracingDriver } from './tracing-driver';

/** The DTYP of the support. */
export const MEMORY_TRACING_DTYP = 'Memory tracing';

export interface MemoryTracingDeviceOptions {
  settings: IocConfig['tracing'];
  /** Makes the engine the first time tracing starts: in this thread, or in a worker of its own. */
  reporter: () => TraceReporter;
  /** Where the lists' NTTables are served (pvAccess): a text record names its table with info(Q:table, NAME). */
  tables: { add(table: TablePv): void };
  logger: Logger;
}

/**
 * The "Memory tracing" device support: one tracing engine, whatever the number of loaded views of
 * memoryTracing.db (each under its own prefix) whose records bind to it. Commands from any view
 * act on the one engine, and every view's settings and results follow it.
 */
export class MemoryTracingDevice implements DeviceSupport {
  readonly name = MEMORY_TRACING_DTYP;
  readonly recordTypes = [...new Set([...PARAMETERS.values()].flatMap(recordTypesOf))];
  private readonly drivers: Drivers;
  private readonly tables: MemoryTracingDeviceOptions['tables'];
  private readonly log: Logger;
  private bound = 0;
  private databaseRuns = false;

  constructor(options: MemoryTracingDeviceOptions) {
    this.log = options.logger.child({ group: 'memoryTracing' });
    const tracing = new TracingDriver(options);
    const heapSnapshots = new HeapSnapshotDriver({
      settings: options.settings.heapSnapshot,
      dumpDirectory: () => tracing.dumpDirectory,
      logger: options.logger,
    });
    this.drivers = { tracing, heapSnapshots };
    this.tables = options.tables;
  }

  bind(record: DbRecord, parameter: string): DeviceBinding {
    const entry = PARAMETERS.get(parameter);
    const link = entry?.direction === 'output' ? 'OUT' : 'INP';
    if (!entry || !recordTypesOf(entry).includes(record.type.name)) {
      const known = entry ? ` "@${parameter}" needs a ${recordTypesOf(entry).join(' or ')} record;` : ` "@${parameter}" is not one of its parameters;`;
      throw new DeviceBindError(
        `${MEMORY_TRACING_DTYP}:${known} a ${record.type.name} record takes ${parametersFor(record.type.name)
          .map((name) => `@${name}`)
          .join(', ')}`,
        link,
      );
    }
    const binding = entry.direction === 'output' ? this.bindOutput(record, entry) : this.bindInput(record, parameter, entry);
    this.bound++;
    // A file loaded while the database runs (dbLoadRecords after iocInit) gets a working engine too.
    if (this.databaseRuns) this.drivers.tracing.start();
    return {
      ...binding,
      release: () => {
        this.bound--;
        binding.release?.();
      },
    };
  }

  /** The database runs: settings act from here, and tracing starts if the configuration enables it and a record is bound. */
  start(): void {
    this.databaseRuns = true;
    if (this.bound > 0) this.drivers.tracing.start();
  }

  /** Stops sampling and a heap snapshot's analysis, and closes the engine. */
  async close(): Promise<void> {
    await Promise.all([this.drivers.tracing.close(), this.drivers.heapSnapshots.close()]);
  }

  private bindOutput(record: DbRecord, parameter: OutputParameter): DeviceBinding {
    const setting = parameter.setting(this.drivers);
    const detach = setting.attach(record);
    if (parameter.range) showRange(record, this.drivers.tracing.ranges[parameter.range]);
    // Clients hear why a value is refused, before it is stored.
    const stopListening = record.onWrite((value) => setting.refusal(value as SettingValue));
    return {
      ownsValue: false,
      write: (written) => {
        const refused = setting.write(written.get('VAL') as SettingValue);
        if (refused !== undefined) this.log.warn({ record: written.name }, refused);
        return refused === undefined;
      },
      release: () => {
        detach();
        stopListening();
      },
    };
  }

  private bindInput(record: DbRecord, parameter: string, entry: InputParameter): DeviceBinding {
    if (record.type.name === 'waveform' && !waveformHolds(record, entry.form)) {
      const wanted = { text: 'CHAR', strings: 'STRING', numbers: 'DOUBLE', number: 'DOUBLE' }[entry.form];
      throw new DeviceBindError(`${MEMORY_TRACING_DTYP}: "@${parameter}" needs a waveform with FTVL ${wanted}`, 'INP');
    }
    const reading = entry.reading(this.drivers);
    const binding: DeviceBinding = { ownsValue: true, ioScan: reading.ioScan, read: (read) => reading.read(read) };
    const name = record.infos.get('Q:table');
    if (!entry.tables || !name) return binding;
    return { ...binding, release: this.tableBeside(name, entry.tables(this.drivers)) };
  }

  /** The NTTable a list's text record names with info(Q:table, NAME), served beside it; returns what stops updating it. */
  private tableBeside(name: string, tables: ResultTables): () => void {
    try {
      return tables.open(name, (table) => this.tables.add(table));
    } catch (error) {
      throw new DeviceBindError(`${MEMORY_TRACING_DTYP}: info(Q:table, "${name}"): ${(error as Error).message}`, 'INP');
    }
  }
}

/**
 * DRVH/DRVL and HOPR/LOPR from the range in force, set at init rather than by .db macros so that
 * no macro a site passes can make what a display or a client is told differ from what a write accepts.
 */
function showRange(record: DbRecord, range: { min: number; max: number; off?: number }): void {
  // An "off" value below the range is a value a client may write, so the limits include it.
  const low = Math.min(range.min, range.off ?? range.min);
  for (const [field, value] of [
    ['DRVH', range.max],
    ['DRVL', low],
    ['HOPR', range.max],
    ['LOPR', low],
  ] as const) {
    if (record.type.fields.has(field)) record.assign(field, value);
  }
}
