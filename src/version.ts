// package.json sits outside the compiled tree, one level above src/ and dist/ alike.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an import would pull package.json, outside rootDir, into the compiled tree
export const PACKAGE_VERSION: string = (require('../package.json') as { version: string }).version;
