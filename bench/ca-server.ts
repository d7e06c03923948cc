/**
 * Our CA server with the PVs the load generator asks for (ca-pvs.ts), on loopback, for the CA
 * benchmarks. It prints `ready <port>` once it answers searches on UDP <port>, and stops
 * by itself after --seconds (or on SIGINT/SIGTERM).
 *
 *   node /tmp/bench-out/bench/ca-server.js [--port 5064] [--seconds 900]
 *   node /tmp/bench-out/bench/ca-server.js --db /tmp/bench.db   # the same PVs for softIoc, then exit
 *
 * Profile it with `node --cpu-prof --cpu-prof-dir /tmp/prof /tmp/bench-out/bench/ca-server.js`.
 * See bench/README.md for the whole procedure.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCaServer } from '../src/ca/server';
import { FieldType } from '../src/database/pv';
import { PvMap, SimplePv } from '../src/database/simple-pv';
import { silentLogger } from '../src/logger';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import { channelNames, DEFAULT_PVS, softIocDatabase, WAVEFORM_BYTES, type BenchPvNames } from './ca-pvs';

function benchPvs(pvs: BenchPvNames): PvMap {
  const map = new PvMap([
    new SimplePv({ name: pvs.scalar, type: FieldType.DOUBLE, value: 0 }),
    new SimplePv({ name: pvs.waveform, type: FieldType.CHAR, value: new Uint8Array(WAVEFORM_BYTES).map((_, i) => i & 0xff) }),
  ]);
  for (const name of channelNames(pvs)) map.add(new SimplePv({ name, type: FieldType.DOUBLE, value: 0 }));
  return map;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seconds: { type: 'string', default: '900' },
      db: { type: 'string' },
      pv: { type: 'string', default: DEFAULT_PVS.scalar },
      waveform: { type: 'string', default: DEFAULT_PVS.waveform },
      prefix: { type: 'string', default: DEFAULT_PVS.prefix },
      channels: { type: 'string', default: String(DEFAULT_PVS.channelCount) },
    },
  });
  const pvs: BenchPvNames = { scalar: values.pv, waveform: values.waveform, prefix: values.prefix, channelCount: Number(values.channels) };
  if (values.db !== undefined) {
    writeFileSync(values.db, softIocDatabase(pvs));
    return;
  }
  const port = values.port === undefined ? await freePort() : Number(values.port);
  const server = await createCaServer({ provider: benchPvs(pvs), env: loopbackEnv(port, await freePort()), logger: silentLogger() });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(lifetime);
    void server.close();
  };
  const lifetime = setTimeout(stop, Number(values.seconds) * 1000);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`ready ${server.udpPort}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
