/**
 * The DBR encoder alone, in one process: nanoseconds per encodeDbr for the shapes a CA server
 * sends most (a scalar as plain, TIME and CTRL; arrays in their own type and converted). A rate
 * through a socket also measures the kernel; this shows what the encoder itself costs.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   NODE_PATH=$PWD/node_modules node /tmp/bench-out/bench/ca-encode.js [repeats]
 *
 * Each figure is the best of `repeats` (default 7) timed loops of about 20 MB of output.
 */
import { DbrType, dbrPayloadSize, encodeDbr, type DbrSource } from '../src/ca/protocol/dbr';
import { FieldType } from '../src/database/pv';
import { SimplePv } from '../src/database/simple-pv';

const BYTES_PER_LOOP = 20_000_000;

const scalar = new SimplePv({ name: 'scalar', type: FieldType.DOUBLE, value: 3.5, metadata: { units: 'mA', precision: 3 } });
const waveform = new SimplePv({ name: 'waveform', type: FieldType.CHAR, value: new Uint8Array(5000).map((_, i) => i & 0xff) });
const doubles = new SimplePv({ name: 'doubles', type: FieldType.DOUBLE, value: Float64Array.from({ length: 1000 }, (_, i) => i * 1.5) });

const SHAPES: { label: string; source: DbrSource; dbrType: number; count: number }[] = [
  { label: 'DOUBLE scalar as DBR_DOUBLE', source: scalar, dbrType: DbrType.DOUBLE, count: 1 },
  { label: 'DOUBLE scalar as DBR_TIME_DOUBLE', source: scalar, dbrType: DbrType.TIME_DOUBLE, count: 1 },
  { label: 'DOUBLE scalar as DBR_CTRL_DOUBLE', source: scalar, dbrType: DbrType.CTRL_DOUBLE, count: 1 },
  { label: 'DOUBLE scalar as DBR_STRING', source: scalar, dbrType: DbrType.STRING, count: 1 },
  { label: '5000 CHAR as DBR_CHAR', source: waveform, dbrType: DbrType.CHAR, count: 5000 },
  { label: '1000 DOUBLE as DBR_TIME_DOUBLE', source: doubles, dbrType: DbrType.TIME_DOUBLE, count: 1000 },
  { label: '1000 DOUBLE as DBR_FLOAT (converted)', source: doubles, dbrType: DbrType.FLOAT, count: 1000 },
];

function nanosecondsPerEncode(source: DbrSource, dbrType: number, count: number, repeats: number): number {
  const size = dbrPayloadSize(dbrType, count);
  const slots = 64;
  const target = Buffer.allocUnsafe(size * slots);
  const iterations = Math.max(1000, Math.floor(BYTES_PER_LOOP / size));
  let best = Infinity;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = process.hrtime.bigint();
    // Rotating through slots keeps the encoder from writing one hot cache line only.
    for (let i = 0; i < iterations; i++) encodeDbr(target, (i % slots) * size, dbrType, count, source);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

const repeats = Number(process.argv[2] ?? 7);
for (const shape of SHAPES) {
  const ns = nanosecondsPerEncode(shape.source, shape.dbrType, shape.count, repeats);
  process.stdout.write(`${shape.label.padEnd(40)} ${ns.toFixed(0).padStart(8)} ns\n`);
}
