import { type Frame, type StackNode, stackNode, Trace } from '../frames';
import type { FrameResolver } from '../frame-resolver';
import type { ExternalTotals } from '../protocol';
import { uncertaintyOf } from './estimator';
import type { ExternalReport, SiteFrame } from './sample-store';

/**
 * The external sampler's sites as traces, their frames resolved as V8's are (same file paths,
 * source maps, packages), so an external site and a V8-heap site of one function share a key.
 * Counts are samples' allocations, not objects: the estimator scales bytes, and one sample of a
 * large buffer is one buffer.
 */
export function externalTraces(report: ExternalReport, frames: FrameResolver, tracebackLimit: number): Trace[] {
  const stacks = new StackBuilder();
  const traces: Trace[] = [];
  for (const site of report.sites) {
    const stack = stacks.stackOf(report.frames[site.site]!.map((frame) => resolve(frames, frame)));
    if (!stack || site.bytes <= 0) continue;
    traces.push(
      new Trace(site.bytes, site.samples, stack, Math.min(stack.depth, tracebackLimit), {
        external: true,
        samples: site.samples,
        uncertainty: uncertaintyOf(site.variance),
        pooledSamples: site.pooledSamples,
      }),
    );
  }
  return traces;
}

export function externalTotals(report: ExternalReport): ExternalTotals {
  let attributed = 0;
  for (const site of report.sites) attributed += site.bytes;
  return {
    samplingInterval: report.samplingInterval,
    attributed,
    arrayBuffers: report.arrayBuffers,
    residual: report.arrayBuffers - attributed,
    poolSize: report.poolSize,
  };
}

function resolve(frames: FrameResolver, [functionName, url, line, column]: SiteFrame): Frame {
  // As V8's call frames: 0-based, the url as the script's name (a path, or file: URL for ES modules).
  return frames.resolve({ functionName, scriptId: '0', url, lineNumber: line - 1, columnNumber: column - 1 });
}

/** Shares stack prefixes between sites, as V8's profile tree does. Frames arrive newest first. */
class StackBuilder {
  private readonly children = new Map<StackNode | null, Map<Frame, StackNode>>();

  stackOf(newestFirst: readonly Frame[]): StackNode | null {
    let stack: StackNode | null = null;
    for (let i = newestFirst.length - 1; i >= 0; i--) stack = this.child(stack, newestFirst[i]!);
    return stack;
  }

  private child(parent: StackNode | null, frame: Frame): StackNode {
    let byFrame = this.children.get(parent);
    if (!byFrame) this.children.set(parent, (byFrame = new Map<Frame, StackNode>()));
    let node = byFrame.get(frame);
    if (!node) byFrame.set(frame, (node = stackNode(frame, parent)));
    return node;
  }
}
