// Figures of the machine and of the whole process, which any thread may read: CPU loads, memory,
// file descriptors, as devIocStats computes them on Linux (os/Linux/osdMemUsage.c, osdFdUsage.c,
// osdCpuUsage.c, os/posix/osdCpuUtilization.c). Each is read on its own, as devIocStats reads
// each on the timer of its own group. /proc is read asynchronously; where it is missing (not
// Linux) the os module stands in where it can, and what it cannot give stays unknown, which the
// device support shows as an alarm rather than as a number.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import type { Logger } from 'pino';

export interface MemorySample {
  /** Resident bytes of this process (allocated_bytes). */
  used: number;
  /** Free bytes: MemFree + Buffers + Cached on Linux, os.freemem() elsewhere (free_bytes). */
  free: number;
  /** Physical memory, bytes (total_bytes). */
  total: number;
}

export interface LoadSample {
  /** CPU time of this process since the previous sample (the first: since the process started), % of all CPUs. */
  iocCpuLoad?: number;
  /** Busy time (user, nice, system) of all CPUs since the previous sample (the first: since boot), %. */
  sysCpuLoad?: number;
}

export interface FdSample {
  /** Open file descriptors of this process. */
  used?: number;
  /** Its soft limit on open file descriptors (RLIMIT_NOFILE); unknown when unlimited. */
  max?: number;
}

interface CpuTimes {
  busy: number;
  total: number;
}

interface ProcessCpu {
  /** Milliseconds since the process started (process.uptime(), the same in every thread). */
  at: number;
  /** User and system time, µs. */
  used: number;
}

/**
 * Keeps the previous CPU readings, as the loads are rates over the time between samples. Before the
 * first, the counters' origins stand in (the process's start, the system's boot), as both count from
 * there: the first loads are averages over that longer time, so that they are known at start.
 */
export class SystemSampler {
  private previousSystem: CpuTimes = { busy: 0, total: 0 };
  private previousProcess: ProcessCpu = { at: 0, used: 0 };
  private readonly fallbacks = new Set<string>();

  constructor(
    private readonly cpuCount: number,
    private readonly logger: Logger,
  ) {}

  async memory(): Promise<MemorySample> {
    const memory = await this.orElse('/proc/meminfo', readMeminfo, () => ({ free: os.freemem(), total: os.totalmem() }));
    return { used: process.memoryUsage.rss(), ...memory };
  }

  async load(): Promise<LoadSample> {
    const system = await this.orElse('/proc/stat', readProcStat, cpuTimesFromOs);
    const usage = process.cpuUsage();
    const processCpu = { at: process.uptime() * 1000, used: usage.user + usage.system };
    const sample: LoadSample = {
      iocCpuLoad: processLoad(this.previousProcess, processCpu, this.cpuCount),
      sysCpuLoad: busyShare(this.previousSystem, system),
    };
    this.previousProcess = processCpu;
    this.previousSystem = system;
    return sample;
  }

  async fds(): Promise<FdSample> {
    const [used, max] = await Promise.all([
      this.orElse('/proc/self/fd', countOpenFds, () => undefined),
      this.orElse('/proc/self/limits', readFdLimit, () => undefined),
    ]);
    return { used, max };
  }

  /** Reads `source`, or falls back, saying so once: on other systems than Linux that is expected. */
  private async orElse<T>(source: string, read: () => Promise<T>, fallback: () => T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!this.fallbacks.has(source)) {
        this.fallbacks.add(source);
        this.logger.debug({ err: error, source }, `iocStats: cannot read ${source}; using what the os module gives, if anything`);
      }
      return fallback();
    }
  }
}

function processLoad(previous: ProcessCpu, current: ProcessCpu, cpuCount: number): number | undefined {
  const elapsedUs = (current.at - previous.at) * 1000;
  return elapsedUs > 0 ? (100 * (current.used - previous.used)) / (elapsedUs * cpuCount) : undefined;
}

function busyShare(previous: CpuTimes, current: CpuTimes): number | undefined {
  const total = current.total - previous.total;
  return total > 0 ? (100 * (current.busy - previous.busy)) / total : undefined;
}

/** The "cpu" line: user nice system idle iowait irq softirq steal (guest time is within user). */
async function readProcStat(): Promise<CpuTimes> {
  const text = await fs.readFile('/proc/stat', 'latin1');
  const ticks = /^cpu\s+(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/).slice(0, 8).map(Number);
  if (!ticks || ticks.length < 4 || ticks.some(Number.isNaN)) throw new Error('no "cpu" line in /proc/stat');
  const [user = 0, nice = 0, system = 0] = ticks;
  return { busy: user + nice + system, total: ticks.reduce((sum, value) => sum + value, 0) };
}

function cpuTimesFromOs(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    busy += times.user + times.nice + times.sys;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { busy, total };
}

async function readMeminfo(): Promise<{ free: number; total: number }> {
  const text = await fs.readFile('/proc/meminfo', 'latin1');
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    if (!match) throw new Error(`no ${name} in /proc/meminfo`);
    return Number(match[1]) * 1024;
  };
  return { free: kib('MemFree') + kib('Buffers') + kib('Cached'), total: kib('MemTotal') };
}

/** Reading the directory holds one descriptor open, which is not counted. */
async function countOpenFds(): Promise<number> {
  return (await fs.readdir('/proc/self/fd')).length - 1;
}

async function readFdLimit(): Promise<number | undefined> {
  const text = await fs.readFile('/proc/self/limits', 'latin1');
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  if (soft === undefined) throw new Error('no "Max open files" in /proc/self/limits');
  return soft === 'unlimited' ? undefined : Number(soft);
}
