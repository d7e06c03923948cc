#!/usr/bin/env node
// The memtrace-ioc command: an IOC for this process, started as softIoc is started.
import * as path from 'node:path';
import { createLogger, silentLogger } from '../logger';
import { loadIocConfig, resolveIocConfig, type IocConfig } from './config/ioc-config';
import { USAGE, UsageError, parseCommandLine, type CliCommand } from './cli-args';
import { loadDatabase } from './ioc-core';
import { onSignal, reloadOnHangup } from './signals';
import { startConfiguredIoc } from './start-ioc';
import { runStartupScript } from './startup';
import { PACKAGE_VERSION } from '../version';

/** SIGINT/SIGTERM must end the process within 2 s even if a client holds shutdown up. */
const SHUTDOWN_DEADLINE_MS = 1800;
/** Errors whose message says all a user needs (file, line, reason); by name, as errors from the worker thread keep only that. */
const USER_ERRORS = new Set(['UsageError', 'ConfigError', 'DbFileError', 'AcfError', 'StartupScriptError']);

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
  const config = commandConfig(command);
  if (command.listPvs) {
    if (command.script) throw new UsageError('--list-pvs does not run a startup script; put dbl in the script to list its records');
    const { database, drivers } = loadDatabase(config, silentLogger());
    process.stdout.write(database.recordNames().join('\n') + '\n');
    drivers.stop();
    database.close();
    return 0;
  }
  const logger = createLogger(config.logging);
  // Until the IOC has started, a stop waits for it: the script may start it, or ask it to exit, at any line.
  let requestStop!: (stop: { status: number; signal?: NodeJS.Signals }) => void;
  const stopRequested = new Promise<{ status: number; signal?: NodeJS.Signals }>((resolve) => (requestStop = resolve));
  onSignal('SIGINT', logger, (signal) => requestStop({ status: 0, signal }), true);
  onSignal('SIGTERM', logger, (signal) => requestStop({ status: 0, signal }), true);
  const requestExit = (status: number) => requestStop({ status });
  /** What the IOC started with: the script may name the access security file. */
  let started = config;
  const start = (startConfig: IocConfig) => startConfiguredIoc((started = startConfig), logger, requestExit);
  const ioc = command.script
    ? await runStartupScript(
        command.script,
        config,
        { implicitInit: command.databases.length > 0 },
        {
          start,
          print: (text) => process.stdout.write(text),
          env: process.env,
        },
      )
    : await start(config);
  // A failed reload is logged where it happens, and the rules in force stay.
  reloadOnHangup(logger, started.accessSecurity.file !== undefined ? () => ioc.reloadAccessSecurity() : undefined);
  const stop = await stopRequested;
  logger.info(stop, stop.signal ? 'stopping' : 'stopping: the exit record was processed');
  setTimeout(() => process.exit(stop.status), SHUTDOWN_DEADLINE_MS).unref();
  await ioc.close();
  logger.flush();
  return stop.status;
}

/** The configuration file (or the defaults) with the command line over it. */
function commandConfig(command: Extract<CliCommand, { kind: 'run' }>): IocConfig {
  const base: IocConfig = command.configFile ? loadIocConfig(command.configFile) : resolveIocConfig({}, process.cwd());
  return {
    ...base,
    prefix: command.prefix ?? base.prefix,
    databases: [...base.databases, ...command.databases.map((entry) => ({ ...entry, file: path.resolve(entry.file) }))],
    logging: { ...base.logging, pretty: base.logging.pretty || command.pretty },
    // The process is the IOC's own: its heap may be compacted after the load.
    compactHeapAfterLoad: base.compactHeapAfterLoad ?? true,
    tracing: { ...base.tracing, exactFrames: base.tracing.exactFrames || command.exactFrames },
    accessSecurity: command.accessSecurity
      ? { ...base.accessSecurity, ...command.accessSecurity, file: path.resolve(command.accessSecurity.file) }
      : base.accessSecurity,
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof Error && USER_ERRORS.has(error.name);
    process.stderr.write(`memtrace-ioc: ${known ? error.message : ((error as Error).stack ?? String(error))}\n`);
    if (error instanceof UsageError) process.stderr.write('Try memtrace-ioc --help\n');
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
