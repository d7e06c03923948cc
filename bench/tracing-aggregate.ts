/**
 * The engine's own share of a snapshot on big profiles: parsing the protocol JSON (as a worker
 * receives it), aggregating, grouping and formatting, for synthetic profiles of 10 000 and 100 000
 * nodes shaped like a service's (deep stacks over a few thousand functions in a few hundred files).
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-tracing; node /tmp/bench-tracing/bench/tracing-aggregate.js [repeats]
 */
import { performance } from 'node:perf_hooks';
import * as tracing from '../src/tracing';
import { FrameResolver } from '../src/tracing/frame-resolver';
import { aggregateProfile } from '../src/tracing/profile';
import type { ProfileNode, ProfileSample, SamplingHeapProfile } from '../src/tracing/protocol';
import { Snapshot } from '../src/tracing/snapshot';
import { median } from './figures';

const INTERVAL = 32768;
const FILES = 300;
const FUNCTIONS = 3000;
const OBJECT_SIZES = [16, 24, 32, 40, 56, 80, 160, 1024, 8016, 40000];

/** A deterministic pseudo-random sequence, so every run measures the same profile. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

function syntheticProfile(nodeCount: number): SamplingHeapProfile {
  const next = random(nodeCount);
  const functions = Array.from({ length: FUNCTIONS }, (_, i) => ({
    functionName: `fn${i}`,
    scriptId: String(1 + (i % FILES)),
    url: `file:///srv/app/${i % 7 === 0 ? `node_modules/dep${i % 40}/` : 'src/'}module${i % FILES}.js`,
    lineNumber: (i * 7) % 900,
    columnNumber: 4,
  }));
  const head: ProfileNode = {
    id: 1,
    selfSize: 0,
    children: [],
    callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
  };
  const nodes = [head];
  const depth = new Map<ProfileNode, number>([[head, 0]]);
  const samples: ProfileSample[] = [];
  for (let id = 2; id <= nodeCount; id++) {
    // Prefer recent nodes as parents, so stacks grow deep (up to ~40) as real ones do.
    let parent = nodes[Math.max(0, nodes.length - 1 - Math.floor(next() * 30))]!;
    if ((depth.get(parent) ?? 0) >= 40) parent = nodes[Math.floor(next() * Math.min(nodes.length, 50))]!;
    const node: ProfileNode = { id, selfSize: 0, children: [], callFrame: functions[Math.floor(next() * FUNCTIONS)]! };
    parent.children.push(node);
    nodes.push(node);
    depth.set(node, (depth.get(parent) ?? 0) + 1);
    const sampleCount = next() < 0.6 ? 1 + Math.floor(next() * 3) : 0;
    for (let k = 0; k < sampleCount; k++) {
      const size = OBJECT_SIZES[Math.floor(next() * OBJECT_SIZES.length)]!;
      const reported = size * Math.floor(1 / (1 - Math.exp(-size / INTERVAL)) + 0.5);
      samples.push({ nodeId: id, size: reported, ordinal: samples.length + 1 });
      node.selfSize += reported;
    }
  }
  return { head, samples };
}

function measure(nodeCount: number, repeats: number): string {
  const json = JSON.stringify(syntheticProfile(nodeCount));
  const times = { parse: [] as number[], aggregate: [] as number[], statistics: [] as number[], format: [] as number[] };
  let traces = 0;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const profile = JSON.parse(json) as SamplingHeapProfile;
    const t1 = performance.now();
    const frames = new FrameResolver();
    const aggregation = aggregateProfile(profile, { samplingInterval: INTERVAL, tracebackLimit: 128, frameOf: (node) => frames.resolve(node.callFrame) });
    const snapshot = new Snapshot({
      traces: aggregation.traces,
      tracebackLimit: 128,
      takenAt: new Date(),
      heap: null,
      samplingInterval: INTERVAL,
      mode: 'live',
    }).filterTraces();
    const t2 = performance.now();
    const byLine = snapshot.statistics('lineno');
    const byPackage = snapshot.statistics('package');
    const diffs = snapshot.compareTo(snapshot, 'lineno');
    const t3 = performance.now();
    tracing.formatTopStatistics(byLine);
    tracing.formatTopStatistics(byPackage);
    diffs.slice(0, 10).map((diff) => tracing.formatStatisticDiff(diff));
    const t4 = performance.now();
    times.parse.push(t1 - t0);
    times.aggregate.push(t2 - t1);
    times.statistics.push(t3 - t2);
    times.format.push(t4 - t3);
    traces = snapshot.traces.length;
  }
  const f = (values: number[]) => `${median(values).toFixed(1)} ms`;
  const total = median(times.parse) + median(times.aggregate) + median(times.statistics) + median(times.format);
  return (
    `${nodeCount} nodes (${traces} traces, JSON ${(json.length / 1048576).toFixed(1)} MB): JSON.parse ${f(times.parse)}, ` +
    `aggregate + default filters ${f(times.aggregate)}, statistics (lineno, package, compareTo) ${f(times.statistics)}, ` +
    `formatting ${f(times.format)}; total ${total.toFixed(1)} ms`
  );
}

const repeats = Number(process.argv[2] ?? 5);
for (const nodes of [10_000, 100_000]) process.stdout.write(`${measure(nodes, repeats)}\n`);
