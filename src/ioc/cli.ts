#!/usr/bin/env node
// The memtrace-ioc command: an IOC for this process, started as softIoc is started.
import * as path from 'node:path';
import { createLogger, silentLogger } from '../logger';
import { loadIocConfig, resolveIocConfig, type IocConfig } from './config/ioc-config';
import { USAGE, UsageError, parseCommandLine } from './cli-args';
import { loadDatabase } from './ioc-core';
import { onSignal, reloadOnHangup } from './signals';
import { startConfiguredIoc } from './start-ioc';
import { PACKAGE_VERSION } from '../version';

/** SIGINT/SIGTERM must end the process within 2 s even if a client holds shutdown up. */
const SHUTDOWN_DEADLINE_MS = 1800;
/** Errors whose message says all a user needs (file, line, reason); by name, as errors from the worker thread keep only that. */
const USER_ERRORS = new Set(['UsageError', 'ConfigError', 'DbFileError', 'AcfError']);

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  if (command.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`memtrace-ioc ${PACKAGE_VERSION}\n`);
    return 0;
  }
  const base: IocConfig = command.configFile ? loadIocConfig(command.configFile) : resolveIocConfig({}, process.cwd());
  const config: IocConfig = {
    ...base,
    prefix: command.prefix ?? base.prefix,
    databases: [...base.databases, ...command.databases.map((entry) => ({ ...entry, file: path.resolve(entry.file) }))],
    logging: { ...base.logging, pretty: base.logging.pretty || command.pretty },
    tracing: { ...base.tracing, exactFrames: base.tracing.exactFrames || command.exactFrames },
    accessSecurity: command.accessSecurity
      ? { ...base.accessSecurity, ...command.accessSecurity, file: path.resolve(command.accessSecurity.file) }
      : base.accessSecurity,
  };
  if (command.listPvs) {
    const { database } = loadDatabase(config, silentLogger());
    process.stdout.write(database.recordNames().join('\n') + '\n');
    return 0;
  }
  const logger = createLogger(config.logging);
  const ioc = await startConfiguredIoc(config, logger);
  // A failed reload is logged where it happens, and the rules in force stay.
  reloadOnHangup(logger, config.accessSecurity.file ? () => ioc.reloadAccessSecurity() : undefined);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
      return ioc.close().finally(resolve);
    };
    onSignal('SIGINT', logger, stop, true);
    onSignal('SIGTERM', logger, stop, true);
  });
  logger.flush();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof Error && USER_ERRORS.has(error.name);
    process.stderr.write(`memtrace-ioc: ${known ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write('Try memtrace-ioc --help\n');
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
