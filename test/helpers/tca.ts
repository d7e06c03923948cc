import { Worker } from 'node:worker_threads';
import { Context, type_log_levels, type ChannelMonitor } from 'epics-tca';
import { freePort } from './ports';

/**
 * An epics-tca client context on loopback for the server in `clientEnv`. epics-tca also starts a
 * CA repeater and listens for pvAccess beacons, so those ports are chosen per test too.
 * Its environment is a process-wide singleton: one context per test file.
 */
export async function startTcaContext(clientEnv: Record<string, string>): Promise<Context> {
  const env: Record<string, string> = {
    EPICS_CA_ADDR_LIST: clientEnv.EPICS_CA_ADDR_LIST!,
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CA_SERVER_PORT: clientEnv.EPICS_CA_SERVER_PORT!,
    EPICS_CA_REPEATER_PORT: String(await freePort()),
    EPICS_PVA_BROADCAST_PORT: String(await freePort()),
    EPICS_PVA_AUTO_ADDR_LIST: 'NO',
    EPICS_PVA_ADDR_LIST: '127.0.0.1',
  };
  // A pvAccess server under test names its own ports.
  for (const [name, value] of Object.entries(clientEnv)) if (name.startsWith('EPICS_PVA_')) env[name] = value;
  const context = new Context(env, type_log_levels.error);
  await context.initialize();
  return context;
}

/** Destroys the context and ends the CA repeater thread it started (destroyHard only asks it to quit). */
export async function stopTcaContext(context: Context): Promise<void> {
  // epics-tca types it as a browser Worker too, a type this project does not load.
  const repeater: unknown = context.getRepeaterThread();
  context.destroyHard();
  if (repeater instanceof Worker) await repeater.terminate();
}

/** The `value` of a monitor's newest pvAccess update (epics-tca types the data `any`). */
export function pvaValue(monitor: ChannelMonitor): unknown {
  const data = monitor.getPvaData() as { value?: unknown } | undefined;
  return data?.value;
}
