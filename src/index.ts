// The public API of memtrace-ioc.
export { startIoc, type Ioc, type StartIocOptions } from './ioc/start-ioc';
export { loadIocConfig, resolveIocConfig, ConfigError, DEFAULT_CONFIG, type IocConfig, type IocOptions } from './ioc/config/ioc-config';
export { createCaServer, readServerEnvironment } from './ca/server';
export type { CaServer, CaServerOptions, CaServerStatistics, CaServerEnvironment } from './ca/server';
export { DEFAULT_LIMITS, type ServerLimits } from './net/limits';
export {
  Database,
  DbFileError,
  DeviceBindError,
  type DeviceBinding,
  type DeviceSupport,
  type RecordHandle,
  type LoadOptions,
  type SetOptions,
} from './database';
export * from './database/pv';
export { AccessRules, AcfError, loadAcfFile, parseAcf, type AccessClient, type AccessSecurityLevel, type LoadAcfOptions } from './access';
export { SimplePv, PvMap, type SimplePvOptions } from './database/simple-pv';
export { createLogger, silentLogger, type Logger, type LoggingOptions } from './logger';
export { PACKAGE_VERSION } from './version';
