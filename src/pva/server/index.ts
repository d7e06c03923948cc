export { createPvaServer, type PvaServer, type PvaServerOptions, type PvaServerStatistics } from './server';
export { readPvaServerEnvironment, type PvaServerEnvironment } from './environment';
export { TableProvider, TablePv, type TableColumn, type TableRows } from './nt-table';
