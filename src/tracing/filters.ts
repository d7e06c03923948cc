import * as path from 'node:path';
import { type Frame, type StackNode, stackNode, Trace } from './frames';
import { ENGINE_DIRECTORIES, OWN_DEPENDENCIES, OWN_DIRECTORIES } from './frame-resolver';
import { escapeGlob, globToRegExp } from './glob';

export type FilterDescriptor =
  | { kind: 'trace'; inclusive: boolean; filenamePattern: string; lineno?: number; allFrames: boolean; lookThrough?: string[] }
  | { kind: 'frame'; filenamePattern: string; passThrough?: boolean };

export interface FilterOptions {
  lineno?: number;
  allFrames?: boolean;
  /** File patterns of frames that allocate on their caller's behalf: the filter tests the newest frame that matches none of them. */
  lookThrough?: readonly string[];
}

/**
 * Keeps or drops whole traces, as tracemalloc.Filter: a trace is kept when it matches at least one
 * inclusive filter (if there are any) and no exclusive one. It matches when its newest frame (or,
 * with `allFrames`, any frame) has a file matching `filenamePattern` (see glob.ts) and, if `lineno`
 * is given, that line. `lookThrough` (tracemalloc has none) skips the newest frames whose files
 * match one of its patterns, so the filter tests the frame that called them: a library's
 * allocations then count for whoever called the library.
 */
export class Filter {
  readonly kind = 'trace';
  readonly inclusive: boolean;
  readonly filenamePattern: string;
  readonly lineno: number | undefined;
  readonly allFrames: boolean;
  readonly lookThrough: readonly string[];
  private readonly pattern: RegExp;
  /** All of `lookThrough` in one expression: tested once per distinct frame. */
  private readonly lookThroughPattern: RegExp | null;

  constructor(inclusive: boolean, filenamePattern: string, options: FilterOptions = {}) {
    this.inclusive = inclusive;
    this.filenamePattern = filenamePattern;
    this.lineno = options.lineno;
    this.allFrames = options.allFrames ?? false;
    this.lookThrough = Object.freeze([...(options.lookThrough ?? [])]);
    this.pattern = globToRegExp(filenamePattern);
    this.lookThroughPattern =
      this.lookThrough.length > 0 ? new RegExp(this.lookThrough.map((glob) => `(?:${globToRegExp(glob).source})`).join('|'), 's') : null;
  }

  matchesFrame(frame: Frame): boolean {
    return (this.lineno === undefined || frame.line === this.lineno) && this.pattern.test(frame.file);
  }

  /** Whether `frame` is one the filter looks through to its caller. */
  looksThrough(frame: Frame): boolean {
    return this.lookThroughPattern?.test(frame.file) ?? false;
  }

  matches(trace: Trace): boolean {
    let node: StackNode | null = trace.stack;
    for (let i = 0; i < trace.depth && node; i++, node = node.parent) {
      if (this.allFrames) {
        if (this.matchesFrame(node.frame)) return true;
      } else if (!this.looksThrough(node.frame)) {
        return this.matchesFrame(node.frame);
      }
    }
    return false;
  }

  toJSON(): FilterDescriptor {
    const { inclusive, filenamePattern, lineno, allFrames, lookThrough } = this;
    return {
      kind: 'trace',
      inclusive,
      filenamePattern,
      ...(lineno === undefined ? {} : { lineno }),
      allFrames,
      ...(lookThrough.length > 0 ? { lookThrough: [...lookThrough] } : {}),
    };
  }
}

/**
 * Removes the frames whose file matches `filenamePattern` from every trace's stack, so memory
 * allocated inside, say, Node's own code is charged to the nearest caller outside it (a Buffer
 * your function allocates shows as yours, not as `node:buffer`). Traces left without a frame
 * (allocations with no other code on the stack) are dropped. tracemalloc has no such filter; Node
 * needs it because its core library is JavaScript that shows on every stack.
 *
 * A `passThrough` filter removes its frames only where code called through them allocated: where
 * every newer frame is hidden by a plain frame filter (or passes through too), and the newest is
 * hidden. Allocated with such a frame newest (its own code and data), a trace keeps it. The
 * external sampler's wrappers of Node's allocators need this: the Buffer a user's call makes
 * through them is the user's, what V8 allocates for the wrappers themselves is memtrace-ioc's.
 * This holds whatever steps filters are applied in: each step that hides frames starts again from
 * the stacks as sampled, with the frame filters of the earlier steps (applyFilters).
 */
export class FrameFilter {
  readonly kind = 'frame';
  readonly filenamePattern: string;
  readonly passThrough: boolean;
  private readonly pattern: RegExp;

  constructor(filenamePattern: string, options: { passThrough?: boolean } = {}) {
    this.filenamePattern = filenamePattern;
    this.passThrough = options.passThrough ?? false;
    this.pattern = globToRegExp(filenamePattern);
  }

  matchesFrame(frame: Frame): boolean {
    return this.pattern.test(frame.file);
  }

  toJSON(): FilterDescriptor {
    return { kind: 'frame', filenamePattern: this.filenamePattern, ...(this.passThrough ? { passThrough: true } : {}) };
  }
}

export type TraceFilter = Filter | FrameFilter;

/**
 * Node's internals (`node:*`) and V8's pseudo-frames (`(V8 API)`, `(deopt)`…): their allocations
 * count for the code that called them. The external sampler's wrappers (external/hooks.ts, on
 * every stack that makes a Buffer or typed array while it samples) pass through: what Node
 * allocates for a call through them counts for the wrapper's caller (the user's code, or ours
 * when memtrace-ioc called), what is allocated with a wrapper newest stays memtrace-ioc's (OWN_CODE).
 * hooks.ts holds only the wrappers and their installers, which only the engine calls.
 */
export const HIDDEN_FRAMES: readonly TraceFilter[] = Object.freeze([
  new FrameFilter('node:*'),
  new FrameFilter('(*)'),
  ...ENGINE_DIRECTORIES.map((directory) => new FrameFilter(`${escapeGlob(path.join(directory, 'external', 'hooks.'))}*`, { passThrough: true })),
]);

/** The files of an npm package wherever it is installed (nested, hoisted, pnpm's `.pnpm/…/node_modules/`). */
function packageFiles(name: string): string {
  const directory = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  return `*${escapeGlob(directory)}*`;
}

/**
 * memtrace-ioc's own allocations: those of a trace whose newest frame (after HIDDEN_FRAMES) is in
 * memtrace-ioc's code (the engine's or the IOC's), or in a package it runs (OWN_DEPENDENCIES:
 * its logger, pino, and sonic-boom under it) called from its code with no other frame between.
 * A user's callback that the IOC calls (a subroutine its scan runs, a record's `onWrite`) is the
 * newest such frame and stays the user's, as does what a user's call into pino allocates. Both code
 * trees count (see codeTrees in frame-resolver.ts).
 */
export const OWN_CODE: readonly TraceFilter[] = Object.freeze(
  OWN_DIRECTORIES.map((directory) => new Filter(false, `${escapeGlob(directory + path.sep)}*`, { lookThrough: OWN_DEPENDENCIES.map(packageFiles) })),
);

/** What `snapshot.filterTraces()` applies when given no filters: the user's code only. */
export const DEFAULT_FILTERS: readonly TraceFilter[] = Object.freeze([...OWN_CODE, ...HIDDEN_FRAMES]);

/** Two filters are the same when they would select the same traces. */
export function filterKey(filter: TraceFilter): string {
  return JSON.stringify(filter.toJSON());
}

export function filterFromJSON(descriptor: FilterDescriptor): TraceFilter {
  return descriptor.kind === 'frame'
    ? new FrameFilter(descriptor.filenamePattern, { passThrough: descriptor.passThrough })
    : new Filter(descriptor.inclusive, descriptor.filenamePattern, {
        lineno: descriptor.lineno,
        allFrames: descriptor.allFrames,
        lookThrough: descriptor.lookThrough,
      });
}

/**
 * Frame filters first (they change stacks), then tracemalloc's include/exclude rule. `applied` are
 * the filters earlier steps applied to `traces` (Snapshot.filters): their frame filters act again
 * with this step's, on the stacks as sampled, so that filters applied in steps hide the same frames
 * as applied at once. Pass-through frames need it: `node:*` hidden in one step and the external
 * sampler's wrappers in the next must still charge a Buffer to the wrapper's caller.
 */
export function applyFilters(traces: readonly Trace[], filters: readonly TraceFilter[], applied: readonly TraceFilter[] = []): Trace[] {
  const isFrameFilter = (filter: TraceFilter): filter is FrameFilter => filter instanceof FrameFilter;
  const include = filters.filter((filter): filter is Filter => filter instanceof Filter && filter.inclusive).map(traceMatcher);
  const exclude = filters.filter((filter): filter is Filter => filter instanceof Filter && !filter.inclusive).map(traceMatcher);
  // Without a frame filter of its own, a step finds the stacks as the earlier steps left them.
  const rebuilder = filters.some(isFrameFilter) ? new StackRebuilder([...applied, ...filters].filter(isFrameFilter)) : null;
  const kept: Trace[] = [];
  for (const original of traces) {
    const trace = rebuilder ? rebuilder.withoutHiddenFrames(original) : original;
    if (!trace) continue;
    if (include.length > 0 && !include.some((matches) => matches(trace))) continue;
    if (exclude.some((matches) => matches(trace))) continue;
    kept.push(trace);
  }
  return kept;
}

/** A stack is whole when the traceback limit cut nothing: then its prefixes can be memoised. */
function isWhole(trace: Trace): boolean {
  return trace.depth === trace.stack.depth;
}

function memoised<K, V>(compute: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = compute(key);
      known.set(key, value);
    }
    return value;
  };
}

/**
 * One filter's test for one applyFilters call. Stacks share prefixes and frames repeat across
 * 10^5 traces, so "does any frame of this stack match" is answered once per stack node.
 */
function traceMatcher(filter: Filter): (trace: Trace) => boolean {
  const frameMatches = memoised((frame: Frame) => filter.matchesFrame(frame));
  if (!filter.allFrames && filter.lookThrough.length === 0) return (trace) => frameMatches(trace.newestFrame);
  const looksThrough = memoised((frame: Frame) => filter.looksThrough(frame));
  const olderMatch = (node: StackNode) => node.parent !== null && stackMatches(node.parent);
  // allFrames: any frame matches; lookThrough: the newest frame not looked through matches.
  const stackMatches: (node: StackNode) => boolean = memoised((node: StackNode) => {
    if (filter.allFrames) return frameMatches(node.frame) || olderMatch(node);
    return looksThrough(node.frame) ? olderMatch(node) : frameMatches(node.frame);
  });
  return (trace) => (isWhole(trace) ? stackMatches(trace.stack) : filter.matches(trace));
}

/**
 * Rebuilds stacks without hidden frames, sharing rebuilt prefixes as the originals share theirs.
 * Pass-through frames depend on the frames newer than them, so they are settled first, at the
 * newest end of each stack (callerOf); below that point they are frames like any other.
 */
class StackRebuilder {
  private readonly hidden: (frame: Frame) => boolean;
  private readonly passesThrough: (frame: Frame) => boolean;
  private readonly children = new Map<StackNode | null, Map<Frame, StackNode>>();
  /** Original node → rebuilt node (null: nothing visible; the same node: nothing hidden), for whole stacks. */
  private readonly rebuilt: (node: StackNode) => StackNode | null;
  /** Original node → the stack left once the pass-through frames at its newest end are removed. */
  private readonly callerOf: (node: StackNode) => StackNode | null;

  constructor(filters: readonly FrameFilter[]) {
    const matching = (passThrough: boolean) =>
      memoised((frame: Frame) => filters.some((filter) => filter.passThrough === passThrough && filter.matchesFrame(frame)));
    this.hidden = matching(false);
    this.passesThrough = matching(true);
    this.rebuilt = memoised((node: StackNode): StackNode | null => {
      const parent = node.parent ? this.rebuilt(node.parent) : null;
      if (this.hidden(node.frame)) return parent;
      return parent === node.parent ? node : this.child(parent, node.frame);
    });
    this.callerOf = memoised((stack: StackNode): StackNode | null => {
      // Allocated in a pass-through frame itself (or in code it called that is not hidden): it stays.
      // V8's sampler records physical frames, so a callee TurboFan inlined into the wrapper would
      // leave the wrapper newest with the user's Buffer. On V8 11.3 (Node 20) that does not happen:
      // the wrapper calls Node's allocator through `original.apply(this, args)`, which TurboFan does
      // not inline (--trace-turbo-inlining lists no candidate there, even with one allocator in use),
      // so Node's `from` stays a frame under an optimised wrapper; and where a user's optimised
      // function inlines the wrapper, it is the wrapper's frame that vanishes, leaving the user's.
      // test/unit/tracing/optimised-wrapper.test.ts checks both on the V8 it runs on.
      if (!this.hidden(stack.frame)) return stack;
      let caller: StackNode | null = stack;
      for (let node: StackNode | null = stack; node && (this.hidden(node.frame) || this.passesThrough(node.frame)); node = node.parent) {
        if (this.passesThrough(node.frame)) caller = node.parent;
      }
      return caller;
    });
  }

  withoutHiddenFrames(trace: Trace): Trace | null {
    const { recordedStack, recordedDepth } = trace;
    const caller = this.callerOf(recordedStack);
    const stack = !caller ? null : recordedDepth === recordedStack.depth ? this.rebuilt(caller) : this.rebuildCut(caller, recordedDepth);
    if (!stack) return null;
    if (stack === trace.stack) return trace;
    return trace.withStack(stack, stack.depth);
  }

  /**
   * A stack cut by the traceback limit: its newest `limit` visible frames. Hidden frames take no
   * place in the limit, or an allocation made deep inside Node would lose its caller and be dropped.
   */
  private rebuildCut(caller: StackNode, limit: number): StackNode | null {
    const visible: Frame[] = [];
    for (let node: StackNode | null = caller; node && visible.length < limit; node = node.parent) if (!this.hidden(node.frame)) visible.push(node.frame);
    let stack: StackNode | null = null;
    for (let i = visible.length - 1; i >= 0; i--) stack = this.child(stack, visible[i]!);
    return stack;
  }

  private child(parent: StackNode | null, frame: Frame): StackNode {
    let byFrame = this.children.get(parent);
    if (!byFrame) {
      byFrame = new Map();
      this.children.set(parent, byFrame);
    }
    let node = byFrame.get(frame);
    if (!node) {
      node = stackNode(frame, parent);
      byFrame.set(frame, node);
    }
    return node;
  }
}
