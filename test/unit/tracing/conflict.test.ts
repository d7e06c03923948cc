import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture } from './run-fixture';

interface Attempt {
  ok: boolean;
  name?: string;
  message?: string;
}

const CONFLICT = /cannot start heap tracing: V8's sampling heap profiler is already running in this isolate/;

describe('one sampler per isolate', () => {
  it('refuses a second start while the engine traces, and keeps tracing', async () => {
    const result = await runFixture<{ second: Attempt; stillTracing: boolean; snapshotWorks: boolean }>('conflict.js', ['twice']);
    expect(result.second).toEqual({ ok: false, name: 'TracingConflictError', message: 'heap tracing is already started: call stop() first' });
    expect(result.stillTracing).toBe(true);
    expect(result.snapshotWorks).toBe(true);
  });

  it("refuses to take over another inspector client's sampler, and leaves it running", async () => {
    const result = await runFixture<{ refused: Attempt; tracingAfterRefusal: boolean; otherStillSampling: Attempt; afterOtherStopped: Attempt }>(
      'conflict.js',
      ['foreign'],
    );
    expect(result.refused.name).toBe('TracingConflictError');
    expect(result.refused.message).toMatch(CONFLICT);
    expect(result.tracingAfterRefusal).toBe(false);
    expect(result.otherStillSampling.ok).toBe(true);
    expect(result.afterOtherStopped.ok).toBe(true);
  });

  it('refuses to start under node --heap-prof', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-heap-prof-'));
    try {
      const result = await runFixture<{ refused: Attempt; tracing: boolean }>('conflict.js', ['heapProf'], {
        nodeArgs: ['--heap-prof', `--heap-prof-dir=${directory}`],
      });
      expect(result.refused.name).toBe('TracingConflictError');
      expect(result.refused.message).toMatch(CONFLICT);
      expect(result.tracing).toBe(false);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('says so clearly when another client stops the sampler under it, and still stops cleanly', async () => {
    const result = await runFixture<{ snapshot: Attempt; stopped: Attempt; tracing: boolean }>('conflict.js', ['hijacked']);
    expect(result.snapshot.name).toBe('TracingError');
    expect(result.snapshot.message).toMatch(/heap sampler is no longer running: another inspector client/);
    expect(result.stopped.ok).toBe(true);
    expect(result.tracing).toBe(false);
  });
});
