// A startup script (st.cmd) read as iocsh reads it (iocsh.cpp): one command a line, its words
// split at blanks, parentheses and commas outside quotes ("…" or '…'; a backslash outside quotes
// takes the next character as it is), $(VAR) and ${VAR} (with $(VAR=default)) expanded from the
// environment before the line is split, lines starting with # are comments. Only the commands soft
// IOCs use are served. The whole script is read before anything runs, with the environment as the
// script's epicsEnvSet lines leave it at each line, so that a mistake anywhere stops the IOC
// before it starts, with the script's file:line:col; iocsh would report it and go on.

import { DbFileError, type SourceLocation } from '../database/db-file/location';
import { expandLine, MacroError } from '../database/db-file/macros';

/** When a command may run: before iocInit (configuration), after it (the running database), or either. */
type Phase = 'beforeInit' | 'afterInit' | 'any';

interface CommandDefinition {
  /** The argument names, as `help` names them in iocsh. */
  readonly args: readonly string[];
  /** How many of them a call must give. */
  readonly required: number;
  readonly phase: Phase;
}

export const STARTUP_COMMANDS = {
  epicsEnvSet: { args: ['name', 'value'], required: 2, phase: 'any' },
  dbLoadRecords: { args: ['file name', 'substitutions'], required: 1, phase: 'beforeInit' },
  dbLoadTemplate: { args: ['file name', 'substitutions'], required: 1, phase: 'beforeInit' },
  asSetFilename: { args: ['ascf'], required: 1, phase: 'beforeInit' },
  asSetSubstitutions: { args: ['substitutions'], required: 1, phase: 'beforeInit' },
  iocInit: { args: [], required: 0, phase: 'beforeInit' },
  dbl: { args: ['record type', 'fields'], required: 0, phase: 'any' },
  dbpf: { args: ['record name', 'value'], required: 2, phase: 'afterInit' },
  dbgf: { args: ['record name'], required: 1, phase: 'afterInit' },
} as const satisfies Record<string, CommandDefinition>;

export type StartupCommandName = keyof typeof STARTUP_COMMANDS;

export interface ScriptArgument {
  readonly text: string;
  readonly location: SourceLocation;
}

export interface ScriptCommand {
  readonly name: StartupCommandName;
  /** The arguments given (at most as many as the command takes; iocsh ignores the rest). */
  readonly args: readonly ScriptArgument[];
  readonly location: SourceLocation;
}

/** One line of the script: what iocsh echoes of it (a comment, or the line after expansion), and its command. */
export interface ScriptLine {
  readonly echo: string | undefined;
  readonly command?: ScriptCommand;
}

/** A startup script that cannot run, with its file:line:col. */
export class StartupScriptError extends DbFileError {
  constructor(location: SourceLocation, reason: string) {
    super(location, reason);
    this.name = 'StartupScriptError';
  }
}

const SUPPORTED = Object.keys(STARTUP_COMMANDS).join(', ');

/** Reads a whole script; `env` is the environment it starts with (not changed). */
export function parseStartupScript(text: string, file: string, env: Readonly<Record<string, string | undefined>>): ScriptLine[] {
  const environment = new Map(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const lines: ScriptLine[] = [];
  let initialisedAt: SourceLocation | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const at = (column: number): SourceLocation => ({ file, line: index + 1, column: column + 1 });
    const trimmed = raw.trimStart();
    if (trimmed.startsWith('#')) {
      lines.push({ echo: trimmed.startsWith('#-') ? undefined : raw });
      return;
    }
    const expanded = expand(raw, environment, at);
    const echo = expanded.text === '' ? undefined : expanded.text;
    // A line that is empty, or a comment, once expanded.
    if (/^\s*(#|$)/.test(expanded.text)) {
      lines.push({ echo });
      return;
    }
    const words = splitWords(expanded.text, (offset) => at(expanded.columns[offset] ?? raw.length));
    const command = commandOf(words);
    checkPhase(command, initialisedAt);
    if (command.name === 'iocInit') initialisedAt = command.location;
    if (command.name === 'epicsEnvSet') environment.set(command.args[0]!.text, command.args[1]!.text);
    lines.push({ echo, command });
  });
  return lines;
}

/** Whether the script starts the IOC itself. */
export function callsIocInit(lines: readonly ScriptLine[]): boolean {
  return lines.some((line) => line.command?.name === 'iocInit');
}

function expand(raw: string, environment: ReadonlyMap<string, string>, at: (column: number) => SourceLocation) {
  try {
    return expandLine(raw, environment, false);
  } catch (error) {
    if (error instanceof MacroError) throw new StartupScriptError(at(error.column), `${error.message} in the environment`);
    throw error;
  }
}

function commandOf(words: readonly ScriptArgument[]): ScriptCommand {
  const [name, ...args] = words as [ScriptArgument, ...ScriptArgument[]];
  if (!Object.hasOwn(STARTUP_COMMANDS, name.text)) {
    throw new StartupScriptError(name.location, `command "${name.text}" is not supported; the supported commands are ${SUPPORTED}`);
  }
  const commandName = name.text as StartupCommandName;
  const definition: CommandDefinition = STARTUP_COMMANDS[commandName];
  if (args.length < definition.required) {
    const usage = [commandName, ...definition.args.map((arg) => `"${arg}"`)].join(' ');
    throw new StartupScriptError(name.location, `${commandName} needs ${definition.args.slice(args.length, definition.required).join(' and ')}: ${usage}`);
  }
  return { name: commandName, args: args.slice(0, definition.args.length), location: name.location };
}

function checkPhase(command: ScriptCommand, initialisedAt: SourceLocation | undefined): void {
  const { phase }: CommandDefinition = STARTUP_COMMANDS[command.name];
  if (phase === 'afterInit' && !initialisedAt) {
    throw new StartupScriptError(command.location, `${command.name} only works after iocInit`);
  }
  if (phase === 'beforeInit' && initialisedAt) {
    throw new StartupScriptError(command.location, `${command.name} cannot follow iocInit (line ${initialisedAt.line}): the IOC is running`);
  }
}

const SEPARATORS = ' \t(),\r';

/**
 * iocsh's Tokenize::split: words with the location of their first character. Redirection (`<`,
 * `>`, `2>`) is refused, as this IOC has no shell to redirect.
 */
export function splitWords(line: string, at: (offset: number) => SourceLocation): ScriptArgument[] {
  const words: ScriptArgument[] = [];
  let word: { text: string; start: number } | undefined;
  let quote = '';
  let quoteStart = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else word!.text += c;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) throw new StartupScriptError(at(i), 'trailing backslash');
      word ??= { text: '', start: i };
      word.text += line[++i]!;
      continue;
    }
    if (c === '<' || c === '>') throw new StartupScriptError(at(i), 'redirection (< or >) is not supported');
    if (SEPARATORS.includes(c)) {
      if (word) words.push({ text: word.text, location: at(word.start) });
      word = undefined;
      continue;
    }
    word ??= { text: '', start: i };
    if (c === '"' || c === "'") {
      quote = c;
      quoteStart = i;
    } else {
      word.text += c;
    }
  }
  if (quote) throw new StartupScriptError(at(quoteStart), 'unbalanced quote');
  if (word) words.push({ text: word.text, location: at(word.start) });
  return words;
}
