import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyseOutOfProcess, observedHeapUsage, readHeapSnapshot, writeHeapSnapshot } from '../../../../src/tracing/heap-snapshot';

// This process's own heap, snapshotted through its inspector and parsed back; the analysis
// process is the compiled one (npm run build).

describe('writing a heap snapshot', () => {
  let directory: string;
  beforeEach(() => (directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-take-'))));
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('streams a complete snapshot to the file, with nothing else left in the directory', async () => {
    const usage = await observedHeapUsage('current');
    expect(usage.usedSize).toBeGreaterThan(1024 * 1024);
    const file = path.join(directory, 'this.heapsnapshot');
    const written = await writeHeapSnapshot(file, 'current');
    expect(fs.readdirSync(directory)).toEqual(['this.heapsnapshot']);
    expect(fs.statSync(file).size).toBe(written.bytes);
    const raw = await readHeapSnapshot(file);
    expect(raw.nodeCount).toBeGreaterThan(10000);
    // The analysis process holds to its memory limit, whatever the V8 heap limit lets through.
    const starved = analyseOutOfProcess(file, { maxMemoryBytes: 1024 * 1024 });
    await expect(starved.result).rejects.toThrow(/^analysis failed: the analysis needs more than its limit of 1048576 bytes \(\d+ after reading\)/);
  }, 120000);

  it('writes nothing through a symlink planted at its name, nor replaces it', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-take-outside-'));
    try {
      const file = path.join(directory, 'planted.heapsnapshot');
      fs.symlinkSync(path.join(outside, 'target'), file);
      await expect(writeHeapSnapshot(file, 'current')).rejects.toThrow(/planted.heapsnapshot exists already/);
      expect(fs.readdirSync(outside)).toEqual([]);
      expect(fs.readdirSync(directory)).toEqual(['planted.heapsnapshot']);
      expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('leaves no file when the snapshot cannot be written', async () => {
    const file = path.join(directory, 'missing', 'this.heapsnapshot');
    await expect(writeHeapSnapshot(file, 'current')).rejects.toThrow(/ENOENT/);
    expect(fs.readdirSync(directory)).toEqual([]);
  });
});

describe('the analysis process', () => {
  it('reports a file that is not a snapshot as failed, and its death by a signal', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-analyse-'));
    try {
      const bad = path.join(directory, 'bad.heapsnapshot');
      fs.writeFileSync(bad, '{"nodes":[]}');
      await expect(analyseOutOfProcess(bad, { maxMemoryBytes: 256 * 1024 * 1024 }).result).rejects.toThrow(/^analysis failed: not a V8 heap snapshot/);
      const killed = analyseOutOfProcess(bad, { maxMemoryBytes: 256 * 1024 * 1024 });
      killed.child.kill('SIGKILL');
      await expect(killed.result).rejects.toThrow('the analysis process was killed by SIGKILL');
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports a real out-of-memory of V8 in the child, on a complete file that a child with room analyses', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-oom-'));
    // 100 000 distinct flat strings of 1000 characters: the snapshot names each in full, and the
    // child keeps its strings as JS strings, 100 MB for a V8 heap limit of 64 MB (half of 128 MiB).
    const texts = Array.from({ length: 100_000 }, () => randomBytes(500).toString('hex'));
    try {
      const file = path.join(directory, 'texts.heapsnapshot');
      const written = await writeHeapSnapshot(file, 'current');
      texts.length = 0;
      const starved = analyseOutOfProcess(file, { maxMemoryBytes: 128 * 1024 * 1024 });
      await expect(starved.result).rejects.toThrow(/^the analysis process ran out of memory \(heap limit 64 MB\)$/);
      expect(fs.statSync(file).size).toBe(written.bytes);
      const roomy = await analyseOutOfProcess(file, { maxMemoryBytes: 1024 * 1024 * 1024 }).result;
      expect(roomy.summary.className).toContain('(string)');
      const strings = roomy.summary.className.indexOf('(string)');
      expect(roomy.summary.count[strings]).toBeGreaterThan(100_000);
    } finally {
      texts.length = 0;
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }, 180000);
});
