/**
 * Is it the sampler, or any full GC that V8 runs at once? The quoting service alone (no IOC) in
 * this process, driven at a fixed rate by bench/open-loop.ts; every `every` seconds either
 * `HeapProfiler.getSamplingProfile` on a same-thread inspector session with V8's sampler at 64 KiB
 * (`profile`), or `global.gc()` with no sampler at all (`gc`). Run it with V8's traces and read
 * them with bench/snapshot-gc-bins.ts, which counts the optimised code each kind of GC deoptimised:
 *
 *   node --expose-gc --trace-gc --trace-deopt bench/forced-gc-deopts.js <profile|gc> [every s] [times] > forced.log
 *   node bench/snapshot-gc-bins.js forced.log
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { LoadCommand } from './open-loop';
import { createService } from './tracing-service';

const RATE = 1000;
const SETTLE_MS = 20_000;

async function main(): Promise<void> {
  const [mode = 'profile', every = '10', times = '4'] = process.argv.slice(2);
  const collect = globalThis.gc;
  if (mode === 'gc' && !collect) throw new Error('gc mode needs node --expose-gc');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<void>((resolve, reject) => {
      session.post(method, params, (error) => (error ? reject(error) : resolve()));
    });
  const { server } = createService();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const limitMs = SETTLE_MS + Number(every) * Number(times) * 1000 + 30_000;
  const load = fork(path.join(__dirname, 'open-loop.js'), [JSON.stringify([(server.address() as AddressInfo).port]), String(limitMs)]);
  await once(load, 'message');
  load.send({ type: 'rate', perSecond: RATE } satisfies LoadCommand);
  if (mode === 'profile') await post('HeapProfiler.startSampling', { samplingInterval: 65_536 });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  for (let i = 0; i < Number(times); i++) {
    await new Promise((resolve) => setTimeout(resolve, Number(every) * 1000));
    if (mode === 'profile') await post('HeapProfiler.getSamplingProfile');
    else collect?.();
  }
  load.disconnect();
  server.closeAllConnections();
  server.close();
  session.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
