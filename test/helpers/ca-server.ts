import { createCaServer, type CaLimits, type CaServer } from '../../src/ca/server';
import { Database } from '../../src/database';
import type { PvProvider } from '../../src/database/pv';
import { silentLogger, type Logger } from '../../src/logger';
import { freePort, loopbackEnv } from './ports';

export interface TestServer {
  server: CaServer;
  /** The environment a client on loopback needs to find this server. */
  clientEnv: Record<string, string>;
  close(): Promise<void>;
}

/** A CA server on loopback, on ports of its own, with the environment for its clients. */
export async function startTestServer(
  provider: PvProvider,
  extraEnv: Record<string, string> = {},
  limits: Partial<CaLimits> = {},
  logger: Logger = silentLogger(),
): Promise<TestServer> {
  const port = await freePort();
  const beaconPort = await freePort();
  const env = { ...loopbackEnv(port, beaconPort), ...extraEnv };
  const server = await createCaServer({ provider, env, logger, limits });
  return { server, clientEnv: env, close: () => server.close() };
}

/** A started Database with `file` loaded under `macros`, served on loopback; close() stops both. */
export async function serveDatabaseFile(file: string, macros: string): Promise<TestServer> {
  const database = new Database();
  database.loadFile(file, { macros });
  database.start();
  const served = await startTestServer(database);
  return {
    ...served,
    close: async () => {
      await served.close();
      database.close();
    },
  };
}
