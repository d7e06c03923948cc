// The drivers behind "IOC stats" and "Node stats": devIocStats' update groups, each sampling its
// sources on its own timer (devIocStatsAnalog.c parmTypes: memory 10 s, CPU 20 s, FD 10 s, CA 15 s,
// queues 1 s), and the group of the host thread's figures, which follows the collector's period.
// The sources are injected: the servers' statistics, the host thread's snapshot, the system.

import type { Logger } from 'pino';
import type { ScanOnceQueueStatus } from '../../database/scan/scan-once';
import type { IocIdentity } from '../stats/identity';
import type { ProcessMetrics } from '../stats/metrics';
import { SystemSampler, type FdSample, type LoadSample, type MemorySample } from '../stats/system';
import { PeriodicGroup } from './periodic-group';

/** Clients and channels of one server. */
export interface ServerCounts {
  clients: number;
  channels: number;
}

export interface IocStatsSources {
  identity: IocIdentity;
  /** The CA server's counts; zeros while it does not run. */
  ca(): ServerCounts;
  /** The pvAccess server's counts; zeros while it does not run. */
  pva(): ServerCounts;
  /** The host thread's latest snapshot; undefined until it has taken one. */
  metrics(): ProcessMetrics | undefined;
  /** Records in the database served (devIocStats' @records). */
  recordCount(): number;
  /** The database's scanOnce queue. */
  scanOnceQueue(): ScanOnceQueueStatus;
  /** Where @engineer, @location and "IOC env var" read; read at each processing, as getenv is. */
  env: Readonly<{ [name: string]: string | undefined }>;
  /** "IOC epics var": the EPICS parameters as the servers use them. */
  epicsParameters: ReadonlyMap<string, string>;
  /** The host thread's collector period, s: how often the Node stats records update. */
  nodePeriodSeconds: number;
  logger: Logger;
}

export interface CaSample {
  ca: ServerCounts;
  pva: ServerCounts;
}

export interface NodeSample {
  metrics: ProcessMetrics | undefined;
  /** Resident bytes of the process, read with the snapshot. */
  rss: number;
  /** When the group read the snapshot, ms since the POSIX epoch (to judge it stale). */
  readAt: number;
}

/** devIocStats' ao parameters and the groups they set, with its default periods. */
export const SCAN_RATE_PARAMETERS = {
  memory_scan_rate: 'memory',
  cpu_scan_rate: 'load',
  fd_scan_rate: 'fd',
  ca_scan_rate: 'ca',
  queue_scan_rate: 'queue',
} as const;

export type GroupName = (typeof SCAN_RATE_PARAMETERS)[keyof typeof SCAN_RATE_PARAMETERS];

const DEFAULT_PERIODS: { readonly [name in GroupName]: number } = { memory: 10, load: 20, fd: 10, ca: 15, queue: 1 };

export class IocStatsDrivers {
  readonly memory: PeriodicGroup<MemorySample>;
  readonly load: PeriodicGroup<LoadSample>;
  readonly fd: PeriodicGroup<FdSample>;
  readonly ca: PeriodicGroup<CaSample>;
  readonly queue: PeriodicGroup<ScanOnceQueueStatus>;
  readonly node: PeriodicGroup<NodeSample>;

  constructor(readonly sources: IocStatsSources) {
    const { logger, identity } = sources;
    const system = new SystemSampler(identity.cpuCount, logger);
    const group = <T>(name: GroupName | 'node', period: number, sample: () => T | Promise<T>) =>
      new PeriodicGroup<T>(name, period, sample, logger.child({ component: 'iocStats', group: name }));
    this.memory = group('memory', DEFAULT_PERIODS.memory, () => system.memory());
    this.load = group('load', DEFAULT_PERIODS.load, () => system.load());
    this.fd = group('fd', DEFAULT_PERIODS.fd, () => system.fds());
    this.ca = group('ca', DEFAULT_PERIODS.ca, () => ({ ca: sources.ca(), pva: sources.pva() }));
    this.queue = group('queue', DEFAULT_PERIODS.queue, () => sources.scanOnceQueue());
    this.node = group('node', sources.nodePeriodSeconds, () => ({
      metrics: sources.metrics(),
      rss: process.memoryUsage.rss(),
      readAt: Date.now(),
    }));
  }

  byName(name: GroupName): PeriodicGroup<unknown> {
    return this[name];
  }

  private get all(): PeriodicGroup<unknown>[] {
    return [this.memory, this.load, this.fd, this.ca, this.queue, this.node];
  }

  /** The first figures of every group, so that records processed at start (PINI) have them. */
  async prime(): Promise<void> {
    await Promise.all(this.all.map((group) => group.prime()));
  }

  stop(): void {
    for (const group of this.all) group.stop();
  }
}

/** Drivers with their first figures taken. */
export async function createIocStatsDrivers(sources: IocStatsSources): Promise<IocStatsDrivers> {
  const drivers = new IocStatsDrivers(sources);
  await drivers.prime();
  return drivers;
}
