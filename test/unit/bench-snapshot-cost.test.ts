import { binOf, readThreads, type Threads } from '../../bench/snapshot-cost';
import { parse } from '../../bench/snapshot-gc-bins';

describe('snapshot-cost: per-thread CPU bins', () => {
  it("reads this process's threads from /proc, the main thread by name and the others by comm and id", () => {
    const threads = [...readThreads(process.pid).values()];
    expect(threads.filter(({ name }) => name === 'main')).toHaveLength(1);
    for (const { name } of threads.filter(({ name }) => name !== 'main')) expect(name).toMatch(/:\d+$/);
  });

  it('turns two readings into ms per thread name, a thread born between them counting from zero', () => {
    const before: Threads = new Map([
      [10, { name: 'main', ticks: 100 }],
      [11, { name: 'node:11', ticks: 5 }],
    ]);
    const after: Threads = new Map([
      [10, { name: 'main', ticks: 123 }],
      [11, { name: 'node:11', ticks: 5 }],
      [12, { name: 'node:12', ticks: 2 }],
    ]);
    // USER_HZ is 100: a tick is 10 ms.
    expect(Object.fromEntries(binOf(before, after))).toEqual({ main: 230, 'node:11': 0, 'node:12': 20 });
  });
});

describe('snapshot-gc-bins: the GC trace', () => {
  const line = (ms: number, kind: string, reason: string) =>
    `[1:0x1]    ${ms} ms: ${kind} 20.3 (54.2) -> 10.8 (47.0) MB, 23.28 / 0.16 ms  (average mu = 0.990, current mu = 0.969) ${reason}`;
  const deopt = '[marking dependent code 0x1 <Code TURBOFAN> (0x2 <SharedFunctionInfo end>) (opt id 80) for deoptimization, reason: weak objects]';

  it("credits each deoptimisation marking to the GC line after it (V8 prints a GC's line when it ends)", () => {
    const gcs = parse([
      line(9000, 'Scavenge', 'allocation failure;'),
      deopt,
      deopt,
      line(10000, 'Mark-Compact', 'sampling profiler; GC in old space requested'),
      line(10300, 'Scavenge', 'task;'),
      deopt,
      line(12000, 'Mark-Compact', 'finalize incremental marking via task; GC in old space requested'),
      line(13000, 'Mark-Compact', 'testing; GC in old space requested'),
    ]);
    expect(gcs.map(({ at, kind, deoptimised }) => [at, kind, deoptimised])).toEqual([
      [9000, 'scavenge', 0],
      [10000, 'forced', 2],
      [10300, 'scavenge', 0],
      [12000, 'major', 1],
      [13000, 'forced', 0],
    ]);
    expect(gcs[1]).toMatchObject({ ms: 23.28, committed: 54.2 });
  });

  it('leaves out the GCs of the first seconds, which starting tracing brings', () => {
    expect(parse([line(300, 'Mark-Compact', 'sampling profiler; GC in old space requested')])).toEqual([]);
  });
});
