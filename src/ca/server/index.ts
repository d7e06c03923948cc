export { createCaServer, type CaServer, type CaServerOptions, type CaServerStatistics } from './server';
export { readServerEnvironment, type CaServerEnvironment } from './environment';
export { DEFAULT_LIMITS as DEFAULT_CA_LIMITS, type ServerLimits as CaLimits } from '../../net/limits';
