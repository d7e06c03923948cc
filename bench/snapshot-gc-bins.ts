/**
 * Reads the trace that bench/snapshot-cost.ts keeps with `--trace-gc` (and `--trace-deopt`) and
 * puts it beside each snapshot's forced full GC (the Mark-Compact whose reason is "sampling
 * profiler", or "testing" for `global.gc()`): per 1 s bin after it, the scavenges (count, main-thread ms, committed heap), the
 * other mark-compacts; and per kind of GC, how much optimised code V8 marked for deoptimisation
 * in it ("marking dependent code … reason: weak objects", printed before the GC's own line).
 *
 *   node bench/snapshot-gc-bins.js <snapshot-cost-gc.log> [bins after]
 */
import * as fs from 'node:fs';

/** `[pid:isolate]   1234 ms: Scavenge 20.3 (54.2) -> 10.8 (47.0) MB, 2.16 / 0.00 ms … reason` */
const GC_LINE = /\]\s+(\d+) ms: (Scavenge|Mark-Compact)\s+[\d.]+ \(([\d.]+)\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms(.*)$/;
/** The GCs of the first seconds come from starting tracing; the bench settles 20 s before its first snapshot. */
const SKIP_MS = 5000;

export interface Gc {
  at: number;
  kind: 'scavenge' | 'major' | 'forced';
  ms: number;
  committed: number;
  /** Optimised code objects marked for deoptimisation in this GC because objects they embed died. */
  deoptimised: number;
}

export function parse(lines: readonly string[]): Gc[] {
  const gcs: Gc[] = [];
  let deoptimised = 0;
  for (const line of lines) {
    if (line.includes('for deoptimization, reason: weak objects')) deoptimised++;
    const gc = GC_LINE.exec(line);
    if (!gc) continue;
    // "testing": global.gc(), as bench/forced-gc-deopts.ts asks for one.
    const forced = gc[5]!.includes('sampling profiler') || gc[5]!.includes('testing');
    const kind = forced ? 'forced' : gc[2] === 'Scavenge' ? 'scavenge' : 'major';
    gcs.push({ at: Number(gc[1]), kind, ms: Number(gc[4]), committed: Number(gc[3]), deoptimised });
    deoptimised = 0;
  }
  return gcs.filter((gc) => gc.at > SKIP_MS);
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

function main(): void {
  const gcs = parse(fs.readFileSync(process.argv[2] ?? '', 'latin1').split('\n'));
  const after = Number(process.argv[3] ?? 8);
  const forced = gcs.filter((gc) => gc.kind === 'forced');
  const majors = gcs.filter((gc) => gc.kind === 'major');
  console.log(`${forced.length} forced GCs; means per snapshot, 1 s bins from each`);
  console.log('bin  scavenges  scav ms  committed MB  other MCs  MC ms');
  for (let offset = -2; offset < after; offset++) {
    const inBin = forced.flatMap(({ at }) => gcs.filter((gc) => gc.kind !== 'forced' && gc.at >= at + offset * 1000 && gc.at < at + (offset + 1) * 1000));
    const scavenges = inBin.filter((gc) => gc.kind === 'scavenge');
    const others = inBin.filter((gc) => gc.kind === 'major');
    const n = forced.length;
    console.log(
      `${String(offset).padStart(3)} ${(scavenges.length / n).toFixed(1).padStart(10)} ${(scavenges.reduce((s, gc) => s + gc.ms, 0) / n).toFixed(1).padStart(8)} ${Math.max(
        0,
        ...scavenges.map((gc) => gc.committed),
      )
        .toFixed(0)
        .padStart(13)} ${(others.length / n).toFixed(2).padStart(10)} ${(others.reduce((s, gc) => s + gc.ms, 0) / n).toFixed(1).padStart(6)}`,
    );
  }
  console.log(
    `forced GCs: main-thread pause ${forced.map((gc) => gc.ms.toFixed(1)).join(' ')} ms; code deoptimised (weak objects) ${forced.map((gc) => gc.deoptimised).join(' ')}`,
  );
  console.log(
    `the ${majors.length} other mark-compacts: pause ${mean(majors.map((gc) => gc.ms)).toFixed(1)} ms mean; code deoptimised ${mean(majors.map((gc) => gc.deoptimised)).toFixed(2)} mean; scavenges: ${mean(gcs.filter((gc) => gc.kind === 'scavenge').map((gc) => gc.deoptimised)).toFixed(2)} mean`,
  );
}

if (require.main === module) main();
