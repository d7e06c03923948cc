// package.json sits outside the compiled tree, one level above src/ and dist/ alike.
export const PACKAGE_VERSION: string = (require('../package.json') as { version: string }).version;
