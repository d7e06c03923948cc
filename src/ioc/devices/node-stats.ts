// DTYP "Node stats": what a Node.js process adds to devIocStats' figures, for ai records (and the
// versions for a stringin). The host thread's figures (V8 heap, GC, event loop) come from its
// latest snapshot and update every collector period (status.period); a snapshot older than
// three of its periods means the host thread has stopped answering, which the records show as a
// TIMEOUT alarm rather than as its last numbers. The pvAccess counts update with the CA group.

import type { DeviceSupport } from '../../database';
import { AlarmStatus } from '../../database/pv';
import type { ProcessMetrics } from '../stats/metrics';
import { measured, textBinding, textPart, unknownParameter, type Figure, type Unknown } from './figures';
import { analogBinding, type AnalogParameter } from './ioc-stats';
import type { IocStatsDrivers } from './stats-drivers';

export const NODE_STATS = 'Node stats';

/** A snapshot older than this many of its periods means the host thread has stopped answering. */
const STALE_AFTER_PERIODS = 3;
const NO_SNAPSHOT: Unknown = { status: AlarmStatus.UDF, message: 'no snapshot from the host thread yet' };

/** A figure of the host thread's snapshot, or why there is none. */
function threadFigure(pick: (metrics: ProcessMetrics) => number, top?: (metrics: ProcessMetrics) => number): AnalogParameter {
  const snapshot = (d: IocStatsDrivers) => d.node.latest?.metrics;
  return {
    group: (d) => d.node,
    figure(d): Figure {
      const sample = d.node.latest;
      const metrics = sample?.metrics;
      if (!sample || !metrics) return NO_SNAPSHOT;
      const silentSeconds = (sample.readAt - metrics.takenAt) / 1000;
      if (silentSeconds > STALE_AFTER_PERIODS * metrics.periodSeconds) {
        return { status: AlarmStatus.TIMEOUT, message: `host thread silent for ${Math.round(silentSeconds)} s` };
      }
      return measured(pick(metrics));
    },
    top:
      top &&
      ((d) => {
        const metrics = snapshot(d);
        return metrics && top(metrics);
      }),
  };
}

const heapLimit = (m: ProcessMetrics) => m.heapLimit;
const physicalMemory = (d: IocStatsDrivers) => d.memory.latest?.total;

const ANALOG: { readonly [parameter: string]: AnalogParameter } = {
  heap_used: threadFigure((m) => m.heapUsed, heapLimit),
  heap_total: threadFigure((m) => m.heapTotal, heapLimit),
  heap_limit: threadFigure(heapLimit),
  heap_used_pct: threadFigure((m) => (100 * m.heapUsed) / m.heapLimit),
  external: { ...threadFigure((m) => m.external), top: physicalMemory },
  array_buffers: { ...threadFigure((m) => m.arrayBuffers), top: physicalMemory },
  gc_count: threadFigure((m) => m.gcCount),
  gc_pause: threadFigure((m) => m.gcPauseMs),
  loop_lag: threadFigure((m) => m.eventLoopLagMs),
  loop_util: threadFigure((m) => m.eventLoopUtilization),
  rss: { group: (d) => d.node, figure: (d) => measured(d.node.latest?.rss), top: physicalMemory },
  pva_clients: { group: (d) => d.ca, figure: (d) => measured(d.ca.latest?.pva.clients) },
  pva_connections: { group: (d) => d.ca, figure: (d) => measured(d.ca.latest?.pva.channels) },
};

const TEXTS: { readonly [parameter: string]: (drivers: IocStatsDrivers) => string } = {
  node_ver: (d) => textPart(d.sources.identity.nodeVersion, 0),
};

export function nodeStatsSupport(drivers: IocStatsDrivers): DeviceSupport {
  return {
    name: NODE_STATS,
    recordTypes: ['ai', 'stringin'],
    bind(record, parameter) {
      const table = record.type.name === 'ai' ? ANALOG : TEXTS;
      if (!Object.hasOwn(table, parameter)) throw unknownParameter(record, NODE_STATS, parameter, Object.keys(table));
      if (record.type.name === 'ai') return analogBinding(record, ANALOG[parameter]!, drivers);
      const text = TEXTS[parameter]!;
      return textBinding(() => text(drivers));
    },
  };
}
