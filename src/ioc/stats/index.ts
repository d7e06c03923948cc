// The iocStats group: devIocStats' PVs and a Node process's own figures.

export { ProcessMetricsCollector, type ProcessMetrics, type ProcessMetricsCollectorOptions } from './metrics';
export { createIocStatsGroup, type IocStatsGroup, type IocStatsGroupOptions } from './stats-group';
