// What an access security file (.acf) declares, as asLib reads it: user and host access groups,
// and the access security groups whose rules records choose through their ASG field.

export interface AcfLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in the line as written (before macro expansion). */
  readonly column: number;
}

export function formatAcfLocation(location: AcfLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** An access security file that cannot be used: the message names the file, line, column and reason. */
export class AcfError extends Error {
  constructor(
    readonly location: AcfLocation | { readonly file: string },
    readonly reason: string,
  ) {
    super(`${'line' in location ? formatAcfLocation(location) : location.file}: ${reason}`);
    this.name = 'AcfError';
  }
}

/** Something accepted that does not act as it would in an IOC, or that looks like a slip. */
export interface AcfWarning {
  readonly location: AcfLocation;
  readonly message: string;
}

/** asAccessRights, in increasing order: WRITE implies READ. */
export type RuleAccess = 'NONE' | 'READ' | 'WRITE';

/** UAG(name) { user, ... }: user names as clients send them (CLIENT_NAME), compared exactly. */
export interface UserAccessGroup {
  readonly name: string;
  readonly users: readonly string[];
  readonly location: AcfLocation;
}

/** HAG(name) { host, ... }: host names as clients send them (HOST_NAME), or addresses in IP mode. */
export interface HostAccessGroup {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly location: AcfLocation;
}

/** RULE(level, access[, TRAPWRITE]) { UAG(...) HAG(...) CALC("...") }. */
export interface AccessRule {
  /** Applies to fields whose access security level (ASL) is at most this. */
  readonly level: number;
  readonly access: RuleAccess;
  /** Accepted; writes are not trapped (there is no asTrapWrite listener such as caPutLog). */
  readonly trapWrite: boolean;
  /** Names of UAGs, any of which the user must be in; none: any user. */
  readonly uags: readonly string[];
  /** Names of HAGs, any of which the host must be in; none: any host. */
  readonly hags: readonly string[];
  readonly calc: string | undefined;
  readonly location: AcfLocation;
}

/** INPA..INPL(pv): an input of the group's CALC conditions. */
export interface AsgInput {
  /** 0 for INPA ... 11 for INPL. */
  readonly index: number;
  readonly pv: string;
  readonly location: AcfLocation;
}

/** ASG(name) { INP...(pv) RULE(...) ... }. */
export interface AccessSecurityGroup {
  readonly name: string;
  readonly inputs: readonly AsgInput[];
  readonly rules: readonly AccessRule[];
  readonly location: AcfLocation;
}

/** The group records fall into when their ASG names no group of the file. */
export const DEFAULT_ASG = 'DEFAULT';

export interface AccessConfiguration {
  readonly file: string;
  readonly uags: ReadonlyMap<string, UserAccessGroup>;
  readonly hags: ReadonlyMap<string, HostAccessGroup>;
  /** The groups the file declares; DEFAULT only if it does (asLib's implicit DEFAULT has no rules). */
  readonly asgs: ReadonlyMap<string, AccessSecurityGroup>;
  readonly warnings: readonly AcfWarning[];
}
