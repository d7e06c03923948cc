import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { PY_WAIT_FOR, runPyepics } from '../helpers/pyepics';

// The shipped tracing database loaded by hand as issue #15 loads it, `memtrace-ioc -m P=LAB: -d
// records/memoryTracing.db`: its records are wired by their DTYP and INP/OUT, not by the prefix.

const CLI = path.join(__dirname, '..', '..', 'dist', 'ioc', 'cli.js');
const SHIPPED = path.join(__dirname, '..', '..', 'records', 'memoryTracing.db');

async function listPvs(args: string[]): Promise<{ code: number | null; names: string[]; err: string }> {
  const child = new ChildProcess(process.execPath, [CLI, ...args, '--list-pvs'], {});
  const code = await child.waitForExit(15000);
  return { code, names: child.lines.filter(Boolean), err: child.stderr };
}

describe('memtrace-ioc -m P=… -d records/memoryTracing.db', () => {
  it('serves the file under the prefix it is given instead of the default load', async () => {
    const lab = await listPvs(['--prefix', 'X:', '-m', 'P=LAB:', '-d', SHIPPED]);
    expect(lab.code).toBe(0);
    expect(lab.names).toEqual(expect.arrayContaining(['LAB:EnableTracing', 'LAB:TraceStatus', 'LAB:TraceDumpFormat', 'X:HEARTBEAT']));
    expect(lab.names.filter((name) => name.startsWith('X:Trace') || name === 'X:EnableTracing')).toEqual([]);
  });

  it('loads it under the default prefix without "already defined"', async () => {
    const same = await listPvs(['-m', 'P=MEMTRACE:', '-d', SHIPPED]);
    expect(same.err).toBe('');
    expect(same.code).toBe(0);
    expect(same.names.filter((name) => name === 'MEMTRACE:EnableTracing')).toHaveLength(1);
  });

  it('gives working LAB: records: caput LAB:EnableTracing 1 makes LAB:TraceStatus say tracing', async () => {
    const env = loopbackEnv(await freePort(), await freePort());
    const ioc = new ChildProcess(process.execPath, [CLI, '-m', 'P=LAB:', '-d', SHIPPED], {
      ...env,
      EPICS_PVA_SERVER_PORT: String(await freePort()),
      EPICS_PVA_BROADCAST_PORT: String(await freePort()),
    });
    try {
      await ioc.waitForLine(/CA server listening/);
      const result = await runPyepics<{ before: string; status: string; severity: number }>(
        `${PY_WAIT_FOR}
before = epics.caget('LAB:TraceStatus', as_string=True)
epics.caput('LAB:EnableTracing', 1, wait=True)
after = wait_for('LAB:TraceStatus', lambda v, kw: v == 'tracing this process', timeout=20)
emit({'before': before, 'status': after['value'], 'severity': after['severity']})
`,
        env,
        40_000,
      );
      expect(result).toEqual({ before: 'disabled', status: 'tracing this process', severity: 0 });
    } finally {
      await ioc.stop();
    }
  }, 60_000);
});
