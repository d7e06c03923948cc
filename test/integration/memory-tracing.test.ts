import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG, type IocConfig } from '../../src/ioc/config/ioc-config';
import { startIocCore, type IocCore } from '../../src/ioc/ioc-core';
import { silentLogger } from '../../src/logger';
import * as tracing from '../../src/tracing';
import { freePort, loopbackEnv } from '../helpers/ports';
import { PY_WAIT_FOR, runPyepics, startPyepics } from '../helpers/pyepics';

// The memoryTracing group in the thread that serves CA (here the main thread, so the engine runs in a
// worker of its own that observes it), read and driven by libca.

/** A list entry in memtrace-ioc's own code (paths are shown relative to the working directory). */
const OWN_FILE = /^(#\d+: )?(src|dist)\//;

const retained: unknown[] = [];
function leakInKnownFunction(megabytes: number): void {
  for (let i = 0; i < megabytes * 64; i++) retained.push(new Array(2048).fill(i));
}

/** Two more sites that keep memory, so that a list of three always has three entries to show. */
function keepInSecondSite(): void {
  for (let i = 0; i < 128; i++) retained.push(new Array(2048).fill(i));
}
function keepInThirdSite(): void {
  for (let i = 0; i < 128; i++) retained.push(new Array(2048).fill(i));
}

describe('memoryTracing PVs through libca', () => {
  let core: IocCore;
  let env: Record<string, string>;
  let dumpDirectory: string;

  beforeAll(async () => {
    dumpDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-dumps-'));
    env = loopbackEnv(await freePort(), await freePort());
    const config: IocConfig = {
      ...DEFAULT_CONFIG,
      prefix: 'MT:',
      groups: { memoryTracing: { enabled: true, macros: '' }, iocStats: { enabled: false, macros: '' } },
      tracing: { ...DEFAULT_CONFIG.tracing, period: 1, dumpDirectory },
      thread: 'main',
    };
    core = await startIocCore({ config, logger: silentLogger(), observedThread: 'current', metrics: () => undefined, env });
  });
  afterAll(async () => {
    await core.close();
    fs.rmSync(dumpDirectory, { recursive: true, force: true });
  });

  it('starts disabled, with caproto names and types', async () => {
    const result = await runPyepics<Record<string, unknown>>(
      `
out = {}
for n in ('EnableTracing', 'TraceTopAllocations', 'TraceDiffResults', 'TraceCount', 'TraceStatus'):
    chid = ca.create_channel('MT:' + n)
    ca.connect_channel(chid, timeout=5)
    out[n] = [ca.field_type(chid), ca.element_count(chid)]
out['status'] = epics.caget('MT:TraceStatus', as_string=True)
out['enable'] = epics.caget('MT:EnableTracing', as_string=True)
emit(out)
`,
      env,
    );
    expect(result).toMatchObject({
      EnableTracing: [3, 1],
      TraceTopAllocations: [4, 20000],
      TraceDiffResults: [4, 20000],
      TraceCount: [5, 1],
      status: 'disabled',
      enable: 'Disable',
    });
  });

  it('Enable gives a top list at once, a growing leak shows in the diff, Count 3 gives 3 entries', async () => {
    const session = startPyepics<{ top: string; status: string }>(
      `
epics.caput('MT:EnableTracing', 'Enable', wait=True)
# The first snapshot follows Enable at once, but a loaded machine may take seconds to start a worker.
# The sampler sees only what is allocated after it starts: leak once the first snapshot is out.
deadline = time.time() + 15
while read_text('MT:TraceSummary').startswith('no snapshot yet') and time.time() < deadline:
    time.sleep(0.25)
say('enabled')
top = ''
while '#' not in top and time.time() < deadline:
    time.sleep(0.25)
    top = read_text('MT:TraceTopAllocations') or ''
emit({'top': top, 'status': epics.caget('MT:TraceStatus', as_string=True)})
`,
      env,
    );
    await session.waitForLine('enabled');
    leakInKnownFunction(8);
    const first = await session.result;
    expect(first.status).toBe('tracing this process');
    const entries = first.top.split('\n').filter((line) => line.startsWith('#'));
    expect(entries.length).toBeGreaterThan(0);
    for (const line of entries) expect(line).toMatch(/^#\d+: .+:\d+: [\d.]+ KiB$/);
    // The IOC runs in this thread (src, through ts-jest) while the engine's worker runs dist: its frames are still its own, never the user's.
    expect(entries.filter((line) => OWN_FILE.test(line))).toEqual([]);

    // Snapshots only on request from here, so the diff spans exactly the leak.
    const baseline = startPyepics<{ top: string; diff: string; topBytes: number[]; diffBytes: number[]; summary: string; growth: number }>(
      `
epics.caput('MT:TracePeriod', 60, wait=True)
epics.caput('MT:TraceCount', 3, wait=True)
# TraceSnapshot goes back to 0 once the snapshot's lists are posted.
epics.caput('MT:TraceSnapshot', 1, wait=True)
wait_until(lambda: epics.caget('MT:TraceSnapshot', timeout=5) == 0, timeout=15)
say('baseline')
sys.stdin.readline()
epics.caput('MT:TraceSnapshot', 1, wait=True)
wait_until(lambda: epics.caget('MT:TraceSnapshot', timeout=5) == 0, timeout=15)
emit({'top': read_text('MT:TraceTopAllocations'), 'diff': read_text('MT:TraceDiffResults'),
      'topBytes': list(epics.caget('MT:TraceTopBytes')), 'diffBytes': list(epics.caget('MT:TraceDiffBytes')),
      'summary': read_text('MT:TraceSummary'), 'growth': epics.caget('MT:TraceGrowthRate.SEVR')})
`,
      env,
    );
    await baseline.waitForLine('baseline');
    leakInKnownFunction(24);
    keepInSecondSite();
    keepInThirdSite();
    baseline.send('go');
    const second = await baseline.result;
    const top = second.top.split('\n').filter((line) => line.startsWith('#'));
    expect(top).toHaveLength(3);
    expect(second.top).toMatch(/leakInKnownFunction/);
    expect([...top, ...second.diff.split('\n')].filter((line) => OWN_FILE.test(line))).toEqual([]);
    // The waveforms hold the lists' figures in rank order; the summary holds what the texts leave out.
    top.forEach((line, index) => {
      const kib = Number(/: ([\d.]+) KiB$/.exec(line)![1]);
      // Rounded as Python's %.1f (ties to even): at most half a tenth away, which a tie reaches
      // exactly; the subtraction in doubles can add a few ulps to it (0.0500000000001819 was seen).
      expect(Math.abs(second.topBytes[index]! / 1024 - kib)).toBeLessThanOrEqual(0.05 + 1e-9);
    });
    expect(second.diffBytes).toHaveLength(3);
    expect(second.summary).toMatch(/^Top 3 functions \(file:line is where the allocating function starts\)\n(\d+ other: [\d.]+ KiB\n)?Total: [\d.]+ KiB\n/);
    // 24 MB within seconds is beyond TraceGrowthRate's HIGH (10 MiB/min), however slow the machine: in alarm, not INVALID.
    expect([1, 2]).toContain(second.growth);
    const diffLines = second.diff.split('\n');
    expect(diffLines).toHaveLength(3);
    expect(diffLines[0]).toMatch(/memory-tracing\.test\.ts:\d+: size=[\d.]+ [KM]iB \(\+[\d.]+ [KM]iB\), count=\d+ \(\+\d+\), average=[\d.]+ (B|KiB)$/);
  });

  it('refuses writes that make no sense and changes nothing', async () => {
    const result = await runPyepics<Record<string, unknown>>(
      `
out = {}
for pv, value in (('MT:EnableTracing', 5), ('MT:TracePeriod', 0), ('MT:TraceCount', 0), ('MT:TraceDumpFile', '../../etc/passwd')):
    out[pv] = put_status(pv, value)
out['period'] = epics.caget('MT:TracePeriod')
out['count'] = epics.caget('MT:TraceCount')
out['enable'] = epics.caget('MT:EnableTracing')
emit(out)
`,
      env,
    );
    const ECA_PUTFAIL = 160;
    for (const pv of ['MT:EnableTracing', 'MT:TracePeriod', 'MT:TraceCount', 'MT:TraceDumpFile']) {
      expect([pv, result[pv]]).toEqual([pv, ECA_PUTFAIL]);
    }
    expect(result).toMatchObject({ period: 60, count: 3, enable: 1 });
  });

  it('dumps a .heapprofile inside the dump directory', async () => {
    const result = await runPyepics<{ file: string }>(
      `
epics.caput('MT:TraceDumpFile', 'one.heapprofile', wait=True)
epics.caput('MT:TraceDump', 1, wait=True)
# TraceDump goes back to 0 once the file is written and TraceDumpFile shows the path.
wait_until(lambda: epics.caget('MT:TraceDump', timeout=5) == 0, timeout=15)
emit({'file': epics.caget('MT:TraceDumpFile.VAL$', as_string=True)})
`,
      env,
    );
    expect(result.file).toBe(path.join(dumpDirectory, 'one.heapprofile'));
    const profile: unknown = JSON.parse(fs.readFileSync(result.file, 'utf8'));
    expect(profile).toHaveProperty('head');
    expect(profile).toHaveProperty('samples');
  });
  it('dumps in the format TraceDumpFormat names: both gives a .heapprofile and a .pb.gz of one snapshot', async () => {
    const result = await runPyepics<{ choices: string[]; file: string }>(
      `
${PY_WAIT_FOR}
pv = epics.PV('MT:TraceDumpFormat')
pv.wait_for_connection(timeout=5)
choices = list(pv.get_ctrlvars()['enum_strs'])
epics.caput('MT:EnableTracing', 'Enable', wait=True)
wait_for('MT:TraceStatus', lambda v, kw: v == 'tracing this process', timeout=15)
epics.caput('MT:TraceDumpFormat', 'both', wait=True)
epics.caput('MT:TraceDumpFile', 'two.heapprofile', wait=True)
epics.caput('MT:TraceDump', 1, wait=True)
# TraceDump goes back to 0 once the files are written and TraceDumpFile shows the path.
wait_for('MT:TraceDump', lambda v, kw: v == 0, timeout=15)
epics.caput('MT:TraceDumpFormat', 'heapprofile', wait=True)
emit({'choices': choices, 'file': epics.caget('MT:TraceDumpFile.VAL$', as_string=True)})
`,
      env,
    );
    expect(result.choices).toEqual(['heapprofile', 'pprof', 'both']);
    expect(result.file).toBe(path.join(dumpDirectory, 'two.heapprofile'));
    expect(JSON.parse(fs.readFileSync(result.file, 'utf8'))).toHaveProperty('samples');
    // gzip's magic number: the pprof profile beside it (its contents are checked in test/unit/tracing/pprof.test.ts).
    expect([...fs.readFileSync(path.join(dumpDirectory, 'two.pb.gz')).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it("shows another tracer holding V8's sampler in TraceStatus with a MAJOR alarm, and recovers once it stops", async () => {
    // The put completes before the engine has started (or been refused): wait for TraceStatus to say which.
    const enable = (settled: string) => `
epics.caput('MT:EnableTracing', 'Enable', wait=True)
wait_until(lambda: ${settled}(epics.caget('MT:TraceStatus.VAL$', as_string=True, timeout=5) or ''), timeout=15)
chid = ca.create_channel('MT:TraceStatus')
ca.connect_channel(chid, timeout=5)
status = ca.get_with_metadata(chid, ftype=dbr.TIME_STRING, as_string=True)
emit({'status': epics.caget('MT:TraceStatus.VAL$', as_string=True), 'severity': status['severity']})
`;
    await runPyepics("epics.caput('MT:EnableTracing', 'Disable', wait=True)\nemit({})", env);
    await tracing.start();
    try {
      const refused = await runPyepics<{ status: string; severity: number }>(enable("(lambda s: 'already running' in s)"), env);
      expect(refused.status).toMatch(/already running/);
      expect(refused.severity).toBe(2);
    } finally {
      await tracing.stop();
    }
    const recovered = await runPyepics<{ status: string; severity: number }>(enable("(lambda s: s == 'tracing this process')"), env);
    expect(recovered).toMatchObject({ status: 'tracing this process', severity: 0 });
  });
});
