import type { SiteFrame } from './sample-store';
import { siteKey } from './sample-store';
import type { Callee } from './hooks';

/** Frames kept per sampled allocation: enough to get past Node's own frames to the caller's. */
export const EXTERNAL_STACK_LIMIT = 12;

/**
 * A sampled allocation's stack as a site key. `Error.captureStackTrace` includes inlined frames
 * (V8's heap sampler does not). Each frame is located at its *enclosing function's* start
 * (`getEnclosingLineNumber`), which is what V8's sampling heap profiler records, so an external
 * site and a V8-heap site of the same function have the same `file:line` key.
 *
 * The stack is formatted at once, into one string: holding the captured trace until a snapshot
 * would keep each frame's receiver and function alive, which the heap profile would then show.
 */
export class StackCapture {
  /** Under --frozen-intrinsics, Error's properties cannot be set: then stacks keep the default limit. */
  private readonly limitWritable: boolean;
  private readonly holder: { stack?: unknown } = {};

  constructor() {
    this.limitWritable = isWritable(Error, 'stackTraceLimit');
  }

  /** Whether stacks can be captured here at all (they need a settable `Error.prepareStackTrace`). */
  static available(): boolean {
    return isWritable(Error, 'prepareStackTrace');
  }

  /** The stack of the caller of `skip` (frames from `skip` up are left out). */
  capture(skip: Callee): string {
    // Saved to be put back as it was: a hook V8 calls with Error as `this`, never through this read.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const previousPrepare = Error.prepareStackTrace;
    const previousLimit = Error.stackTraceLimit;
    Error.prepareStackTrace = toSiteKey;
    if (this.limitWritable) Error.stackTraceLimit = EXTERNAL_STACK_LIMIT;
    try {
      Error.captureStackTrace(this.holder, skip);
      return this.holder.stack as string;
    } finally {
      Error.prepareStackTrace = previousPrepare;
      if (this.limitWritable) Error.stackTraceLimit = previousLimit;
      this.holder.stack = undefined;
    }
  }
}

function toSiteKey(_error: Error, callSites: NodeJS.CallSite[]): string {
  const frames: SiteFrame[] = callSites.map((callSite) => {
    const site = callSite as NodeJS.CallSite & { getEnclosingLineNumber(): number | null; getEnclosingColumnNumber(): number | null };
    return [site.getFunctionName() ?? '', site.getFileName() ?? '', site.getEnclosingLineNumber() ?? 0, site.getEnclosingColumnNumber() ?? 0];
  });
  return siteKey(frames);
}

function isWritable(target: object, property: string): boolean {
  if (Object.isFrozen(target)) return false;
  const descriptor = Object.getOwnPropertyDescriptor(target, property);
  return descriptor === undefined ? Object.isExtensible(target) : descriptor.writable === true || descriptor.set !== undefined;
}
