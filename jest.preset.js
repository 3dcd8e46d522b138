// Shared Jest settings: SWC transpiles TypeScript (with decorator metadata for NestJS), workspace
// libraries resolve to their sources so tests never need a prior build.
const path = require('node:path');

const swc = ['@swc/jest', require('./tools/swc-options.cjs')];

module.exports = (dir) => ({
  displayName: path.relative(__dirname, dir),
  rootDir: dir,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@tradebridge/(contracts|messaging|persistence|observability|bridge)$': path.join(__dirname, 'libs/$1/src'),
    '^@tradebridge/(devstack|mt-sim)$': path.join(__dirname, 'tools/$1/src'),
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/migrations/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFilesAfterEnv: [path.join(__dirname, 'tools/jest-timeout.cjs')],
  // Starts (or reuses) the devstack test profile and exports KAFKA_BROKERS / SCHEMA_REGISTRY_URL / DATABASE_URL;
  // TRADEBRIDGE_INFRA=external skips it, =testcontainers uses containers. See tools/devstack/README.md.
  globalSetup: path.join(__dirname, 'tools/devstack/jest/global-setup.cjs'),
  globalTeardown: path.join(__dirname, 'tools/devstack/jest/global-teardown.cjs'),
});
