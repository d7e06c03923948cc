// Running a startup script as softIoc runs st.cmd: the commands before iocInit say what to load
// (records, substitutions files, the access security file) and set the environment the servers
// read; iocInit starts the IOC; dbl, dbgf, dbpf, iocPause and iocRun after it act on the running
// database. Lines are
// echoed to standard output, as iocsh echoes a script, with what the commands print.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DbFileError, type SourceLocation } from '../database/db-file/location';
import { parseSubstitutions } from '../database/db-file/substitutions';
import { dbl } from '../database/db-test';
import { silentLogger } from '../logger';
import type { DatabaseEntry, IocConfig } from './config/ioc-config';
import { loadDatabase } from './ioc-core';
import type { DbCommand } from './db-commands';
import type { Ioc } from './start-ioc';
import { callsIocInit, parseStartupScript, StartupScriptError, type ScriptCommand } from './startup-script';

export interface StartupHost {
  /** iocInit: starts the IOC with what the script configured. */
  start(config: IocConfig): Promise<Ioc>;
  /** Standard output. */
  print(text: string): void;
  /** The environment the script reads and epicsEnvSet changes (the process's, for the servers to read). */
  readonly env: Record<string, string | undefined>;
}

export interface StartupOptions {
  /** softIoc calls iocInit after the script when -d or -x loaded a file. */
  implicitInit: boolean;
}

/** Runs the script over `config` (the -d, -x and -a files already in it); resolves with the started IOC. */
export async function runStartupScript(file: string, config: IocConfig, options: StartupOptions, host: StartupHost): Promise<Ioc> {
  const lines = parseStartupScript(readScript(file), file, host.env);
  if (!callsIocInit(lines) && !options.implicitInit) {
    throw new StartupScriptError(
      { file, line: lines.length, column: 1 },
      'the script never calls iocInit, and no -d or -x file was given: softIoc would never start serving; end the script with iocInit',
    );
  }
  const setup = new StartupConfiguration(config);
  let ioc: Ioc | undefined;
  for (const line of lines) {
    if (line.echo !== undefined) host.print(line.echo + '\n');
    const command = line.command;
    if (!command) continue;
    if (command.name === 'iocInit') ioc = await host.start(setup.config());
    else if (ioc && isDbCommand(command.name)) host.print(await ioc.runDbCommand({ name: command.name, args: command.args.map((arg) => arg.text) }));
    else if (command.name === 'dbl')
      host.print(
        listBeforeInit(
          setup.config(),
          command.args.map((arg) => arg.text),
        ),
      );
    else if (command.name === 'epicsEnvSet') host.env[command.args[0]!.text] = command.args[1]!.text;
    else setup.apply(command);
  }
  return ioc ?? host.start(setup.config());
}

function isDbCommand(name: ScriptCommand['name']): name is DbCommand['name'] {
  return name === 'dbl' || name === 'dbgf' || name === 'dbpf' || name === 'iocPause' || name === 'iocRun';
}

function readScript(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupScriptError({ file, line: 0, column: 0 }, `cannot read the startup script: ${(error as Error).message}`);
  }
}

/**
 * What the commands before iocInit configure: files relative to the working directory, as softIoc
 * opens them. The script says what the IOC serves, as on softIoc: the groups' shipped files load
 * only where it (or -d) loads them, not by default.
 */
class StartupConfiguration {
  private readonly databases: DatabaseEntry[];
  private accessSecurity: IocConfig['accessSecurity'];

  constructor(private readonly base: IocConfig) {
    this.databases = [...base.databases];
    this.accessSecurity = base.accessSecurity;
  }

  config(): IocConfig {
    const { memoryTracing, iocStats } = this.base.groups;
    const groups = { memoryTracing: { ...memoryTracing, enabled: false }, iocStats: { ...iocStats, enabled: false } };
    return { ...this.base, groups, databases: [...this.databases], accessSecurity: this.accessSecurity };
  }

  apply(command: ScriptCommand): void {
    const [first, second] = command.args;
    switch (command.name) {
      case 'dbLoadRecords':
        this.databases.push({ file: existing(first!.text, first!.location), macros: second?.text ?? '' });
        return;
      case 'dbLoadTemplate':
        this.databases.push(...templateLoads(existing(first!.text, first!.location), second?.text ?? ''));
        return;
      case 'asSetFilename':
        this.accessSecurity = { ...this.accessSecurity, file: existing(first!.text, first!.location) };
        return;
      case 'asSetSubstitutions':
        this.accessSecurity = { ...this.accessSecurity, macros: first!.text };
        return;
      default:
        throw new Error(`${command.name} is not a configuration command`);
    }
  }
}

/** The loads a substitutions file asks for, each template file checked where the file names it. */
function templateLoads(file: string, macros: string): DatabaseEntry[] {
  return parseSubstitutions(fs.readFileSync(file, 'utf8'), file, macros).map((load) => ({
    file: existing(load.file, load.location),
    macros: load.macros,
  }));
}

/** The file's absolute path, or an error at `location` (the argument or line that names it). */
function existing(file: string, location: SourceLocation): string {
  const resolved = path.resolve(file);
  if (!fs.statSync(resolved, { throwIfNoEntry: false })?.isFile()) throw new DbFileError(location, `cannot open "${file}": no such file`);
  return resolved;
}

/** dbl before iocInit: the records the script has loaded so far, from a database made for the listing alone. */
function listBeforeInit(config: IocConfig, args: string[]): string {
  const { database, drivers } = loadDatabase(config, silentLogger());
  try {
    return dbl(database, ...args);
  } finally {
    drivers.stop();
    database.close();
  }
}
