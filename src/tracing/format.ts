import * as path from 'node:path';
import type { Frame } from './frames';
import { SourceLines } from './source-lines';
import type { KeyType, Statistic, StatisticDiff } from './statistics';

export interface FormatOptions {
  /** Paths under this directory are shown relative to it (default: the current directory). */
  root?: string;
}

export interface TopLinesOptions extends FormatOptions {
  /** How many statistics to list (default 10). */
  limit?: number;
  /** Show a lineno entry's source line after its function name where the file is readable (default true). */
  sourceLines?: boolean;
}

export interface TopOptions extends TopLinesOptions {
  /** First line; default names the key type and says what a location means. */
  title?: string;
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
    if (Math.abs(size) < 100 && unit > 0) return `${plus}${fixed(size, 1)} ${UNITS[unit]!}`;
    if (Math.abs(size) < 10 * 1024 || unit === UNITS.length - 1) return `${plus}${fixed(size, 0)} ${UNITS[unit]!}`;
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
  return `${displayPath(frame.file, root)}:${frame.line}`;
}

/**
 * The key as tracemalloc's `str(Traceback)` prints it, i.e. its oldest frame's `file:line`:
 * `src/app.ts:42` for lineno (where the allocating function starts), `src/app.ts:0` for filename
 * (tracemalloc's filename statistics carry line 0), the stack's oldest frame for traceback, and
 * the package name for package statistics (tracemalloc has no such key).
 */
export function formatKey(statistic: Statistic, options: FormatOptions = {}): string {
  const root = options.root ?? process.cwd();
  const frames = statistic.traceback;
  if (frames.length === 0) return statistic.key;
  return frameLocation(frames[0]!, root);
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
    `${formatKey(diff, options)}: size=${formatSize(size)} (${formatSize(sizeDiff, true)}), ` + `count=${count} (${signed(countDiff)})${average(size, count)}`
  );
}

const TITLES: Record<KeyType, (limit: number) => string> = {
  lineno: (limit) => `Top ${limit} functions (file:line is where the allocating function starts)`,
  filename: (limit) => `Top ${limit} files`,
  traceback: (limit) => `Top ${limit} stacks (file:line is the oldest frame, where its function starts)`,
  package: (limit) => `Top ${limit} packages`,
};

function functionName(frame: Frame): string {
  return frame.functionName || '(anonymous)';
}

/**
 * `[external, +/- 6.1 MiB]`; nothing for a V8-heap statistic whose uncertainty is not known (a dump
 * of another tool). ASCII: CA text waveforms carry bytes, which pyepics decodes as Latin-1 (a UTF-8
 * `±` would read `Â±`), and caproto's texts are ASCII too.
 */
function marks(statistic: Statistic): string {
  const parts: string[] = [];
  if (statistic.external) parts.push('external');
  if (statistic.uncertainty > 0) parts.push(`+/- ${formatSize(statistic.uncertainty)}`);
  return parts.length > 0 ? `[${parts.join(', ')}]` : '';
}

/**
 * The free text under an entry: the function and its first source line (caproto prints only the
 * source line; the name stays readable where a source map is off by a few lines), a stack, or nothing.
 */
function describe(statistic: Statistic, root: string, showSource: boolean): string {
  const frames = statistic.traceback;
  if (statistic.keyType === 'lineno') {
    const frame = frames[0]!;
    const source = showSource ? sharedSourceLines.line(frame.file, frame.line) : undefined;
    return source ? `${functionName(frame)}: ${source}` : functionName(frame);
  }
  if (statistic.keyType === 'traceback') {
    return frames
      .map((frame) => `${functionName(frame)} (${frameLocation(frame, root)})`)
      .reverse()
      .join(' <- ');
  }
  return '';
}

/**
 * The top statistics line for line as caproto's MemoryTracingHelper writes TraceTopAllocations
 * (its `get_top_allocation_info`): `#1: src/app.ts:42: 1234.5 KiB`, then, when there is something
 * to say, one line indented by four spaces. caproto puts the source line there; we put the
 * function and its source line, a traceback's stack, and the marks of external memory and uncertainty.
 */
export function formatTopLines(statistics: readonly Statistic[], options: TopLinesOptions = {}): string[] {
  const root = options.root ?? process.cwd();
  const lines: string[] = [];
  statistics.slice(0, options.limit ?? 10).forEach((statistic, index) => {
    lines.push(formatEntry(statistic, index + 1, { root }));
    const detail = [describe(statistic, root, options.sourceLines ?? true), marks(statistic)].filter(Boolean).join('  ');
    if (detail) lines.push(`    ${detail}`);
  });
  return lines;
}

/** An entry's first line as caproto writes it: `#1: src/app.ts:42: 1234.5 KiB`. */
export function formatEntry(statistic: Statistic, rank: number, options: FormatOptions = {}): string {
  return `#${rank}: ${formatKey(statistic, options)}: ${fixed(statistic.size / 1024, 1)} KiB`;
}

/** The title of a top list of `limit` entries, saying what a location means for the key type. */
export function topTitle(keyType: KeyType, limit: number): string {
  return TITLES[keyType](limit);
}

/** The lines display_top ends with: `12 other: 80.1 KiB` (when there are others) and `Total: 5303.1 KiB`. */
export function formatTopTotals(statistics: readonly Statistic[], limit = 10): string[] {
  const lines: string[] = [];
  const other = statistics.slice(limit);
  if (other.length > 0) lines.push(`${other.length} other: ${fixed(other.reduce((sum, s) => sum + s.size, 0) / 1024, 1)} KiB`);
  lines.push(`Total: ${fixed(statistics.reduce((sum, s) => sum + s.size, 0) / 1024, 1)} KiB`);
  return lines;
}

/**
 * Top statistics as tracemalloc's documentation prints them (its `display_top`): a title, the
 * entries of formatTopLines, then the others and the total.
 *
 *     Top 10 functions (file:line is where the allocating function starts)
 *     #1: src/app.ts:42: 1234.5 KiB
 *         retainA: function retainA(bytes: number) {
 *     …
 *     12 other: 80.1 KiB
 *     Total: 5303.1 KiB
 */
export function formatTopStatistics(statistics: readonly Statistic[], options: TopOptions = {}): string {
  const limit = options.limit ?? 10;
  const keyType = statistics[0]?.keyType ?? 'lineno';
  return [options.title ?? topTitle(keyType, limit), ...formatTopLines(statistics, options), ...formatTopTotals(statistics, limit)].join('\n');
}
