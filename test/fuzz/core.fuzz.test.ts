import { fuzzCore, totalMessages } from './core-fuzz';
import { fuzzPvs } from './fuzz-pvs';

// The CI version of `bench/fuzz-ca.ts --core`; FUZZ_SEED reproduces a run.

const seed = Number(process.env.FUZZ_SEED ?? 20261121);

it(`rejects malformed input in the protocol core and a circuit only with ProtocolError (seed ${seed})`, async () => {
  const counts = await fuzzCore(fuzzPvs().pvs, seed, 50_000);
  expect(counts.failures.slice(0, 3)).toEqual([]);
  expect(totalMessages(counts)).toBeGreaterThanOrEqual(50_000);
  expect(counts.messages.bytes).toBeGreaterThan(200);
});
