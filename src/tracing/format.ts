import * as path from 'node:path';
import type { Frame } from './frames';
import { SourceLines } from './source-lines';
import type { KeyType, Statistic, StatisticDiff } from './statistics';

export interface FormatOptions {
  /** Paths under this directory are shown relative to it (default: the current directory). */
  root?: string;
}

export interface TopOptions extends FormatOptions {
  /** How many statistics to list before summing the rest (default 10). */
  limit?: number;
  /** First line; default names the key type and says what a `lineno` location means. */
  title?: string;
  /** Show each function's source line where the file is readable (default true). */
  sourceLines?: boolean;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const sharedSourceLines = new SourceLines();

/** An exact binary tie at 0 or 1 decimals: x.5, or x.25/x.75 (the only decimals ties can land on). */
function isTie(value: number, digits: 0 | 1): boolean {
  const quantum = digits === 0 ? 2 : 4;
  return Number.isInteger(value * quantum) && !Number.isInteger((value * quantum) / 2);
}

/** Python's `%.0f` / `%.1f`: like toFixed (which already rounds the exact value), but ties go to even. */
function fixed(value: number, digits: 0 | 1): string {
  if (!isTie(value, digits)) return value.toFixed(digits);
  const scale = 10 ** digits;
  const below = Math.floor(value * scale);
  return ((below % 2 === 0 ? below : below + 1) / scale).toFixed(digits);
}

/** A byte count as tracemalloc prints it: `117 B`, `8173 KiB`, `12.5 MiB`; `sign` adds `+` to positive values. */
export function formatSize(bytes: number, sign = false): string {
  const plus = sign && bytes >= 0 ? '+' : '';
  let size = bytes;
  for (let unit = 0; ; unit++, size /= 1024) {
    if (Math.abs(size) < 100 && unit > 0) return `${plus}${fixed(size, 1)} ${UNITS[unit]}`;
    if (Math.abs(size) < 10 * 1024 || unit === UNITS.length - 1) return `${plus}${fixed(size, 0)} ${UNITS[unit]}`;
  }
}

function signed(value: number): string {
  return value >= 0 ? `+${value}` : `${value}`;
}

/** A file relative to `root` when it lies under it. */
export function displayPath(file: string, root: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function frameLocation(frame: Frame, root: string): string {
  return frame.line > 0 ? `${displayPath(frame.file, root)}:${frame.line}` : displayPath(frame.file, root);
}

/** The key as a person reads it: `src/app.ts:42`, `src/app.ts`, the newest frame of a traceback, or the package. */
export function formatKey(statistic: Statistic, options: FormatOptions = {}): string {
  const root = options.root ?? process.cwd();
  const frames = statistic.traceback;
  if (frames.length === 0) return statistic.key;
  return frameLocation(frames[frames.length - 1], root);
}

function average(size: number, count: number): string {
  return count ? `, average=${formatSize(size / count)}` : '';
}

/** As `str(tracemalloc.Statistic)`: `src/app.ts:42: size=8173 KiB, count=71332, average=117 B`. */
export function formatStatistic(statistic: Statistic, options: FormatOptions = {}): string {
  const { size, count } = statistic;
  return `${formatKey(statistic, options)}: size=${formatSize(size)}, count=${count}${average(size, count)}`;
}

/** As `str(tracemalloc.StatisticDiff)`: `src/app.ts:42: size=8173 KiB (+4428 KiB), count=71332 (+39369), average=117 B`. */
export function formatStatisticDiff(diff: StatisticDiff, options: FormatOptions = {}): string {
  const { size, sizeDiff, count, countDiff } = diff;
  return (
    `${formatKey(diff, options)}: size=${formatSize(size)} (${formatSize(sizeDiff, true)}), ` +
    `count=${count} (${signed(countDiff)})${average(size, count)}`
  );
}

const TITLES: Record<KeyType, (limit: number) => string> = {
  lineno: (limit) => `Top ${limit} functions (file:line is where the allocating function starts)`,
  filename: (limit) => `Top ${limit} files`,
  traceback: (limit) => `Top ${limit} stacks (file:line is where each function starts)`,
  package: (limit) => `Top ${limit} packages`,
};

function functionName(frame: Frame): string {
  return frame.functionName || '(anonymous)';
}

/** The indented lines under one entry: the function and its first source line, or the whole stack. */
function detailLines(statistic: Statistic, root: string, showSource: boolean): string[] {
  const frames = statistic.traceback;
  if (statistic.keyType === 'lineno') {
    const frame = frames[0];
    const source = showSource ? sharedSourceLines.line(frame.file, frame.line) : undefined;
    return [`    ${functionName(frame)}${source ? `: ${source}` : ''}`];
  }
  if (statistic.keyType === 'traceback') {
    return frames.map((frame) => `    ${frameLocation(frame, root)}: ${functionName(frame)}`);
  }
  return [];
}

/**
 * Top statistics as tracemalloc's documentation prints them (its `display_top`):
 *
 *     Top 10 functions (file:line is where the allocating function starts)
 *     #1: src/app.ts:42: 1234.5 KiB
 *         retainA: function retainA(bytes: number) {
 *     …
 *     12 other: 80.1 KiB
 *     Total: 5303.1 KiB
 */
export function formatTopStatistics(statistics: readonly Statistic[], options: TopOptions = {}): string {
  const root = options.root ?? process.cwd();
  const limit = options.limit ?? 10;
  const keyType = statistics[0]?.keyType ?? 'lineno';
  const lines = [options.title ?? TITLES[keyType](limit)];
  statistics.slice(0, limit).forEach((statistic, index) => {
    lines.push(`#${index + 1}: ${formatKey(statistic, { root })}: ${fixed(statistic.size / 1024, 1)} KiB`);
    lines.push(...detailLines(statistic, root, options.sourceLines ?? true));
    // ASCII: CA text waveforms carry UTF-8, which pyepics decodes byte by byte (± would show as Â±).
    if (statistic.external) lines.push(`    external, +/- ${formatSize(statistic.uncertainty)}`);
  });
  const other = statistics.slice(limit);
  if (other.length > 0) {
    lines.push(`${other.length} other: ${fixed(other.reduce((sum, s) => sum + s.size, 0) / 1024, 1)} KiB`);
  }
  lines.push(`Total: ${fixed(statistics.reduce((sum, s) => sum + s.size, 0) / 1024, 1)} KiB`);
  return lines.join('\n');
}
