import * as path from 'node:path';

/** The shipped .db files: `records/` sits two levels above src/ioc and dist/ioc alike. */
export const RECORDS_DIRECTORY = path.resolve(__dirname, '..', '..', 'records');
export const MEMORY_TRACING_DB = path.join(RECORDS_DIRECTORY, 'memoryTracing.db');
export const IOC_STATS_DB = path.join(RECORDS_DIRECTORY, 'iocStats.db');
/** softIoc's softIocExit.db: what `-x prefix` loads, with IOC=prefix. */
export const SOFT_IOC_EXIT_DB = path.join(RECORDS_DIRECTORY, 'softIocExit.db');
