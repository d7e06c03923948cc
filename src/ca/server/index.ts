export { createCaServer, type CaServer, type CaServerOptions, type CaServerStatistics } from './server';
export { readServerEnvironment, type CaServerEnvironment } from './environment';
