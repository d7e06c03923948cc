// What an IOC says about itself once, at start: versions, host, process, people and place.

import * as os from 'node:os';
import { CA_MAJOR_PROTOCOL_REVISION, CA_MINOR_PROTOCOL_REVISION } from '../../ca/protocol/constants';
import { PACKAGE_VERSION } from '../../version';

/** devIocStats' text for a fact it cannot find. */
export const NOT_AVAILABLE = '<not available>';

export interface IocIdentity {
  /** What devIocStats' EPICS_VERS says of EPICS base: ours names the CA protocol version we serve. */
  epicsVersion: string;
  /** uname's system, release and machine, as devIocStats gives them. */
  kernelVersion: string;
  nodeVersion: string;
  hostname: string;
  engineer: string;
  location: string;
  /** The working directory. */
  appDirectory: string;
  /**
   * devIocStats' startup script: STARTUP (else IOCSH_STARTUP_SCRIPT, which iocsh sets while it
   * runs a script), then "/" and ST_CMD when that is set.
   */
  startupScript: string;
  cpuCount: number;
  processId: number;
  parentId: number;
  /** When the process started, ms since the POSIX epoch. */
  startedAt: number;
}

export function readIocIdentity(env: Readonly<{ [name: string]: string | undefined }> = process.env): IocIdentity {
  return {
    epicsVersion: `memtrace-ioc ${PACKAGE_VERSION} (CA ${CA_MAJOR_PROTOCOL_REVISION}.${CA_MINOR_PROTOCOL_REVISION})`,
    kernelVersion: `${os.type()} ${os.release()} ${os.machine()}`,
    nodeVersion: `${process.version} (V8 ${process.versions.v8})`,
    hostname: os.hostname(),
    engineer: env.ENGINEER || env.LOGNAME || env.USER || NOT_AVAILABLE,
    location: env.LOCATION || NOT_AVAILABLE,
    appDirectory: process.cwd(),
    startupScript: startupScript(env),
    // As _SC_NPROCESSORS_ONLN: the CPUs /proc/stat's totals cover, not only those this process may use.
    cpuCount: os.cpus().length || os.availableParallelism(),
    processId: process.pid,
    parentId: process.ppid,
    startedAt: Date.now() - process.uptime() * 1000,
  };
}

function startupScript(env: Readonly<{ [name: string]: string | undefined }>): string {
  const directory = env.STARTUP ?? env.IOCSH_STARTUP_SCRIPT;
  if (directory === undefined) return NOT_AVAILABLE;
  return env.ST_CMD ? `${directory}/${env.ST_CMD}` : directory;
}
