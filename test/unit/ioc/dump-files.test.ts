import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainedDirectory } from '../../../src/files/contained-directory';
import { dumpFileNames, dumpRefusal } from '../../../src/ioc/tracing/dump-files';
import { Snapshot } from '../../../src/tracing/snapshot';
import { readProfile } from '../../helpers/pprof';
import { runFixture } from '../tracing/run-fixture';

describe('dump file names', () => {
  it("swap a profile extension for the format's, keep a bare name for one format, and extend it for both", () => {
    expect(dumpFileNames('a.heapprofile', 'heapprofile')).toEqual(['a.heapprofile']);
    expect(dumpFileNames('a.heapprofile', 'pprof')).toEqual(['a.pb.gz']);
    expect(dumpFileNames('a.pb.gz', 'both')).toEqual(['a.heapprofile', 'a.pb.gz']);
    expect(dumpFileNames('a', 'heapprofile')).toEqual(['a']);
    expect(dumpFileNames('a', 'both')).toEqual(['a.heapprofile', 'a.pb.gz']);
  });

  it('are refused when any of them is taken or not a plain name', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-dumpnames-'));
    try {
      const directory = ContainedDirectory.open(root);
      fs.writeFileSync(path.join(root, 'a.pb.gz'), '');
      expect(dumpRefusal(directory, 'a.heapprofile', 'heapprofile')).toBeUndefined();
      expect(dumpRefusal(directory, 'a.heapprofile', 'both')).toMatch(/a\.pb\.gz exists already/);
      expect(dumpRefusal(directory, '../a', 'pprof')).toMatch(/not a plain file name/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a dump in both formats by the engine reporter', () => {
  let root: string;
  let result: { files: string[]; takenAt: string };
  beforeAll(async () => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-dumpboth-')));
    result = await runFixture('pprof-dump.js', [root]);
  }, 60_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes the one snapshot as a .heapprofile and a .pb.gz, and nothing else', () => {
    expect(result.files).toEqual([path.join(root, 'leak.heapprofile'), path.join(root, 'leak.pb.gz')]);
    expect(fs.readdirSync(root).sort()).toEqual(['leak.heapprofile', 'leak.pb.gz']);
  });

  it("gives pprof the heap profile's totals, V8 heap and external apart, and the external sites with their stacks", async () => {
    const [heapProfile, pprof] = result.files;
    const snapshot = await Snapshot.load(heapProfile!);
    const { profile, functionAt, memoryOf } = readProfile(fs.readFileSync(pprof!));
    const bytes = (memory: string) => profile.sample.filter((sample) => memoryOf(sample) === memory).reduce((sum, sample) => sum + Number(sample.value[1]), 0);
    const size = (external: boolean) => snapshot.traces.filter((trace) => trace.external === external).reduce((sum, trace) => sum + trace.size, 0);
    const rounding = snapshot.traces.length / 2;

    expect(Math.abs(bytes('external') - size(true))).toBeLessThanOrEqual(rounding);
    expect(Math.abs(bytes('heap') - size(false))).toBeLessThanOrEqual(rounding);
    expect(profile.sample).toHaveLength(snapshot.traces.length);
    expect(Number(profile.timeNanos)).toBe(snapshot.takenAt.getTime() * 1e6);

    // 100 Buffers of 100 KiB at 64 KiB: about 80 samples, so the site cannot be missing.
    const leafName = (sample: (typeof profile.sample)[number]) => {
      const { name, filename } = functionAt(sample.locationId[0]!);
      return [name, path.basename(filename)];
    };
    const external = profile.sample.filter((sample) => memoryOf(sample) === 'external').map(leafName);
    expect(external).toContainEqual(['keepBuffers', 'pprof-dump.js']);
    expect(bytes('external')).toBeGreaterThan(5 * 1024 * 1024);
    expect(profile.sample.filter((sample) => memoryOf(sample) === 'heap').map(leafName)).toContainEqual(['keepArrays', 'pprof-dump.js']);
  });
});
