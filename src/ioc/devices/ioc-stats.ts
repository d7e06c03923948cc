// DTYP "IOC stats": devIocStats' device support, keyed by the same "@parameter" names with the same
// meaning and units (devIocStatsAnalog.c statsGetParms and parmTypes, devIocStatsString.c
// statsGetStrParms, devIocStatsWaveform.c statsGetWfmParms). ai records read the figures their
// group took last and are woken through the group's I/O Intr source; ao records set a group's
// period; stringin and CHAR waveform records read texts when processed (PINI, or up_time's
// "1 second"). What a Node process has no counterpart for gives the value devIocStats gives on
// Linux, where that part of it is not implemented either (README: iocStats).

import type { DeviceBinding, DeviceSupport } from '../../database';
import type { DbRecord } from '../../database/record';
import { formatUptime } from '../stats/format';
import { NOT_AVAILABLE } from '../stats/identity';
import { followTop, measured, rangeUnset, readNumber, requireCharWaveform, textBinding, textPart, unknownParameter, type Figure } from './figures';
import type { PeriodicGroup } from './periodic-group';
import { SCAN_RATE_PARAMETERS, type IocStatsDrivers } from './stats-drivers';

export const IOC_STATS = 'IOC stats';

/** devIocStats' bootline on a POSIX host (os/posix/devIocStatsOSD.h sysBootLine). */
const NO_BOOTLINE = '<not implemented>';
/** The capacity of a queue without a bound. */
const UNBOUNDED = Number.POSITIVE_INFINITY;
/** devIocStats' minMBuf with no network buffer pools (all but vxWorks and RTEMS): 100 % free. */
const NO_MBUF_POOLS_FREE_PERCENT = 100;

export interface AnalogParameter {
  /** The group whose timer updates it; none for what does not change (PINI records). */
  group?: (drivers: IocStatsDrivers) => PeriodicGroup<unknown>;
  figure(drivers: IocStatsDrivers): Figure;
  /** The figure's natural top, which HOPR follows when the .db gives no range. */
  top?(drivers: IocStatsDrivers): number | undefined;
}

const memory = (d: IocStatsDrivers) => d.memory;
const load = (d: IocStatsDrivers) => d.load;
const fd = (d: IocStatsDrivers) => d.fd;
const ca = (d: IocStatsDrivers) => d.ca;
const queue = (d: IocStatsDrivers) => d.queue;

const memoryFigure = (pick: (d: IocStatsDrivers) => number | undefined): AnalogParameter => ({
  group: memory,
  figure: (d) => measured(pick(d)),
  top: (d) => d.memory.latest?.total,
});
const constant = (group: AnalogParameter['group'], value: number): AnalogParameter => ({ group, figure: () => value });
const cpuUtilization: AnalogParameter = { group: load, figure: (d) => measured(d.load.latest?.iocCpuLoad) };

const ANALOG: { readonly [parameter: string]: AnalogParameter } = {
  free_bytes: memoryFigure((d) => d.memory.latest?.free),
  total_bytes: memoryFigure((d) => d.memory.latest?.total),
  allocated_bytes: memoryFigure((d) => d.memory.latest?.used),
  // Linux's devIocStats leaves the block figures and the RAM workspace at 0 (osdMemUsage.c,
  // default/osdWorkspaceUsage.c); so does a Node process, whose allocator is not one heap of blocks.
  free_blocks: constant(memory, 0),
  allocated_blocks: constant(memory, 0),
  max_free: constant(memory, 0),
  workspace_alloc_bytes: constant(memory, 0),
  workspace_free_bytes: constant(memory, 0),
  workspace_total_bytes: constant(memory, 0),
  min_data_mbuf: constant(memory, NO_MBUF_POOLS_FREE_PERCENT),
  min_sys_mbuf: constant(memory, NO_MBUF_POOLS_FREE_PERCENT),
  data_mbuf: constant(memory, 0),
  sys_mbuf: constant(memory, 0),
  inp_errs: constant(memory, 0),
  out_errs: constant(memory, 0),
  sys_cpuload: { group: load, figure: (d) => measured(d.load.latest?.sysCpuLoad) },
  ioc_cpuload: cpuUtilization,
  cpu: cpuUtilization,
  no_of_cpus: { group: load, figure: (d) => d.sources.identity.cpuCount },
  // A thread of a Node process that fails ends the process, or reports in its own status PV:
  // none is ever left suspended, as a task that taskwd saw fail is in an IOC.
  suspended_tasks: constant(load, 0),
  fd: { group: fd, figure: (d) => measured(d.fd.latest?.used), top: (d) => d.fd.latest?.max },
  maxfd: { group: fd, figure: (d) => measured(d.fd.latest?.max) },
  ca_clients: { group: ca, figure: (d) => measured(d.ca.latest?.ca.clients) },
  ca_connections: { group: ca, figure: (d) => measured(d.ca.latest?.ca.channels) },
  records: { figure: (d) => d.sources.recordCount() },
  proc_id: { figure: (d) => d.sources.identity.processId },
  parent_proc_id: { figure: (d) => d.sources.identity.parentId },
  // The database's scanOnce queue has no bound: it never refuses a request, so never overruns,
  // and its size is Infinity (iocQueue.db's percentages divide by it: 0 %, where a size of 0
  // would give NaN and an INVALID alarm).
  scanOnceQueueSize: { figure: () => UNBOUNDED },
  scanOnceQueueHiWtrMrk: { group: queue, figure: (d) => measured(d.queue.latest?.maxUsed) },
  scanOnceQueueUsed: { group: queue, figure: (d) => measured(d.queue.latest?.used) },
  scanOnceQueueOverruns: constant(queue, 0),
  // Base's callback queues feed its callback threads; here a callback is a call on the event
  // loop, which Node queues without a bound: no ring of ours ever holds, or drops, one.
  cbQueueSize: { figure: () => UNBOUNDED },
  ...Object.fromEntries(
    ['cbLowQueue', 'cbMediumQueue', 'cbHighQueue'].flatMap((name) =>
      ['HiWtrMrk', 'Used', 'Overruns'].map((figure): [string, AnalogParameter] => [`${name}${figure}`, constant(queue, 0)]),
    ),
  ),
};

const STRING_TEXTS: { readonly [parameter: string]: (drivers: IocStatsDrivers) => string } = {
  startup_script_1: (d) => textPart(d.sources.identity.startupScript, 0),
  startup_script_2: (d) => textPart(d.sources.identity.startupScript, 1),
  ...Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`bootline_${n}`, () => textPart(NO_BOOTLINE, n - 1)])),
  bsp_rev: () => NOT_AVAILABLE,
  kernel_ver: (d) => textPart(d.sources.identity.kernelVersion, 0),
  epics_ver: (d) => textPart(d.sources.identity.epicsVersion, 0),
  engineer: (d) => textPart(engineer(d.sources.env), 0),
  location: (d) => textPart(d.sources.env.LOCATION || NOT_AVAILABLE, 0),
  up_time: (d) => formatUptime((Date.now() - d.sources.identity.startedAt) / 1000),
  hostname: (d) => textPart(d.sources.identity.hostname, 0),
  pwd1: (d) => textPart(d.sources.identity.appDirectory, 0),
  pwd2: (d) => textPart(d.sources.identity.appDirectory, 1),
};

const WAVEFORM_TEXTS: { readonly [parameter: string]: (drivers: IocStatsDrivers) => string } = {
  startup_script: (d) => d.sources.identity.startupScript,
  bootline: () => NO_BOOTLINE,
  epics_ver: (d) => d.sources.identity.epicsVersion,
  pwd: (d) => d.sources.identity.appDirectory,
};

/** devIocStatsString.c devIocStatsGetEngineer: ENGINEER, else the login name. */
function engineer(env: IocStatsDrivers['sources']['env']): string {
  return env.ENGINEER || env.LOGNAME || env.USER || NOT_AVAILABLE;
}

export function iocStatsSupport(drivers: IocStatsDrivers): DeviceSupport {
  return {
    name: IOC_STATS,
    recordTypes: ['ai', 'ao', 'stringin', 'waveform'],
    bind(record, parameter) {
      switch (record.type.name) {
        case 'ai':
          return bindAnalog(record, parameter, drivers);
        case 'ao':
          return bindScanRate(record, parameter, drivers);
        case 'waveform':
          requireCharWaveform(record);
          return bindText(record, parameter, WAVEFORM_TEXTS, drivers);
        default:
          return bindText(record, parameter, STRING_TEXTS, drivers);
      }
    },
  };
}

function bindAnalog(record: DbRecord, parameter: string, drivers: IocStatsDrivers): DeviceBinding {
  if (!Object.hasOwn(ANALOG, parameter)) throw unknownParameter(record, IOC_STATS, parameter, Object.keys(ANALOG));
  return analogBinding(record, ANALOG[parameter]!, drivers);
}

/** An ai record reading one figure; shared with "Node stats". */
export function analogBinding(record: DbRecord, entry: AnalogParameter, drivers: IocStatsDrivers): DeviceBinding {
  const group = entry.group?.(drivers);
  const release = group?.attach();
  const follows = entry.top !== undefined && rangeUnset(record);
  return {
    ownsValue: true,
    ioScan: group?.ioScan,
    release,
    read(target) {
      if (follows) followTop(target, entry.top!(drivers));
      return readNumber(target, entry.figure(drivers));
    },
  };
}

/**
 * devIocStatsAnalog.c ao_write: a positive VAL becomes the group's period; anything else is
 * replaced by the period in force. A VAL the .db leaves at 0 starts as the default period.
 */
function bindScanRate(record: DbRecord, parameter: string, drivers: IocStatsDrivers): DeviceBinding {
  if (!isScanRate(parameter)) throw unknownParameter(record, IOC_STATS, parameter, Object.keys(SCAN_RATE_PARAMETERS), 'OUT');
  const group = drivers.byName(SCAN_RATE_PARAMETERS[parameter]);
  if (!(record.number('VAL') > 0)) record.assign('VAL', group.period);
  return {
    ownsValue: false,
    write(target) {
      const seconds = target.number('VAL');
      if (seconds > 0) group.setPeriod(seconds);
      else target.assign('VAL', group.period);
      return true;
    },
  };
}

function isScanRate(parameter: string): parameter is keyof typeof SCAN_RATE_PARAMETERS {
  return Object.hasOwn(SCAN_RATE_PARAMETERS, parameter);
}

function bindText(
  record: DbRecord,
  parameter: string,
  texts: { readonly [parameter: string]: (drivers: IocStatsDrivers) => string },
  drivers: IocStatsDrivers,
): DeviceBinding {
  if (!Object.hasOwn(texts, parameter)) throw unknownParameter(record, IOC_STATS, parameter, Object.keys(texts));
  const text = texts[parameter]!;
  return textBinding(() => text(drivers));
}
