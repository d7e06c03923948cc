// Where something in a .db file is, and the error that names such a place.

export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in the line as written (before macro expansion). */
  readonly column: number;
  /** The include statement that brought this file in. */
  readonly includedFrom?: SourceLocation;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** A .db file that cannot be loaded: the message names the file, line and column. */
export class DbFileError extends Error {
  constructor(
    readonly location: SourceLocation,
    readonly reason: string,
  ) {
    super(`${formatLocation(location)}: ${reason}${includeChain(location)}`);
    this.name = 'DbFileError';
  }
}

function includeChain(location: SourceLocation): string {
  let chain = '';
  for (let from = location.includedFrom; from; from = from.includedFrom) chain += `\n  included from ${formatLocation(from)}`;
  return chain;
}
