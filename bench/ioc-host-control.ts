// Starts an ioc-host.js process on fresh loopback ports, reads its CPU time and memory from /proc
// (from outside, so that measuring wakes nothing in it) and stops it in every case.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChildProcess } from '../test/helpers/child';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import type { HostOptions, HostReport } from './ioc-host';

const HOST_SCRIPT = path.join(__dirname, 'ioc-host.js');
/** USER_HZ: the unit of /proc/<pid>/stat's times, 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface RunningHost {
  /** 0 for a host without the IOC. */
  readonly tcpPort: number;
  readonly pid: number;
  /** User and system CPU time of every thread so far, s. */
  cpuSeconds(): number;
  /** Resident set size now, bytes. */
  rss(): number;
  /** The host's GC pauses so far. */
  report(): Promise<HostReport>;
  /** A full GC of the host's heap, now; the host must run with --expose-gc. */
  collectGarbage(): Promise<void>;
  /** Closes the IOC and waits for the process to exit (killing it if it does not). */
  stop(): Promise<void>;
}

/**
 * Resolves once the heap is built and the IOC serves; the process is killed if it never does.
 * `nodeFlags` go to node (and V8) before the script.
 */
export async function startHost(options: HostOptions, nodeFlags: readonly string[] = []): Promise<RunningHost> {
  const env = loopbackEnv(await freePort(), await freePort());
  const child = new ChildProcess(process.execPath, [...nodeFlags, HOST_SCRIPT, JSON.stringify(options)], env);
  let ready: string;
  try {
    ready = await child.waitForLine(/^ready \d+ \d+$/, 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const [, tcpPort, pid] = ready.split(' ').map(Number) as [number, number, number];
  let requests = 0;
  // Numbered, as waitForLine finds the first matching line of all the child printed.
  const request = async (command: string): Promise<unknown> => {
    const numbered = `${command} ${++requests}`;
    child.send(numbered);
    return JSON.parse((await child.waitForLine(new RegExp(`^${numbered} `), 10_000)).slice(numbered.length + 1));
  };
  return {
    tcpPort,
    pid,
    cpuSeconds: () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    rss: () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]) * 1024,
    report: async () => (await request('report')) as HostReport,
    collectGarbage: async () => {
      await request('gc');
    },
    stop: async () => {
      child.send('close');
      await child.waitForExit(5000);
      await child.stop();
    },
  };
}
