// Arithmetic and machine facts the benchmarks share: order statistics of their samples, and the
// load of this shared machine, printed beside every figure so a noisy run can be told apart.

import * as fs from 'node:fs';
import * as os from 'node:os';

/** The middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median and the range of repeated trials, as "27 (25–31)". */
export function medianRange(values: readonly number[], digits = 0): string {
  if (values.length === 0) return 'none';
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[] | Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function maximum(values: readonly number[] | Float64Array): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}

/** `uptime`'s three load averages. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

/** The machine line of BENCHMARKS.md: CPUs, model, Node. */
export function machine(): string {
  return `nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** `value` relative to `base`, as " (+4.2%)". */
export function change(value: number, base: number): string {
  return ` (${value >= base ? '+' : ''}${(((value - base) / base) * 100).toFixed(1)}%)`;
}

/** CPU seconds every process on the machine has used (Linux's /proc/stat, in USER_HZ = 1/100 s); NaN elsewhere. */
export function machineCpuSeconds(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture Node runs on. */
export const TICKS_PER_SECOND = 100;

/** User and system CPU seconds of every thread of process `pid` so far (Linux's /proc/<pid>/stat). */
export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread alone (its thread id is the pid): the thread that runs a
 * Node service's JavaScript, so its CPU per request is what limits the service's throughput when
 * the process's other threads (workers, GC helpers) have a core of their own.
 */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/** A /proc `stat` file of a process or thread: its command name, and the fields after it (from field 3). */
export function readStat(file: string): { name: string; fields: string[] } {
  const stat = fs.readFileSync(file, 'latin1');
  // The command name may hold spaces and parentheses: it ends at the last ')'.
  const end = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, end), fields: stat.slice(end + 2).split(' ') };
}

/** utime + stime (fields 14 and 15) of a `stat` file's fields, in ticks. */
export function cpuTicks(fields: readonly string[]): number {
  return Number(fields[11]) + Number(fields[12]);
}

/** minflt (field 10) of a `stat` file's fields. */
export function minorFaults(fields: readonly string[]): number {
  return Number(fields[7]);
}

function statCpuSeconds(file: string): number {
  return cpuTicks(readStat(file).fields) / TICKS_PER_SECOND;
}
