import { FrameResolver } from '../../../src/tracing/frame-resolver';
import { aggregateProfile } from '../../../src/tracing/profile';
import type { ProfileNode, SamplingHeapProfile } from '../../../src/tracing/protocol';

const INTERVAL = 32768;
const reported = (size: number, samples = 1) => size * Math.floor(samples / (1 - Math.exp(-size / INTERVAL)) + 0.5);

function node(id: number, functionName: string, line: number, selfSize: number, children: ProfileNode[] = []): ProfileNode {
  return { id, selfSize, children, callFrame: { functionName, scriptId: '1', url: 'file:///app/src/main.js', lineNumber: line - 1, columnNumber: 0 } };
}

// root → main (no own memory) → retain (3 samples of 40-byte objects) → leaf (one 100 KB array)
const profile: SamplingHeapProfile = {
  head: {
    id: 1,
    selfSize: 0,
    callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
    children: [node(2, 'main', 1, 0, [node(3, 'retain', 10, reported(40, 3), [node(4, 'leaf', 20, 100000)])])],
  },
  samples: [
    { nodeId: 3, size: reported(40), ordinal: 5 },
    { nodeId: 3, size: reported(40), ordinal: 9 },
    { nodeId: 3, size: reported(40), ordinal: 12 },
    { nodeId: 4, size: 100000, ordinal: 7 },
  ],
};

function aggregate(options: { tracebackLimit?: number; afterOrdinal?: number } = {}) {
  const frames = new FrameResolver({ sourceMaps: false });
  return aggregateProfile(profile, {
    samplingInterval: INTERVAL,
    tracebackLimit: options.tracebackLimit ?? 128,
    afterOrdinal: options.afterOrdinal,
    frameOf: (n) => frames.resolve(n.callFrame),
  });
}

describe('aggregateProfile', () => {
  it('gives each trace its samples and the ±1.96σ of its estimate, w²(1 − p) per sample', () => {
    const { traces } = aggregate();
    const retain = traces.find((t) => t.newestFrame.functionName === 'retain')!;
    const leaf = traces.find((t) => t.newestFrame.functionName === 'leaf')!;
    const p40 = 1 - Math.exp(-40 / INTERVAL);
    expect([retain.external, retain.samples]).toEqual([false, 3]);
    // 32 800 bytes reported could be 820 objects of 40 B or 1025 of 32 B (see counting.ts): p barely differs.
    expect(retain.uncertainty / (1.96 * Math.sqrt(3 * reported(40) ** 2 * (1 - p40))) - 1).toBeLessThan(1e-3);
    expect(retain.uncertainty / (1.96 * Math.sqrt(3 * reported(40) ** 2 * (1 - p40))) - 1).toBeGreaterThan(-1e-3);
    // A 100 KB object is sampled with p = 0.95: one sample is nearly certain, its variance small.
    expect(leaf.samples).toBe(1);
    expect(leaf.uncertainty).toBeCloseTo(1.96 * Math.sqrt(100000 ** 2 * Math.exp(-100000 / INTERVAL)), 3);
  });

  it('makes one trace per node holding memory, sized by selfSize and counted from samples', () => {
    const { traces, lastOrdinal } = aggregate();
    expect(lastOrdinal).toBe(12);
    expect(traces.map((t) => [t.newestFrame.functionName, t.size, t.count, t.depth])).toEqual(
      expect.arrayContaining([
        ['retain', reported(40, 3), reported(40, 3) / 40, 2],
        ['leaf', 100000, 1, 3],
      ]),
    );
    expect(traces).toHaveLength(2);
  });

  it('turns call frames into 1-based paths with the stack oldest first', () => {
    const leaf = aggregate().traces.find((t) => t.newestFrame.functionName === 'leaf');
    expect(leaf?.frames.map((f) => `${f.functionName}@${f.file}:${f.line}`)).toEqual([
      'main@/app/src/main.js:1',
      'retain@/app/src/main.js:10',
      'leaf@/app/src/main.js:20',
    ]);
  });

  it('applies the traceback limit to the newest frames', () => {
    const leaf = aggregate({ tracebackLimit: 1 }).traces.find((t) => t.newestFrame.functionName === 'leaf');
    expect(leaf?.depth).toBe(1);
    expect(leaf?.frames.map((f) => f.functionName)).toEqual(['leaf']);
  });

  it('keeps only samples after an ordinal, sized by the samples', () => {
    const { traces } = aggregate({ afterOrdinal: 7 });
    expect(traces.map((t) => [t.newestFrame.functionName, t.size, t.count])).toEqual([['retain', 2 * reported(40), 2 * (reported(40) / 32)]]);
  });
});
