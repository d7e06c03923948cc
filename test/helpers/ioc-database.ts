import type { Database } from '../../src/database';
import { DEFAULT_CONFIG } from '../../src/ioc/config/ioc-config';
import { loadDatabase } from '../../src/ioc/ioc-core';
import { silentLogger } from '../../src/logger';

/**
 * An empty database with the IOC's device supports registered, as memtrace-ioc makes it before it
 * loads any file: the shipped .db files name those supports' DTYPs. Never started, so no engine runs.
 */
export function iocDatabase(): Database {
  const groups = { memoryTracing: { enabled: false, macros: '' }, iocStats: { enabled: false, macros: '' } };
  return loadDatabase({ ...DEFAULT_CONFIG, groups, databases: [] }, silentLogger()).database;
}
