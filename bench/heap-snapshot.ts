// Heap snapshots: the pause and extra RSS of the snapshotted process when TraceHeapSnapshot takes
// it in worker mode (a worker streams the main thread's snapshot from the inspector), beside
// Node's own v8.writeHeapSnapshot (what main-thread mode uses), then the analysis process's time
// and peak memory, and the error of the guard rails' estimate.
//
//   node /tmp/bench-out/bench/heap-snapshot.js [--sizes 50,300,1000] [--json]
//
// Each size runs in fresh processes holding a heap of small objects of that many MB (the costly
// kind: cost grows with the object count). Large sizes need a quiet machine with the memory free.

import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { parentPort, Worker } from 'node:worker_threads';
import { analyseOutOfProcess, estimateSnapshotCost, observedHeapUsage, writeHeapSnapshot, type WrittenSnapshot } from '../src/tracing/heap-snapshot';
import { loadAverage, machine } from './figures';

const MiB = 1024 * 1024;

interface WriteFigures {
  usedHeapBytes: number;
  pauseMs: number;
  extraRssBytes: number;
  fileBytes: number;
}

/** Fills the heap with small objects until V8's used heap reaches `megabytes`. */
function fillHeap(megabytes: number): unknown[] {
  const kept: unknown[] = [];
  for (let i = 0; v8.getHeapStatistics().used_heap_size < megabytes * MiB; i++) {
    for (let j = 0; j < 10000; j++, i++) kept.push({ index: i, text: `item ${i}` });
  }
  return kept;
}

/** From a worker, as the IOC in worker mode: the main thread is paused until the last chunk is sent. */
async function snapshotFromWorker(file: string): Promise<number> {
  const worker = new Worker(__filename, { argv: ['--snapshot-worker', file] });
  const written = await new Promise<WrittenSnapshot>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return written.durationMs;
}

/** In a child: fill, snapshot one way, report. */
async function host(megabytes: number, method: 'ours' | 'v8', file: string): Promise<void> {
  const kept = fillHeap(megabytes);
  const usedHeapBytes = (await observedHeapUsage('current')).usedSize;
  const rssBefore = process.memoryUsage.rss();
  let pauseMs: number;
  if (method === 'ours') pauseMs = await snapshotFromWorker(file);
  else {
    const began = performance.now();
    v8.writeHeapSnapshot(file);
    pauseMs = performance.now() - began;
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  const figures: WriteFigures = { usedHeapBytes, pauseMs, extraRssBytes: Math.max(0, peak - rssBefore), fileBytes: fs.statSync(file).size };
  process.send!(figures, () => process.exit(kept.length > 0 ? 0 : 1));
}

function runHost(megabytes: number, method: 'ours' | 'v8', file: string): Promise<WriteFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--host', String(megabytes), method, file], { execArgv: ['--max-old-space-size=16384'] });
    child.once('message', (figures: WriteFigures) => resolve(figures));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the ${method} host exited with ${code}`))));
  });
}

async function measure(megabytes: number, directory: string) {
  const ours = await runHost(megabytes, 'ours', path.join(directory, `ours-${megabytes}.heapsnapshot`));
  const node = await runHost(megabytes, 'v8', path.join(directory, `v8-${megabytes}.heapsnapshot`));
  const began = performance.now();
  const analysis = await analyseOutOfProcess(path.join(directory, `ours-${megabytes}.heapsnapshot`), { maxMemoryBytes: 64 * 1024 * MiB }).result;
  const analysisMs = performance.now() - began;
  const estimate = estimateSnapshotCost(ours.usedHeapBytes);
  for (const name of fs.readdirSync(directory)) fs.rmSync(path.join(directory, name));
  return {
    megabytes,
    usedHeapMiB: ours.usedHeapBytes / MiB,
    nodes: analysis.nodeCount,
    fileMiB: ours.fileBytes / MiB,
    ours: { pauseS: ours.pauseMs / 1000, extraRssMiB: ours.extraRssBytes / MiB },
    v8WriteHeapSnapshot: { pauseS: node.pauseMs / 1000, extraRssMiB: node.extraRssBytes / MiB },
    analysis: { seconds: analysisMs / 1000, peakMiB: (analysis.peakMemoryBytes ?? NaN) / MiB },
    estimate: {
      nodes: estimate.nodes,
      pauseS: estimate.pauseSeconds,
      extraMiB: estimate.extraMemoryBytes / MiB,
      pauseError: estimate.pauseSeconds / (ours.pauseMs / 1000) - 1,
      extraError: estimate.extraMemoryBytes / ours.extraRssBytes - 1,
    },
    load: loadAverage(),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--snapshot-worker') {
    parentPort!.postMessage(await writeHeapSnapshot(args[1]!, 'main'));
    return;
  }
  if (args[0] === '--host') return host(Number(args[1]), args[2] as 'ours' | 'v8', args[3]!);
  const sizesAt = args.indexOf('--sizes');
  const sizes = (sizesAt >= 0 ? args[sizesAt + 1]! : '50').split(',').map(Number);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-heap-'));
  const rows = [];
  try {
    for (const size of sizes) rows.push(await measure(size, directory));
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
  if (args.includes('--json')) return void process.stdout.write(JSON.stringify({ machine: machine(), rows }, null, 2) + '\n');
  const f = (value: number, digits = 1) => value.toFixed(digits);
  const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)}%`;
  process.stdout.write(`${machine()}\n\n`);
  process.stdout.write(
    '| heap | used MiB | nodes | file MiB | pause worker mode / v8 | extra RSS worker mode / v8 | analysis | analysis peak | estimate pause (err) | estimate extra (err) | load |\n|---|---|---|---|---|---|---|---|---|---|---|\n',
  );
  for (const row of rows) {
    process.stdout.write(
      `| ${row.megabytes} MB | ${f(row.usedHeapMiB)} | ${row.nodes} | ${f(row.fileMiB)} | ${f(row.ours.pauseS)} s / ${f(row.v8WriteHeapSnapshot.pauseS)} s | ` +
        `${f(row.ours.extraRssMiB, 0)} / ${f(row.v8WriteHeapSnapshot.extraRssMiB, 0)} MiB | ${f(row.analysis.seconds)} s | ${f(row.analysis.peakMiB, 0)} MiB | ` +
        `${f(row.estimate.pauseS)} s (${pct(row.estimate.pauseError)}) | ${f(row.estimate.extraMiB, 0)} MiB (${pct(row.estimate.extraError)}) | ${row.load} |\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
