// The end-to-end suites start the whole platform (five services and the simulator) as separate processes, so they
// always run in band and never beside other suites:
//   npm test             -> second Jest step of tools/devstack/bin/test-run.cjs: src/*.e2e.int.spec.ts
//                           (the root jest.config.js leaves this project out of the first, parallel run)
//   npm run test:e2e     -> the same suite on its own
//   npm run test:faults  -> src/*.faults.int.spec.ts (TRADEBRIDGE_E2E_FAULTS=1; 500 accounts, see README.md)
const base = require('../../jest.preset.js')(__dirname);

const faults = process.env.TRADEBRIDGE_E2E_FAULTS === '1';
module.exports = {
  ...base,
  testMatch: faults ? ['<rootDir>/src/**/*.faults.int.spec.ts'] : ['<rootDir>/src/**/*.e2e.int.spec.ts'],
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, require('node:path').join(__dirname, 'jest-timeout.cjs')],
};
