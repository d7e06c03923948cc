/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, sourceMaps: 'inline' }],
  },
  testTimeout: 30000,
  // Two workers even on a 2-core CI machine, where Jest would otherwise run in band: epics-tca
  // leaves a CA repeater thread behind after Context.destroyHard(), which would keep a single
  // in-band process from exiting; a worker that does not exit is ended by Jest instead.
  maxWorkers: 2,
};
