// The public API of memtrace-ioc.
export { createCaServer, readServerEnvironment } from './ca/server';
export type { CaServer, CaServerOptions, CaServerStatistics, CaServerEnvironment } from './ca/server';
export * from './database/pv';
export { SimplePv, PvMap, type SimplePvOptions } from './database/simple-pv';
export { createLogger, silentLogger, type Logger, type LoggingOptions } from './logger';
