export { createPvaServer, type PvaServer, type PvaServerOptions, type PvaServerStatistics } from './server';
export { readPvaServerEnvironment, type PvaServerEnvironment } from './environment';
