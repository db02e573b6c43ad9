/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type errors are caught by `tsc --noEmit` in `npm test`; here we only transpile (fast).
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }],
  },
  setupFiles: ['reflect-metadata'],
  // Fails at once, in one line, when MySQL or Redis is not running (tests/helpers/requiredServices.ts).
  globalSetup: '<rootDir>/tests/helpers/requiredServices.ts',
  // Every suite makes its own database; two workers keep MariaDB and both cores busy without thrashing.
  maxWorkers: 2,
  // Only an upper bound for a test that hangs: every wait inside a test is on an event, and on a
  // loaded machine a suite that seeds both maps or starts a gateway process takes minutes.
  testTimeout: 180_000,
};
