// The .db grammar of dbYacc.y: record/grecord with field, info, alias and include in the body,
// top-level alias, include, path and addpath. Produces what the file says; whether its record
// types and fields exist is for the loader to judge.

import * as path from 'node:path';
import type { DatabaseItem, JsonValue, NamedAt, ParsedDatabase, RecordDefinition, Setting } from './ast';
import { translateEscapes } from './escapes';
import { Lexer, type LexMode, type Token } from './lexer';
import { DbFileError, type SourceLocation } from './location';
import type { Macros } from './macros';
import { fileSystemSources, splitSearchPath, type SourceFiles } from './source-files';

export interface ParseOptions {
  macros?: Macros;
  /** Directories searched for included files named without a directory part. */
  includePaths?: readonly string[];
  sources?: SourceFiles;
}

export interface ParseWarning {
  readonly location: SourceLocation;
  readonly message: string;
}

export interface ParseResult extends ParsedDatabase {
  readonly warnings: readonly ParseWarning[];
}

/**
 * A parse that goes as its items are drawn: a large file's records are built one by one rather
 * than all kept as syntax first. `files` and `warnings` fill as the items are read.
 */
export interface ParseStream {
  readonly items: Iterable<DatabaseItem>;
  readonly files: readonly string[];
  readonly warnings: readonly ParseWarning[];
}

/** Reads a .db file and everything it includes. */
export function parseDatabaseFile(file: string, options: ParseOptions = {}): ParseResult {
  return collect(streamDatabaseFile(file, options));
}

/** Reads .db text; `file` names it in messages. */
export function parseDatabaseText(text: string, file: string, options: ParseOptions = {}): ParseResult {
  return collect(streamDatabaseText(text, file, options));
}

/** As parseDatabaseFile, item by item; a file that cannot be opened is refused at once. */
export function streamDatabaseFile(file: string, options: ParseOptions = {}): ParseStream {
  const sources = options.sources ?? fileSystemSources;
  const opened = sources.open(file, []) ?? sources.open(file, options.includePaths ?? []);
  if (!opened) throw new DbFileError({ file, line: 0, column: 0 }, `cannot open database file ${file}`);
  return streamDatabaseText(opened.text, opened.path, options);
}

/** As parseDatabaseText, item by item. */
export function streamDatabaseText(text: string, file: string, options: ParseOptions = {}): ParseStream {
  const parser = new Parser(text, file, options);
  return { items: parser.items(), files: parser.files, warnings: parser.warnings };
}

function collect(stream: ParseStream): ParseResult {
  const items = [...stream.items];
  return { items, files: stream.files, warnings: stream.warnings };
}

/** Words the lexer gives as keywords, which therefore cannot stand unquoted for a name. */
const KEYWORDS = new Set([
  'include',
  'path',
  'addpath',
  'menu',
  'choice',
  'recordtype',
  'field',
  'device',
  'driver',
  'link',
  'breaktable',
  'record',
  'grecord',
  'alias',
  'info',
  'registrar',
  'function',
  'variable',
]);
const DBD_ONLY = new Set(['menu', 'recordtype', 'device', 'driver', 'link', 'breaktable', 'registrar', 'function', 'variable']);
const BAD_NAME_CHARACTERS = ' \t"\'.$';

class Parser {
  private readonly lexer: Lexer;
  readonly files: string[];
  readonly warnings: ParseWarning[] = [];
  private readonly sources: SourceFiles;
  private searchPath: string[];

  constructor(text: string, file: string, options: ParseOptions) {
    this.lexer = new Lexer(options.macros ?? new Map());
    this.lexer.push(file, text);
    this.files = [file];
    this.sources = options.sources ?? fileSystemSources;
    this.searchPath = [...(options.includePaths ?? [])];
  }

  *items(): Generator<DatabaseItem, void, undefined> {
    for (let token = this.lexer.next('db'); token.kind !== 'eof'; token = this.lexer.next('db')) {
      const word = keyword(token);
      if (word === 'record' || word === 'grecord') yield this.record();
      else if (word === 'alias') yield this.topLevelAlias();
      else if (word === 'include') this.include(token);
      else if (word === 'path' || word === 'addpath') this.searchPathStatement(word);
      else if (word && DBD_ONLY.has(word)) throw new DbFileError(token.location, `'${word}' belongs in a .dbd file, not a database file`);
      else throw unexpected(token, "'record', 'alias' or 'include'");
    }
  }

  private record(): RecordDefinition {
    this.expect('(');
    const type = this.name('a record type');
    this.expect(',');
    const name = this.recordName();
    this.expect(')');
    const fields: Setting[] = [];
    const infos: Setting[] = [];
    const aliases: NamedAt[] = [];
    if (isPunct(this.lexer.peek('db'), '{')) {
      this.lexer.next('db');
      for (let token = this.lexer.next('db'); !(token.kind === 'punct' && token.text === '}'); token = this.lexer.next('db')) {
        const word = keyword(token);
        if (word === 'field') fields.push(this.setting('a field name'));
        else if (word === 'info') infos.push(this.setting('an info name'));
        else if (word === 'alias') {
          this.expect('(');
          aliases.push(this.recordName());
          this.expect(')');
        } else if (word === 'include') this.include(token);
        else throw unexpected(token, `'field', 'info', 'alias', 'include' or '}' closing record ${name.name}`);
      }
    }
    return { kind: 'record', recordType: type.name, typeLocation: type.location, name: name.name, location: name.location, fields, infos, aliases };
  }

  private topLevelAlias(): DatabaseItem {
    this.expect('(');
    const target = this.recordName();
    this.expect(',');
    const alias = this.recordName();
    this.expect(')');
    return { kind: 'alias', target, alias };
  }

  /** `field(NAME, value)` or `info(NAME, value)`, the keyword already read. */
  private setting(what: string): Setting {
    this.expect('(');
    const name = this.name(what);
    if (name.name === '') throw new DbFileError(name.location, `${what.replace(/^an? /, '')} cannot be empty`);
    this.expect(',');
    const valueLocation = this.lexer.peek('json').location;
    const value = this.value(this.lexer.next('json'), true);
    const close = this.lexer.next('db');
    if (!isPunct(close, ')')) {
      const hint = value.kind === 'string' && !value.quoted ? ' (values holding spaces or any of :;<>[] must be quoted)' : '';
      throw unexpected(close, `')' after the value of ${name.name}`, hint);
    }
    return { name: name.name, value, location: name.location, valueLocation };
  }

  /** A relaxed-JSON value; `topLevel` strings get dbTranslateEscape, as dbRecordField applies it. */
  private value(token: Token, topLevel = false): JsonValue & { json: string } {
    if (token.kind === 'string') {
      const text = translateEscapes(token.text);
      return { kind: 'string', text, quoted: true, json: `${token.quote}${token.text}${token.quote}` };
    }
    if (token.kind === 'number') return { kind: 'number', text: token.text, json: token.text };
    if (token.kind === 'bare') {
      if (token.text === 'null' || token.text === 'true' || token.text === 'false') return { kind: 'literal', text: token.text, json: token.text };
      return { kind: 'string', text: token.text, quoted: false, json: `"${token.text}"` };
    }
    if (token.kind === 'punct' && token.text === '[') return this.array();
    if (token.kind === 'punct' && token.text === '{') return this.object();
    throw unexpected(token, topLevel ? 'a value' : 'a JSON value');
  }

  private array(): JsonValue & { json: string } {
    const items: (JsonValue & { json: string })[] = [];
    let json = '';
    for (;;) {
      const token = this.lexer.next('json');
      if (isPunct(token, ']')) break;
      const item = this.value(token);
      items.push(item);
      json += (json ? ',' : '') + item.json;
      const separator = this.lexer.next('json');
      if (isPunct(separator, ']')) break;
      if (!isPunct(separator, ',')) throw unexpected(separator, "',' or ']'");
      if (isPunct(this.lexer.peek('json'), ']')) {
        // A trailing comma is kept so that link parsing can tell a one-element array from a scalar.
        json += ',';
      }
    }
    const text = `[${json}]`;
    return { kind: 'array', items, text, json: text };
  }

  private object(): JsonValue & { json: string } {
    const members: [string, JsonValue][] = [];
    const parts: string[] = [];
    for (;;) {
      const keyToken = this.lexer.next('json');
      if (isPunct(keyToken, '}')) break;
      if (keyToken.kind !== 'string' && keyToken.kind !== 'bare') throw unexpected(keyToken, 'a key');
      this.expectJson(':');
      const value = this.value(this.lexer.next('json'));
      const key = keyToken.kind === 'string' ? translateEscapes(keyToken.text) : keyToken.text;
      members.push([key, value]);
      const keyJson = keyToken.kind === 'string' ? `${keyToken.quote}${keyToken.text}${keyToken.quote}` : /[+\-.]/.test(key) ? `"${key}"` : key;
      parts.push(`${keyJson}:${value.json}`);
      const separator = this.lexer.next('json');
      if (isPunct(separator, '}')) break;
      if (!isPunct(separator, ',')) throw unexpected(separator, "',' or '}'");
    }
    const text = `{${parts.join(',')}}`;
    return { kind: 'object', members, text, json: text };
  }

  private include(keywordToken: Token): void {
    const token = this.lexer.next('db');
    if (token.kind !== 'string' && token.kind !== 'bare') throw unexpected(token, 'the name of a file to include');
    const opened = this.sources.open(token.text, this.searchPath);
    if (!opened) {
      const where = this.searchPath.length > 0 ? ` (searched ${this.searchPath.join(', ')})` : '';
      throw new DbFileError(token.location, `cannot open include file "${token.text}"${where}`);
    }
    const resolved = path.resolve(opened.path);
    if (this.lexer.openFiles().some((file) => path.resolve(file) === resolved)) {
      throw new DbFileError(token.location, `"${token.text}" includes itself (include cycle)`);
    }
    this.files.push(opened.path);
    this.lexer.push(opened.path, opened.text, keywordToken.location);
  }

  private searchPathStatement(word: 'path' | 'addpath'): void {
    const token = this.lexer.next('db');
    if (token.kind !== 'string' && token.kind !== 'bare') throw unexpected(token, `the directories of '${word}'`);
    const dirs = splitSearchPath(token.text);
    this.searchPath = word === 'path' ? dirs : [...this.searchPath, ...dirs];
  }

  /** A record or alias name, checked as dbRecordNameValidate checks it. */
  private recordName(): NamedAt {
    const named = this.name('a record name');
    const { name, location } = named;
    if (name === '') throw new DbFileError(location, 'a record or alias name cannot be empty');
    for (const c of name) {
      if (BAD_NAME_CHARACTERS.includes(c)) {
        throw new DbFileError(location, `bad character '${c === '\t' ? '\\t' : c}' in record or alias name "${name}"`);
      }
      if (c.charCodeAt(0) < 0x20) this.warnings.push({ location, message: `record or alias name "${name}" contains a non-printable character` });
    }
    if ('-+[{'.includes(name[0]!)) this.warnings.push({ location, message: `record or alias name "${name}" should not begin with '${name[0]}'` });
    return named;
  }

  /** A quoted or bare string in `db` mode; a bare keyword does not count. */
  private name(what: string): NamedAt {
    const token = this.lexer.next('db');
    if (token.kind === 'string' || (token.kind === 'bare' && !KEYWORDS.has(token.text))) return { name: token.text, location: token.location };
    throw unexpected(token, what);
  }

  private expect(punctuation: string, mode: LexMode = 'db'): void {
    const token = this.lexer.next(mode);
    if (!isPunct(token, punctuation)) throw unexpected(token, `'${punctuation}'`);
  }

  private expectJson(punctuation: string): void {
    this.expect(punctuation, 'json');
  }
}

function keyword(token: Token): string | undefined {
  return token.kind === 'bare' && KEYWORDS.has(token.text) ? token.text : undefined;
}

function isPunct(token: Token, text: string): boolean {
  return token.kind === 'punct' && token.text === text;
}

function unexpected(token: Token, expected: string, hint = ''): DbFileError {
  return new DbFileError(token.location, `expected ${expected} but found ${describe(token)}${hint}`);
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the file';
    case 'string':
      return `${token.quote}${token.text}${token.quote}`;
    default:
      return `'${token.text}'`;
  }
}
