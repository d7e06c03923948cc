// What the iocStats device supports measure: the host thread's figures, the system's, the process's identity.

export { ProcessMetricsCollector, type ProcessMetrics, type ProcessMetricsCollectorOptions } from './metrics';
export { readIocIdentity, type IocIdentity } from './identity';
