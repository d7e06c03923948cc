import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Context } from 'epics-tca';
import {
  analyseOutOfProcess,
  formatHeapSummary,
  formatRetainerGrowth,
  formatTopRetainers,
  type ClassColumns,
  type GrowthColumns,
  type HeapAnalysis,
  type RetainerColumns,
} from '../../src/tracing/heap-snapshot';
import { ChildProcess, startEmbeddingService, stopEmbeddingService } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';
import { startTcaContext, stopTcaContext } from '../helpers/tca';

// A Node service embeds the IOC (CA and pvAccess in a worker thread, tracing the host's main
// thread) and leaks on command; libca (pyepics) takes heap snapshots with TraceHeapSnapshot and
// reads what holds the memory, and epics-tca reads the same lists as NTTables over pvAccess.

const HOST = path.join(__dirname, '..', 'fixtures', 'heap', 'leaky-service.js');
/** The 1-based line of a fixture where `text` first appears: where V8 locates a closure. */
const lineOf = (file: string, text: string) =>
  fs
    .readFileSync(path.join(__dirname, '..', 'fixtures', 'heap', file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text)) + 1;
const LISTENER_LINE = lineOf('leaky-service.js', 'function onRequest');
const MiB = 1024 * 1024;
// A snapshot and its analysis last seconds, and more on a loaded machine.
const SNAPSHOT_TEST_TIMEOUT = 240000;

interface SnapshotResult {
  status: string;
  top: string;
  topBytes: number[];
  summary: string;
  summaryBytes: number[];
  growth: string;
  growthBytes: number[];
  file: string;
}

/** An NTTable as epics-tca decodes it: `value` holds a column per member (a typed array for a numeric one). */
interface NtTable {
  labels: string[];
  value: Record<string, ArrayLike<unknown>>;
}

/** A table's columns as plain arrays, the rank column aside. */
function columnsOf(table: NtTable): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(table.value).map(([name, column]) => [name, Array.from(column)]));
}

/** An analysis with only the lists given: what the list formatters need to write the rows. */
function analysisOf(lists: Partial<HeapAnalysis>): HeapAnalysis {
  return { nodeCount: 0, edgeCount: 0, totalBytes: 0, externalBytes: 0, durationMs: 0, ...lists } as HeapAnalysis;
}

/** The numbered rows of a list's text ("#1: …"), which its table's rows must say line for line. */
function rowsOf(text: string): string[] {
  return text.split('\n').filter((line) => /^#\d+: /.test(line));
}

/** The retainer paths of a list's text rows, which end each row after "N objects: ". */
function pathsOf(rows: readonly string[]): string[] {
  return rows.map((line) => line.slice(line.indexOf(' objects: ') + ' objects: '.length));
}

/**
 * Python for a pyepics script: texts as UTF-8 (pyepics decodes CHAR waveforms as Latin-1), and a
 * monitor of the status as a long string (the lsi's VAL$, as camonitor -S reads it) that calls
 * on_text with each status and sets finished on done, refused or error.
 */
const PYTHON_HELPERS = (prefix: string) => `
def text(name):
    return (epics.caget('${prefix}' + name, as_string=True) or '').encode('latin-1').decode('utf-8')
statuses = []
finished = threading.Event()
def on_text(status): pass
def on_status(value=None, **kw):
    status = bytes(bytearray(int(v) & 0xff for v in value)).split(b'\\0')[0].decode('utf-8')
    statuses.append(status)
    on_text(status)
    if status.startswith(('done', 'refused', 'error')) and len(statuses) > 1: finished.set()
status_pv = epics.PV('${prefix}TraceHeapSnapshotStatus.VAL$', callback=on_status, form='native')
status_pv.wait_for_connection(5)
`;

/** caput TraceHeapSnapshot 1, then waits (on the status monitor) for done, refused or error. */
const TAKE_SNAPSHOT = (prefix: string) => `${PYTHON_HELPERS(prefix)}
epics.caput('${prefix}TraceHeapSnapshot', 1, wait=True)
finished.wait(240)
def numbers(name):
    return [float(v) for v in epics.caget('${prefix}' + name)]
emit({'status': statuses[-1], 'top': text('TraceTopRetainers'), 'topBytes': numbers('TraceTopRetainersBytes'),
      'summary': text('TraceHeapSummary'), 'summaryBytes': numbers('TraceHeapSummaryBytes'),
      'growth': text('TraceRetainerGrowth'), 'growthBytes': numbers('TraceRetainerGrowthBytes'), 'file': text('TraceHeapSnapshotFile.VAL$')})
`;

/** The row of a numbered list ("#3: …") whose text matches, and its index. */
function row(list: string, pattern: RegExp): { index: number; text: string } {
  const lines = list.split('\n').filter((line) => /^#\d+: /.test(line));
  const index = lines.findIndex((line) => pattern.test(line));
  if (index < 0) throw new Error(`no row matches ${pattern} in:\n${list}`);
  return { index, text: lines[index]! };
}

function startHost(options: object, env: Record<string, string>): Promise<ChildProcess> {
  return startEmbeddingService(HOST, options, env, { readyMs: 30000 });
}

function stopHost(host: ChildProcess): Promise<void> {
  return stopEmbeddingService(host, 10000);
}

describe('heap snapshots of an embedding service, through libca and epics-tca', () => {
  let host: ChildProcess;
  let env: Record<string, string>;
  let dumpDirectory: string;
  let context: Context;
  const snapshot = () => runPyepics<SnapshotResult>(TAKE_SNAPSHOT('LEAK:'), env, 300000);
  let commandsSent = 0;
  /** Sends a leak command and waits for the host's "done <n>" answering it. */
  const command = async (line: string) => {
    host.send(line);
    await host.waitForLine(new RegExp(`^done ${++commandsSent}$`), 60000);
  };
  /**
   * A list's NTTable over pvAccess, the columns asked for as plain arrays. Not the retainer paths:
   * epics-tca refuses any string that is not ASCII (its DataDecoder.js "0x60" compares the UTF-8
   * byte count with the JS string's length), and they hold → and ×; the text's rows give them.
   */
  const table = async (name: string, columns: readonly string[]): Promise<{ labels: string[]; columns: Record<string, unknown[]> }> => {
    const channel = await context.createChannel(`LEAK:${name}`, 'pva', 30);
    if (!channel) throw new Error(`LEAK:${name} did not connect`);
    try {
      const data = (await channel.getPva(30, `field(labels,${columns.map((column) => `value.${column}`).join(',')})`)) as unknown as NtTable | undefined;
      if (!data) throw new Error(`no reply to a GET of LEAK:${name}`);
      return { labels: data.labels, columns: columnsOf(data) };
    } finally {
      await channel.destroyHard();
    }
  };

  beforeAll(async () => {
    dumpDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-heap-'));
    env = loopbackEnv(await freePort(), await freePort());
    const pva = {
      serverPort: await freePort(),
      broadcastPort: await freePort(),
      interfaces: ['127.0.0.1'],
      autoBeaconAddresses: false,
      beaconAddresses: ['127.0.0.1'],
    };
    const heapSnapshot = { maxPauseSeconds: 120, maxExtraMemoryBytes: 4096 * MiB, minFreeDiskBytes: 0 };
    host = await startHost(
      { prefix: 'LEAK:', protocols: { ca: true, pva: true }, pva, tracing: { dumpDirectory, heapSnapshot }, logging: { level: 'warn' } },
      env,
    );
    context = await startTcaContext({ ...env, EPICS_PVA_SERVER_PORT: String(pva.serverPort), EPICS_PVA_BROADCAST_PORT: String(pva.broadcastPort) });
  }, 60000);
  afterAll(async () => {
    await stopTcaContext(context);
    await stopHost(host);
    fs.rmSync(dumpDirectory, { recursive: true, force: true });
  });

  it(
    'names the closure that caches Buffers in a Map, with its source line, retaining their bytes within 5%',
    async () => {
      await command('cache 50');
      const result = await snapshot();
      expect(result.status).toMatch(/^done in [\d.]+ s: written in [\d.]+ s .* analysed in [\d.]+ s/);
      expect(path.dirname(result.file)).toBe(dumpDirectory);
      expect(fs.existsSync(result.file)).toBe(true);
      // No temporary file is left beside it.
      expect(fs.readdirSync(dumpDirectory).filter((name) => name.endsWith('.partial'))).toEqual([]);
      const cache = row(result.top, /closure put \(test\/fixtures\/heap\/cache\.js:4\)/);
      expect(cache.text).toMatch(/global\.cachePut → closure put \(test\/fixtures\/heap\/cache\.js:4\) → context\.store \(Map\) → \d+ × /);
      expect(Math.abs(result.topBytes[cache.index]! - 50 * MiB) / (50 * MiB)).toBeLessThan(0.05);
      expect(result.summary).toMatch(/system \/ JSArrayBufferData: \d+ objects, self 5\d\.\d MiB/);

      // The same lists as NTTables: each row says what the text's row says, and the waveforms' figures.
      const retainers = await table('TraceTopRetainersTable', ['rank', 'location', 'retainedBytes', 'selfBytes', 'objects', 'externalBytes', 'id']);
      expect(retainers.labels).toEqual(['rank', 'retainer path', 'location', 'retained bytes', 'self bytes', 'objects', 'external bytes', 'node id']);
      const topRows = rowsOf(result.top);
      const top = { ...retainers.columns, path: pathsOf(topRows) } as unknown as RetainerColumns & { rank: number[] };
      expect(top.rank).toEqual(topRows.map((_, row) => row + 1));
      // Every figure of every row, written as the text writes it, is the text's.
      expect(rowsOf(formatTopRetainers(analysisOf({ topRetainers: top })))).toEqual(topRows);
      expect(top.retainedBytes).toEqual(result.topBytes);
      // The code that keeps the Buffers, and the closure's own few bytes beside the 50 MiB it retains.
      expect(top.location[cache.index]).toBe('test/fixtures/heap/cache.js:4');
      expect(top.selfBytes[cache.index]).toBeGreaterThan(0);
      expect(top.selfBytes[cache.index]).toBeLessThan(1024);
      expect(new Set(top.id).size).toBe(top.id.length);

      const classes = await table('TraceHeapSummaryTable', ['rank', 'className', 'count', 'selfBytes', 'retainedBytes', 'externalBytes']);
      expect(classes.labels).toEqual(['rank', 'constructor', 'objects', 'self bytes', 'retained bytes', 'external bytes']);
      const summary = classes.columns as unknown as ClassColumns & { rank: number[] };
      expect(summary.rank).toEqual(rowsOf(result.summary).map((_, row) => row + 1));
      expect(rowsOf(formatHeapSummary(analysisOf({ summary }), Infinity))).toEqual(rowsOf(result.summary));
      expect(summary.retainedBytes).toEqual(result.summaryBytes);
    },
    SNAPSHOT_TEST_TIMEOUT,
  );

  it(
    'names the emitter that gains a listener per request, and the listener function',
    async () => {
      await command('listeners 2000');
      const result = await snapshot();
      const leak = row(result.top, /\(EventEmitter\)/);
      expect(leak.text).toMatch(
        new RegExp(String.raw`global\.bus \(EventEmitter\) → .*2000 × closure onRequest \(test\/fixtures\/heap\/leaky-service\.js:${LISTENER_LINE}\)`),
      );
    },
    SNAPSHOT_TEST_TIMEOUT,
  );

  it(
    'ranks a Map that grows across three snapshots first in TraceRetainerGrowth',
    async () => {
      let result: SnapshotResult | undefined;
      for (let step = 0; step < 3; step++) {
        await command('grow 30000');
        result = await snapshot();
        expect(result.status).toMatch(/^done/);
      }
      expect(row(result!.growth, /./).text).toMatch(/^#1: \+[\d.]+ (KiB|MiB) \(.* over 3 snapshots\), \d+ objects: global\.growing \(Map\)/);
      const grown = await table('TraceRetainerGrowthTable', ['rank', 'location', 'growthBytes', 'firstBytes', 'lastBytes', 'snapshots', 'objects', 'id']);
      expect(grown.labels).toEqual(['rank', 'retainer path', 'location', 'growth bytes', 'first bytes', 'retained bytes', 'snapshots', 'objects', 'node id']);
      const growthRows = rowsOf(result!.growth);
      const growth = { ...grown.columns, path: pathsOf(growthRows) } as unknown as GrowthColumns & { rank: number[] };
      expect(growth.rank).toEqual(growthRows.map((_, row) => row + 1));
      // A snapshot count of 3 or more only titles the text; the rows come from the columns alone.
      expect(rowsOf(formatRetainerGrowth(growth, 3, Infinity))).toEqual(growthRows);
      expect(growth.growthBytes).toEqual(result!.growthBytes);
      expect(growth.snapshots[0]).toBe(3);
    },
    SNAPSHOT_TEST_TIMEOUT,
  );

  it(
    'reports a killed analysis process in the status, and the host keeps serving',
    async () => {
      // The status names the analysis process as it is forked; starting Node and reading the file
      // alone last far longer than the monitor update and the kill take.
      // libca's side kills the analysis process as soon as the status names it.
      const { statuses } = await runPyepics<{ statuses: string[] }>(
        `import os, signal
${PYTHON_HELPERS('LEAK:')}
def on_text(status):
    if status.startswith('analysing in process'): os.kill(int(status.split()[3].rstrip(';')), signal.SIGKILL)
epics.caput('LEAK:TraceHeapSnapshot', 1, wait=True)
finished.wait(240)
emit({'statuses': statuses})
`,
        env,
        300000,
      );
      expect(statuses.at(-1)).toMatch(/^error: the analysis process was killed by SIGKILL; written in .* the file is complete/);
      host.send('ping');
      await host.waitForLine(/^pong$/);
      const after = await runPyepics<{ heartbeat: number | null; alarm: number }>(
        `emit({'heartbeat': epics.caget('LEAK:TraceHeapSnapshot', timeout=5), 'alarm': epics.PV('LEAK:TraceHeapSnapshotStatus').get_ctrlvars()['severity']})`,
        env,
      );
      expect(after).toEqual({ heartbeat: 0, alarm: 2 });
    },
    SNAPSHOT_TEST_TIMEOUT,
  );
});

describe('an analysis process that runs out of memory', () => {
  it(
    'says so in the status, leaves the file complete, and the host keeps serving',
    async () => {
      const dumpDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-heap-'));
      const env = loopbackEnv(await freePort(), await freePort());
      // The smallest analysis memory the configuration takes: a V8 heap limit of 64 MB in the child.
      // force: the guard rails are not what is tested, and their estimate depends on free memory.
      const heapSnapshot = { analysisMaxMemoryBytes: 128 * MiB, force: true };
      const host = await startHost(
        { prefix: 'OOM:', protocols: { ca: true, pva: false }, tracing: { dumpDirectory, heapSnapshot }, logging: { level: 'silent' } },
        env,
      );
      try {
        // 100 MB of distinct strings, which the child holds as JS strings while it reads the file.
        host.send('strings 100000');
        await host.waitForLine(/^done 1$/, 60000);
        const result = await runPyepics<SnapshotResult>(TAKE_SNAPSHOT('OOM:'), env, 300000);
        expect(result.status).toMatch(
          /^error: the analysis process ran out of memory \(heap limit 64 MB\); written in [\d.]+ s \(.*; file \d+ bytes\), the file is complete$/,
        );
        const bytes = Number(/file (\d+) bytes/.exec(result.status)![1]);
        expect(fs.statSync(result.file).size).toBe(bytes);
        // The results of no snapshot stay as they were.
        expect(result.top).toBe('no heap snapshot taken yet');
        host.send('ping');
        await host.waitForLine(/^pong$/);
        const after = await runPyepics<{ command: number | null; severity: number }>(
          `emit({'command': epics.caget('OOM:TraceHeapSnapshot', timeout=5), 'severity': epics.PV('OOM:TraceHeapSnapshotStatus').get_ctrlvars()['severity']})`,
          env,
        );
        // Back to Idle, with the MAJOR alarm of an error.
        expect(after).toEqual({ command: 0, severity: 2 });
        // The file is whole: a child with room analyses it, and finds the strings.
        const analysis = await analyseOutOfProcess(result.file, { maxMemoryBytes: 1024 * MiB }).result;
        const strings = analysis.summary.className.indexOf('(string)');
        expect(analysis.summary.count[strings]).toBeGreaterThan(100_000);
      } finally {
        await stopHost(host);
        fs.rmSync(dumpDirectory, { recursive: true, force: true });
      }
    },
    SNAPSHOT_TEST_TIMEOUT,
  );
});

describe('a heap snapshot over the configured limits', () => {
  it(
    'is refused with the estimate in the status, and writes no file',
    async () => {
      const dumpDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-heap-'));
      const env = loopbackEnv(await freePort(), await freePort());
      const host = await startHost(
        {
          prefix: 'TIGHT:',
          protocols: { ca: true, pva: false },
          tracing: { dumpDirectory, heapSnapshot: { maxPauseSeconds: 0.05 } },
          logging: { level: 'silent' },
        },
        env,
      );
      try {
        const result = await runPyepics<SnapshotResult>(TAKE_SNAPSHOT('TIGHT:'), env, 60000);
        expect(result.status).toMatch(
          /^refused: pause ~[\d.]+ s > maxPauseSeconds 0\.05 s \(used heap [\d.]+ (KiB|MiB) ≈ \d+ objects: pause ~[\d.]+ s, extra memory ~/,
        );
        expect(fs.readdirSync(dumpDirectory)).toEqual([]);
      } finally {
        await stopHost(host);
        fs.rmSync(dumpDirectory, { recursive: true, force: true });
      }
    },
    SNAPSHOT_TEST_TIMEOUT,
  );
});

describe('heap snapshots with the IOC on the main thread', () => {
  it(
    'snapshots the thread that serves CA itself, and names the closure that caches Buffers',
    async () => {
      const dumpDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-heap-'));
      const env = loopbackEnv(await freePort(), await freePort());
      const heapSnapshot = { maxPauseSeconds: 120, maxExtraMemoryBytes: 4096 * MiB, minFreeDiskBytes: 0 };
      const host = await startHost(
        { prefix: 'MAIN:', thread: 'main', protocols: { ca: true, pva: false }, tracing: { dumpDirectory, heapSnapshot }, logging: { level: 'warn' } },
        env,
      );
      try {
        host.send('cache 10');
        await host.waitForLine(/^done 1$/);
        const result = await runPyepics<SnapshotResult>(TAKE_SNAPSHOT('MAIN:'), env, 300000);
        expect(result.status).toMatch(/^done/);
        const cache = row(result.top, /closure put \(test\/fixtures\/heap\/cache\.js:4\)/);
        expect(Math.abs(result.topBytes[cache.index]! - 10 * MiB) / (10 * MiB)).toBeLessThan(0.05);
      } finally {
        await stopHost(host);
        fs.rmSync(dumpDirectory, { recursive: true, force: true });
      }
    },
    SNAPSHOT_TEST_TIMEOUT,
  );
});
