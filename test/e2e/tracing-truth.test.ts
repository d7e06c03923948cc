import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChildProcess, startEmbeddingService, stopEmbeddingService } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';

// Node services that embed the IOC (test/fixtures/ioc/traced-service.js), read through libca:
// inlined helpers, leak suspects beside a churn, and memtrace-ioc's own allocations kept out of
// the user's lists.

const SERVICE = path.join(__dirname, '..', 'fixtures', 'ioc', 'traced-service.js');
const SERVICE_SOURCE = fs.readFileSync(SERVICE, 'utf8').split('\n');

/** The line where a function of the service starts: the lineno location V8 gives its allocations. */
function lineOf(functionName: string): number {
  return SERVICE_SOURCE.findIndex((line) => line.startsWith(`function ${functionName}(`)) + 1;
}

interface Service {
  child: ChildProcess;
  env: Record<string, string>;
}

async function startService(options: object): Promise<Service> {
  const env = loopbackEnv(await freePort(), await freePort());
  const child = await startEmbeddingService(SERVICE, { logging: { level: 'warn' }, protocols: { ca: true, pva: false }, ...options }, env, {
    nodeArgs: ['--expose-gc'],
  });
  return { child, env };
}

async function stopService({ child }: Service): Promise<void> {
  await stopEmbeddingService(child);
}

/** Sends a command and waits for its answer (each command is sent once per service). */
function command(service: Service, line: string, answer: RegExp): Promise<string> {
  service.child.send(line);
  return service.child.waitForLine(answer, 60_000);
}

/** Python: enable tracing, then take one more snapshot and read `names` once it is published. */
const SNAPSHOT_AND_READ = (prefix: string, names: string[]) => `
def snapshot():
    epics.caput('${prefix}TraceSnapshot', 1, wait=True)
    deadline = time.time() + 30
    while epics.caget('${prefix}TraceSnapshot') != 0 and time.time() < deadline:
        time.sleep(0.1)
snapshot()
out = {}
for name in ${JSON.stringify(names)}:
    chid = ca.create_channel('${prefix}' + name)
    ca.connect_channel(chid, timeout=5)
    if ca.field_type(chid) == dbr.CHAR or ca.element_count(chid) == 1:
        out[name] = epics.caget('${prefix}' + name, as_string=ca.field_type(chid) == dbr.CHAR)
    else:
        # A waveform in use for one element comes back as a scalar: keep it an array.
        value = ca.get(chid)
        out[name] = list(value) if hasattr(value, '__len__') and not isinstance(value, str) else [value]
emit(out)
`;

const ENABLE = (prefix: string) => `
epics.caput('${prefix}EnableTracing', 'Enable', wait=True)
deadline = time.time() + 30
while not (epics.caget('${prefix}TraceStatus', as_string=True) or '').startswith('tracing') and time.time() < deadline:
    time.sleep(0.1)
say('enabled')
`;

interface Inlined {
  TraceTopAllocations: string;
  TraceSummary: string;
  TraceStatus: string;
  TraceTopBytes: number[];
  TraceTopCounts: number[];
  TraceTopLocations: string[];
}

async function traceInlinedLeak(exactFrames: boolean): Promise<{ result: Inlined; retained: number }> {
  const prefix = exactFrames ? 'EXACT:' : 'INLINED:';
  const service = await startService({ prefix, exactFrames, tracing: { samplingInterval: 16384, period: 600 } });
  try {
    await command(service, 'warm', /^warm$/);
    await runPyepics(`${ENABLE(prefix)}emit({})`, service.env, 40_000);
    const retained = Number((await command(service, 'fill 300000', /^retained \d+$/)).split(' ')[1]);
    const names = ['TraceTopAllocations', 'TraceSummary', 'TraceStatus', 'TraceTopBytes', 'TraceTopCounts', 'TraceTopLocations'];
    const result = await runPyepics<Inlined>(SNAPSHOT_AND_READ(prefix, names), service.env, 40_000);
    return { result, retained };
  } finally {
    await stopService(service);
  }
}

/** caproto's TraceTopAllocations grammar (caproto/server/stats.py, get_top_allocation_info). */
const ENTRY = /^#(\d+): (.+:\d+): (\d+\.\d) KiB$/;

describe('a leak in a small helper that TurboFan inlines', () => {
  it('without exact frames: TraceSummary says V8 credits inlined callees to the function shown', async () => {
    const { result } = await traceInlinedLeak(false);
    expect(result.TraceStatus).toBe('tracing this process');
    expect(result.TraceSummary).toMatch(/^Inlining: V8 credits what an inlined function allocates to the function it was inlined into/m);
    expect(result.TraceSummary).toMatch(/A file:line is where the allocating function starts/);
  }, 90_000);

  it('with exact frames: the helper comes first within ±10% of what it retained, and the waveforms agree with the text', async () => {
    const { result, retained } = await traceInlinedLeak(true);
    expect(result.TraceStatus).toMatch(/^tracing this process, exact frames$/);
    const lines = result.TraceTopAllocations.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^#1: test/fixtures/ioc/traced-service\\.js:${lineOf('makeItem')}: `));
    expect(lines[1]).toMatch(/^ {4}makeItem: function makeItem\(i\) \{  \[\+\/- [\d.]+ [KM]iB\]$/);
    expect(Math.abs(result.TraceTopBytes[0]! - retained) / retained).toBeLessThan(0.1);
    // The numeric and string waveforms are the text's entries, in its order.
    const entries = lines.filter((line) => line.startsWith('#')).map((line) => ENTRY.exec(line)!);
    expect(entries.length).toBeGreaterThan(0);
    expect(result.TraceTopBytes).toHaveLength(entries.length);
    expect(result.TraceTopCounts).toHaveLength(entries.length);
    entries.forEach((entry, index) => {
      expect(entry[1]).toBe(String(index + 1));
      // The text rounds KiB as Python's %.1f does (ties to even).
      // Half a tenth at most, plus the floating-point error of the division (a tie read 0.05000000000291).
      expect(Math.abs(result.TraceTopBytes[index]! / 1024 - Number(entry[3]))).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(entry[2]!.endsWith(result.TraceTopLocations[index]!.replace(/^\.\.\./, ''))).toBe(true);
    });
    expect(result.TraceSummary).toMatch(/^Exact frames: on/m);
  }, 90_000);
});

interface Suspects {
  TraceLeakSuspects: string;
  TraceSuspectLocations: string[];
  TraceSuspectRates: number[];
  TraceTopSuspectRate: number;
  TraceGrowthRate: number;
  TraceSummary: string;
}

describe('a leak beside a steady churn', () => {
  it('is the only leak suspect, with a growth rate within ±20% of the truth', async () => {
    const prefix = 'LEAK:';
    // The growth rate's ±20% was established at 64 KiB (BENCHMARKS.md, "The accuracy each interval gives").
    const service = await startService({ prefix, tracing: { period: 1, samplingInterval: 65536 } });
    try {
      await command(service, 'leak', /^leaking$/);
      const result = await runPyepics<Suspects>(
        `${ENABLE(prefix)}
# Twelve snapshots fill the history (tracing.suspects.snapshots).
deadline = time.time() + 60
while 'over 12 snapshots' not in (read_text('${prefix}TraceSummary') or '') and time.time() < deadline:
    time.sleep(0.25)
${SNAPSHOT_AND_READ(prefix, ['TraceLeakSuspects', 'TraceSuspectLocations', 'TraceSuspectRates', 'TraceTopSuspectRate', 'TraceGrowthRate', 'TraceSummary'])}`,
        service.env,
        90_000,
      );
      const [, items, ms, bytesPerItem] = (await command(service, 'leaked', /^leaked /)).split(' ').map(Number);
      const truth = ((items! * bytesPerItem!) / ms!) * 60_000;
      const entries = result.TraceLeakSuspects.split('\n').filter((line) => line.startsWith('#'));
      expect(entries).toEqual([expect.stringMatching(new RegExp(`^#1: test/fixtures/ioc/traced-service\\.js:${lineOf('leakSome')}: \\d+\\.\\d KiB$`))]);
      expect(result.TraceLeakSuspects.split('\n')[1]).toMatch(/^ {4}\+[\d.]+ [KM]iB\/min, \d+% of growth, grew in [56] of 6 periods$/);
      expect(result.TraceSuspectLocations).toEqual([expect.stringMatching(new RegExp(`traced-service\\.js:${lineOf('leakSome')}$`))]);
      expect(result.TraceSuspectRates[0]).toBe(result.TraceTopSuspectRate);
      expect(Math.abs(result.TraceTopSuspectRate - truth) / truth).toBeLessThan(0.2);
      expect(result.TraceSummary).toMatch(/leak suspects: 1$/m);
    } finally {
      await stopService(service);
    }
  }, 120_000);
});

describe('memtrace-ioc serving CA from the traced thread (main-thread mode)', () => {
  it('keeps its own allocations out of every list and sums them in TraceSelfMemory', async () => {
    const prefix = 'OWN:';
    const service = await startService({
      prefix,
      thread: 'main',
      status: { period: 0.2, limits: { minPeriod: 0.2 } },
      tracing: { period: 0.5, samplingInterval: 4096, limits: { minPeriod: 0.5 } },
    });
    try {
      await command(service, 'leak', /^leaking$/);
      const lists = ['TraceTopAllocations', 'TraceDiffResults', 'TracePeakAllocations', 'TraceLeakSuspects'];
      const locations = ['TraceTopLocations', 'TraceDiffLocations', 'TracePeakLocations', 'TraceSuspectLocations'];
      const result = await runPyepics<Record<string, string | string[] | number>>(
        `${ENABLE(prefix)}
# CA work for the IOC while it traces: monitors of every record, and reads.
names = [n for n in ('HEARTBEAT', 'HEAP_USED', 'RSS', 'EVENT_LOOP_LAG', 'TraceStatus', 'TracedMemory', 'TraceSummary', 'TraceTopAllocations')]
pvs = [epics.PV('${prefix}' + n, auto_monitor=True) for n in names]
end = time.time() + 6
while time.time() < end:
    for n in names:
        epics.caget('${prefix}' + n, as_string=True)
${SNAPSHOT_AND_READ(prefix, [...lists, ...locations, 'TraceSelfMemory', 'TraceSummary'])}`,
        service.env,
        90_000,
      );
      // The IOC runs from dist/ here; a location in it would read dist/… or src/… from the repository root.
      const own = /(^|[\s(/])(dist|src)\/(ca|pva|net|ioc|database|tracing|access)\//m;
      for (const name of [...lists, ...locations]) {
        const value = result[name];
        const text = Array.isArray(value) ? value.join('\n') : String(value);
        expect([name, own.exec(text)?.[0]]).toEqual([name, undefined]);
      }
      expect(String(result.TraceTopAllocations)).toMatch(/traced-service\.js/);
      expect(result.TraceSelfMemory).toBeGreaterThan(0);
      expect(String(result.TraceSummary)).toMatch(/^memtrace-ioc's own allocations, left out of the lists: \d/m);
    } finally {
      await stopService(service);
    }
  }, 120_000);

  it("counts what its log calls allocate (pino, and sonic-boom under it) as its own, and a subroutine of the host's that its scan calls as the host's", async () => {
    const prefix = 'OWNLOG:';
    // Allocated mode: every sampled allocation counts, so the log lines the IOC writes at debug level
    // for each client that connects and leaves (through pino and sonic-boom) are all in the profile.
    const service = await startService({
      prefix,
      thread: 'main',
      logging: { level: 'debug' },
      tracing: { mode: 'allocated', period: 0.5, samplingInterval: 1024, externalSamplingInterval: 4096, limits: { minPeriod: 0.5 } },
    });
    try {
      await command(service, `subroutine ${prefix}`, /^subroutine$/);
      const lists = ['TraceTopAllocations', 'TraceDiffResults', 'TracePeakAllocations'];
      const locations = ['TraceTopLocations', 'TraceDiffLocations', 'TracePeakLocations'];
      const result = await runPyepics<Record<string, string | string[] | number>>(
        `${ENABLE(prefix)}
epics.caput('${prefix}TraceCount', 100, wait=True)
# A new circuit each round (clear_cache closes libca's context): the IOC logs each client in and out.
for i in range(60):
    epics.caget('${prefix}HEARTBEAT')
    epics.ca.clear_cache()
${SNAPSHOT_AND_READ(prefix, [...lists, ...locations])}`,
        service.env,
        90_000,
      );
      // The host uses no npm package: pino in a list would be the IOC's logging, called from the
      // IOC's code (pino runs only in its caller's call), and one of memtrace-ioc's files its code.
      // The packages under pino also run in Node's callbacks (sonic-boom when an asynchronous write
      // completes, on-exit-leak-free's finalizer) with no frame of anyone's under them: those stay
      // in the lists under their own location (README: Only your code).
      const own = /(^|[\s(/])(dist|src)\/(ca|pva|net|ioc|database|tracing|access)\/|node_modules\/pino\/\S+/m;
      for (const name of [...lists, ...locations]) {
        const value = result[name];
        const text = Array.isArray(value) ? value.join('\n') : String(value);
        expect([name, own.exec(text)?.[0]]).toEqual([name, undefined]);
      }
      // The peak period's list: TraceSnapshot's own list covers only the time since the periodic
      // snapshot before it, which may be too short to hold one of the 0.1 s scans.
      const peak = String(result.TracePeakAllocations).split('\n');
      const line = `traced-service.js:${lineOf('keepOnScan')}:`;
      // Its objects and the Buffer objects in V8's heap, and the Buffers' contents, marked external.
      expect(peak.filter((entry) => entry.includes(line))).toHaveLength(2);
      expect(peak.some((entry, index) => entry.includes(line) && /\[external, /.test(peak[index + 1] ?? ''))).toBe(true);
    } finally {
      await stopService(service);
    }
  }, 120_000);
});
