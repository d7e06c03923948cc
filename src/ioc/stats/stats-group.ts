// The iocStats group: each status period, writes the records of records/iocStats.db from what
// this process knows of itself, the host thread's latest snapshot and the CA server's counts. It
// runs in the CA server's thread, so HEARTBEAT keeps ticking while the host's event loop is blocked.

import type { Logger } from 'pino';
import type { CaServerStatistics } from '../../ca/server';
import type { PvaServerStatistics } from '../../pva/server';
import type { Database, RecordHandle } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import { formatTimeOfDay, formatUptime } from './format';
import { readIocIdentity, type IocIdentity } from './identity';
import type { ProcessMetrics } from './metrics';
import { SystemSampler, type SystemSample } from './system';

/** The group's records, to be loaded with P (the prefix) and any alarm macros before the group starts. */

export interface IocStatsGroupOptions {
  /** Holds the records of records/iocStats.db, loaded with P = `prefix`. */
  database: Database;
  prefix: string;
  /** The host thread's latest snapshot; undefined until it has taken one. */
  metrics: () => ProcessMetrics | undefined;
  serverStatistics: () => CaServerStatistics;
  /** The pvAccess server's counts, for PVA_CLNT_CNT and PVA_CONN_CNT; none when it does not run. */
  pvaServerStatistics?: () => Pick<PvaServerStatistics, 'clients' | 'channels'>;
  periodSeconds: number;
  logger: Logger;
  /** Where ENGINEER and LOCATION come from when the .db macros leave them empty (default: process.env). */
  env?: Readonly<{ [name: string]: string | undefined }>;
}

export interface IocStatsGroup {
  /** Writes a period's values now (the timer does so every period); settles when those read from /proc are in too. */
  update(): Promise<void>;
  stop(): void;
}

interface Unknown {
  status: number;
  message: string;
}

type Figure<T> = readonly [record: string, value: (source: T) => number | undefined];

/** devIocStats' HEARTBEAT calc: (A<2147483647)?A+1:1. */
const HEARTBEAT_WRAP = 2147483647;
/** A snapshot older than this many of its periods means the host thread has stopped answering. */
const STALE_AFTER_PERIODS = 3;
const NOT_MEASURED: Unknown = { status: AlarmStatus.UDF, message: 'not measured' };
const NO_SNAPSHOT: Unknown = { status: AlarmStatus.UDF, message: 'no snapshot from the host thread yet' };

const THREAD_FIGURES: readonly Figure<ProcessMetrics>[] = [
  ['HEAP_USED', (m) => m.heapUsed],
  ['HEAP_TOTAL', (m) => m.heapTotal],
  ['HEAP_LIMIT', (m) => m.heapLimit],
  ['HEAP_USED_PCT', (m) => (100 * m.heapUsed) / m.heapLimit],
  ['EXTERNAL_MEM', (m) => m.external],
  ['ARRAY_BUFFERS', (m) => m.arrayBuffers],
  ['GC_COUNT', (m) => m.gcCount],
  ['GC_PAUSE', (m) => m.gcPauseMs],
  ['EVENT_LOOP_LAG', (m) => m.eventLoopLagMs],
  ['EVENT_LOOP_UTIL', (m) => m.eventLoopUtilization],
];

const THREAD_RECORDS = THREAD_FIGURES.map(([name]) => name);

const SYSTEM_FIGURES: readonly Figure<SystemSample>[] = [
  ['IOC_CPU_LOAD', (s) => s.iocCpuLoad],
  ['SYS_CPU_LOAD', (s) => s.sysCpuLoad],
  ['MEM_USED', (s) => s.memUsed],
  ['RSS', (s) => s.memUsed],
  ['MEM_FREE', (s) => s.memFree],
  ['MEM_MAX', (s) => s.memMax],
  ['FD_CNT', (s) => s.fdCount],
  ['FD_MAX', (s) => s.fdMax],
  ['FD_FREE', (s) => (s.fdMax === undefined || s.fdCount === undefined ? undefined : s.fdMax - s.fdCount)],
];

const PERIODIC_NUMBERS = ['HEARTBEAT', 'CA_CLNT_CNT', 'CA_CONN_CNT', 'PVA_CLNT_CNT', 'PVA_CONN_CNT', 'RECORD_CNT'];
const IDENTITY_NUMBERS = ['CPU_CNT', 'PROCESS_ID', 'PARENT_ID'];
const TEXTS = ['UPTIME', 'STARTTOD', 'TOD', 'EPICS_VERS', 'KERNEL_VERS', 'NODE_VERS', 'HOSTNAME', 'ENGINEER', 'LOCATION'];

/** Display ranges known only at run time: the HOPR of these records follows another record's value. */
const RANGES: readonly [records: readonly string[], top: string][] = [
  [['MEM_USED', 'MEM_FREE', 'RSS', 'EXTERNAL_MEM', 'ARRAY_BUFFERS'], 'MEM_MAX'],
  [['FD_CNT', 'FD_FREE'], 'FD_MAX'],
  [['HEAP_USED', 'HEAP_TOTAL'], 'HEAP_LIMIT'],
];

/** Starts writing the records at once and then every period; throws if one of them is missing. */
export function createIocStatsGroup(options: IocStatsGroupOptions): IocStatsGroup {
  return new StatsGroup(options);
}

class StatsGroup implements IocStatsGroup {
  private readonly numbers = new Map<string, RecordHandle<'number'>>();
  private readonly texts = new Map<string, RecordHandle<'string'>>();
  private readonly appDirectory: RecordHandle<'array'>;
  private readonly identity: IocIdentity;
  private readonly sampler: SystemSampler;
  private readonly timer: NodeJS.Timeout;
  private writtenSnapshotTime: number | undefined;
  private sampling: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: IocStatsGroupOptions) {
    const { database, prefix } = options;
    const numberNames = [...PERIODIC_NUMBERS, ...IDENTITY_NUMBERS, ...THREAD_RECORDS, ...SYSTEM_FIGURES.map(([name]) => name)];
    for (const name of numberNames) this.numbers.set(name, database.record(prefix + name, 'number'));
    for (const name of TEXTS) this.texts.set(name, database.record(prefix + name, 'string'));
    this.appDirectory = database.record(`${prefix}APP_DIR`, 'array');
    this.identity = readIocIdentity(options.env);
    this.sampler = new SystemSampler(this.identity.cpuCount, options.logger);
    this.writeIdentity();
    void this.update();
    this.timer = setInterval(() => void this.update(), options.periodSeconds * 1000).unref();
    options.logger.debug({ prefix, periodSeconds: options.periodSeconds }, 'iocStats group started');
  }

  update(): Promise<void> {
    try {
      this.writePeriod();
    } catch (error) {
      this.options.logger.error({ err: error }, 'iocStats: update failed');
    }
    // A slow /proc read is not started again on top of itself.
    this.sampling ??= this.sampler
      .sample()
      .then((sample) => this.writeSystem(sample))
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'iocStats: reading the system figures failed'))
      .finally(() => {
        this.sampling = undefined;
      });
    return this.sampling;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private writeIdentity(): void {
    const { identity } = this;
    const text = (name: string, value: string) => this.texts.get(name)!.set(value);
    text('EPICS_VERS', identity.epicsVersion);
    text('KERNEL_VERS', identity.kernelVersion);
    text('NODE_VERS', identity.nodeVersion);
    text('HOSTNAME', identity.hostname);
    text('STARTTOD', formatTimeOfDay(new Date(identity.startedAt)));
    // ENGINEER and LOCATION given as macros are already in the records.
    text('ENGINEER', this.texts.get('ENGINEER')!.get() || identity.engineer);
    text('LOCATION', this.texts.get('LOCATION')!.get() || identity.location);
    this.write('CPU_CNT', identity.cpuCount);
    this.write('PROCESS_ID', identity.processId);
    this.write('PARENT_ID', identity.parentId);
    this.appDirectory.set(identity.appDirectory);
  }

  private writePeriod(): void {
    const now = new Date();
    const heartbeat = this.numbers.get('HEARTBEAT')!.get();
    this.write('HEARTBEAT', heartbeat < HEARTBEAT_WRAP ? heartbeat + 1 : 1);
    this.texts.get('TOD')!.set(formatTimeOfDay(now), { timeStamp: now });
    this.texts.get('UPTIME')!.set(formatUptime((now.getTime() - this.identity.startedAt) / 1000), { timeStamp: now });
    const server = this.options.serverStatistics();
    this.write('CA_CLNT_CNT', server.clients);
    this.write('CA_CONN_CNT', server.channels);
    const pva = this.options.pvaServerStatistics?.();
    this.write('PVA_CLNT_CNT', pva?.clients ?? 0);
    this.write('PVA_CONN_CNT', pva?.channels ?? 0);
    this.write('RECORD_CNT', this.options.database.recordNames().length);
    this.writeThreadFigures(now.getTime());
    this.followRanges();
  }

  private writeThreadFigures(now: number): void {
    const metrics = this.options.metrics();
    if (!metrics) {
      for (const name of THREAD_RECORDS) this.markUnknown(name, NO_SNAPSHOT);
      return;
    }
    const silentSeconds = (now - metrics.takenAt) / 1000;
    if (silentSeconds > STALE_AFTER_PERIODS * metrics.periodSeconds) {
      const silent: Unknown = { status: AlarmStatus.TIMEOUT, message: `host thread silent for ${Math.round(silentSeconds)} s` };
      for (const name of THREAD_RECORDS) this.markUnknown(name, silent);
      return;
    }
    if (metrics.takenAt === this.writtenSnapshotTime) return;
    this.writtenSnapshotTime = metrics.takenAt;
    const timeStamp = new Date(metrics.takenAt);
    for (const [name, value] of THREAD_FIGURES) this.write(name, value(metrics), timeStamp);
  }

  private writeSystem(sample: SystemSample): void {
    if (this.stopped) return;
    for (const [name, value] of SYSTEM_FIGURES) this.write(name, value(sample));
    this.followRanges();
  }

  /** Sets a number, or, when it is unknown, keeps the last one with an INVALID alarm saying why. */
  private write(name: string, value: number | undefined, timeStamp?: Date): void {
    if (value === undefined || !Number.isFinite(value)) return this.markUnknown(name, NOT_MEASURED);
    this.numbers.get(name)!.set(value, timeStamp && { timeStamp });
  }

  private markUnknown(name: string, why: Unknown): void {
    const handle = this.numbers.get(name)!;
    handle.set(handle.get(), { severity: AlarmSeverity.INVALID, ...why });
  }

  private followRanges(): void {
    for (const [names, source] of RANGES) {
      const top = this.numbers.get(source)!;
      if (top.alarm().severity === AlarmSeverity.INVALID || !(top.get() > 0)) continue;
      for (const name of names) {
        const handle = this.numbers.get(name)!;
        if (handle.field('HOPR') !== top.get()) handle.setField('HOPR', top.get());
      }
    }
  }
}
