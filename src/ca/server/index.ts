export { createCaServer, type CaServer, type CaServerOptions, type CaServerStatistics } from './server';
export { readServerEnvironment, type CaServerEnvironment } from './environment';
export { DEFAULT_CA_LIMITS, type CaLimits } from './limits';
