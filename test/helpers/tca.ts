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
  // epics-tca checks every 20 s for a repeater on port 5065 (it reads CA_REPEATER_PORT, a name its
  // environment does not know, instead of EPICS_CA_REPEATER_PORT), finds none and starts another
  // thread, which keeps only the newest: the first, still serving our port, would outlive the
  // context and keep the Jest process from exiting. Each thread it starts is kept, to be ended.
  const threads: Worker[] = [];
  const setRepeaterThread = context.setRepeaterThread;
  context.setRepeaterThread = (thread) => {
    if (thread instanceof Worker) threads.push(thread);
    setRepeaterThread(thread);
  };
  repeaterThreads.set(context, threads);
  await context.initialize();
  return context;
}

const repeaterThreads = new WeakMap<Context, Worker[]>();

/** Destroys the context and ends every CA repeater thread it started (destroyHard only asks the newest to quit). */
export async function stopTcaContext(context: Context): Promise<void> {
  context.destroyHard();
  for (const thread of repeaterThreads.get(context) ?? []) await thread.terminate();
}

/** The `value` of a monitor's newest pvAccess update (epics-tca types the data `any`). */
export function pvaValue(monitor: ChannelMonitor): unknown {
  const data = monitor.getPvaData() as { value?: unknown } | undefined;
  return data?.value;
}
