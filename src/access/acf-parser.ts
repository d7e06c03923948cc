// The grammar of an access security file, with the checks asLib makes while it reads one:
// groups are named once (DEFAULT may be declared while it is still empty), a rule names only
// UAGs and HAGs defined above it, access is NONE, READ or WRITE. The first error stops the parse.

import {
  AcfError,
  DEFAULT_ASG,
  type AccessConfiguration,
  type AccessRule,
  type AccessSecurityGroup,
  type AcfLocation,
  type AcfWarning,
  type AsgInput,
  type HostAccessGroup,
  type RuleAccess,
  type UserAccessGroup,
} from './acf';
import { tokenize, type LineExpander, type Token } from './acf-lexer';

export interface ParseAcfOptions {
  /** Names the file in locations. */
  file: string;
  /** Macro substitution of each line before it is read. */
  expand?: LineExpander;
}

const ACCESS: readonly RuleAccess[] = ['NONE', 'READ', 'WRITE'];

export function parseAcf(text: string, options: ParseAcfOptions): AccessConfiguration {
  return new Parser(tokenize(text, options.file, options.expand), options.file).parse();
}

type Kind = Token['kind'];
type TokenOf<K extends Kind> = Extract<Token, { kind: K }>;

class Parser {
  private index = 0;
  private readonly uags = new Map<string, UserAccessGroup>();
  private readonly hags = new Map<string, HostAccessGroup>();
  private readonly asgs = new Map<string, AccessSecurityGroup>();
  private readonly warnings: AcfWarning[] = [];

  constructor(
    private readonly tokens: readonly Token[],
    private readonly file: string,
  ) {}

  parse(): AccessConfiguration {
    if (this.peek().kind === 'end') throw new AcfError(this.peek(), 'no UAG, HAG or ASG: an access security file declares at least one');
    while (this.peek().kind !== 'end') {
      const token = this.next();
      if (token.kind === 'UAG') this.userGroup(token);
      else if (token.kind === 'HAG') this.hostGroup(token);
      else if (token.kind === 'ASG') this.securityGroup(token);
      else throw this.unexpected(token, 'UAG, HAG or ASG');
    }
    return { file: this.file, uags: this.uags, hags: this.hags, asgs: this.asgs, warnings: this.warnings };
  }

  private userGroup(keyword: Token): void {
    const name = this.groupName();
    if (this.uags.has(name)) throw new AcfError(keyword, `Duplicate User Access Group named '${name}'`);
    const users = this.peek().kind === '{' ? this.memberList('user', name) : [];
    this.uags.set(name, { name, users, location: location(keyword) });
  }

  private hostGroup(keyword: Token): void {
    const name = this.groupName();
    if (this.hags.has(name)) throw new AcfError(keyword, `Duplicate Host Access Group named '${name}'`);
    const hosts = this.peek().kind === '{' ? this.memberList('host', name) : [];
    this.hags.set(name, { name, hosts, location: location(keyword) });
  }

  /** `{ a, b, ... }` of a UAG or HAG; a name listed twice is kept once, with a warning as asLib gives. */
  private memberList(member: 'user' | 'host', group: string): string[] {
    this.expect('{');
    const names: string[] = [];
    do {
      const token = this.expectName(`a ${member} name`);
      if (names.includes(token.text)) {
        this.warn(token, `Duplicated ${member} '${token.text}' in ${member === 'user' ? 'UAG' : 'HAG'} '${group}'`);
      } else {
        names.push(token.text);
      }
    } while (this.accept(','));
    this.expect('}', "',' or '}'");
    return names;
  }

  private securityGroup(keyword: Token): void {
    const name = this.groupName();
    const existing = this.asgs.get(name);
    const redeclaresEmptyDefault = name === DEFAULT_ASG && existing !== undefined && existing.rules.length === 0 && existing.inputs.length === 0;
    if (existing && !redeclaresEmptyDefault) throw new AcfError(keyword, `Duplicate Access Security Group named '${name}'`);
    const inputs: AsgInput[] = [];
    const rules: AccessRule[] = [];
    if (this.accept('{')) {
      do {
        const token = this.next();
        if (token.kind === 'INP') inputs.push(this.input(token, name));
        else if (token.kind === 'RULE') rules.push(this.rule(token, name));
        else throw this.unexpected(token, 'INPA..INPL or RULE');
      } while (this.peek().kind !== '}');
      this.expect('}');
    }
    this.asgs.set(name, { name, inputs, rules, location: location(keyword) });
  }

  private input(keyword: TokenOf<'INP'>, group: string): AsgInput {
    this.expect('(');
    const pv = this.expectName('a PV name').text;
    this.expect(')');
    this.warn(keyword, `${keyword.text}(${pv}) of ASG(${group}) is not connected (links are not followed), so CALC conditions cannot be met`);
    return { index: keyword.index, pv, location: location(keyword) };
  }

  private rule(keyword: Token, group: string): AccessRule {
    this.expect('(');
    const level = this.expect('integer', 'an access security level (0 or 1)').value;
    this.expect(',');
    const accessToken = this.expectName('NONE, READ or WRITE');
    const access = ACCESS.find((choice) => choice === accessToken.text);
    if (!access) throw new AcfError(accessToken, `Access rights must be NONE, READ or WRITE, not '${accessToken.text}'`);
    let trapWrite = false;
    if (this.accept(',')) {
      const option = this.expectName('TRAPWRITE or NOTRAPWRITE');
      if (option.text !== 'TRAPWRITE' && option.text !== 'NOTRAPWRITE') {
        throw new AcfError(option, `Log options must be TRAPWRITE or NOTRAPWRITE, not '${option.text}'`);
      }
      trapWrite = option.text === 'TRAPWRITE';
    }
    this.expect(')');
    const uags: string[] = [];
    const hags: string[] = [];
    let calc: string | undefined;
    if (this.accept('{')) {
      do {
        const token = this.next();
        if (token.kind === 'UAG') uags.push(...this.references('UAG', this.uags, 'User'));
        else if (token.kind === 'HAG') hags.push(...this.references('HAG', this.hags, 'Host'));
        else if (token.kind === 'CALC') calc = this.calc(keyword, group, level, access);
        else throw this.unexpected(token, 'UAG, HAG or CALC');
      } while (this.peek().kind !== '}');
      this.expect('}');
    }
    return { level, access, trapWrite, uags, hags, calc, location: location(keyword) };
  }

  /** `(A, B, ...)` in a rule: groups that must be defined above it. */
  private references(kind: 'UAG' | 'HAG', defined: ReadonlyMap<string, unknown>, what: 'User' | 'Host'): string[] {
    this.expect('(');
    const names: string[] = [];
    do {
      const token = this.expectName(`a ${kind} name`);
      if (!defined.has(token.text)) throw new AcfError(token, `No ${what} Access Group named '${token.text}' defined`);
      names.push(token.text);
    } while (this.accept(','));
    this.expect(')', "',' or ')'");
    return names;
  }

  private calc(rule: Token, group: string, level: number, access: RuleAccess): string {
    this.expect('(');
    const expression = this.expectName('a CALC expression').text;
    this.expect(')');
    this.warn(
      rule,
      `RULE(${level},${access}) of ASG(${group}) has CALC("${expression}"), which is not evaluated: the rule never grants, as in an IOC whose INP links are disconnected`,
    );
    return expression;
  }

  private groupName(): string {
    this.expect('(');
    const name = this.expectName('a group name').text;
    this.expect(')');
    return name;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private accept(kind: Kind): boolean {
    if (this.peek().kind !== kind) return false;
    this.index++;
    return true;
  }

  private expect<K extends Kind>(kind: K, what: string = `'${kind}'`): TokenOf<K> {
    const token = this.next();
    if (token.kind !== kind) throw this.unexpected(token, what);
    return token as TokenOf<K>;
  }

  /** A name; a keyword or an all-digit word is a name only when quoted, as in asLib. */
  private expectName(what: string): TokenOf<'name'> {
    const token = this.next();
    if (token.kind === 'name') return token;
    if (token.kind === 'integer' || token.kind === 'INP' || isKeyword(token)) {
      const text = token.kind === 'integer' || token.kind === 'INP' ? token.text : token.kind;
      throw new AcfError(token, `expected ${what}, found ${token.kind === 'integer' ? 'the number' : 'the keyword'} ${text} (quote it: "${text}")`);
    }
    throw this.unexpected(token, what);
  }

  private unexpected(token: Token, what: string): AcfError {
    return new AcfError(token, `expected ${what}, found ${describe(token)}`);
  }

  private warn(token: Token, message: string): void {
    this.warnings.push({ location: location(token), message });
  }
}

function isKeyword(token: Token): boolean {
  return token.kind === 'UAG' || token.kind === 'HAG' || token.kind === 'ASG' || token.kind === 'RULE' || token.kind === 'CALC';
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the file';
    case 'name':
      return `'${token.text}'`;
    case 'integer':
    case 'INP':
      return token.text;
    default:
      return `'${token.kind}'`;
  }
}

function location(token: Token): AcfLocation {
  return { file: token.file, line: token.line, column: token.column };
}
