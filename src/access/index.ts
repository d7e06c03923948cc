// EPICS access security: .acf files (UAG, HAG, ASG and their rules) and the access rights they
// give a client to a field. Below the database, which asks it; no sockets.

export * from './acf';
export type { LineExpander } from './acf-lexer';
export { parseAcf, type ParseAcfOptions } from './acf-parser';
export { AccessRules, type AccessClient, type AccessSecurityLevel, type HostMatching, type Rights } from './access-rules';
export { loadAcfFile, type HostLookup, type LoadAcfOptions, type LoadedAcf } from './acf-file';
