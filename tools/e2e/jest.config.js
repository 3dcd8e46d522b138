// The end-to-end suites start the whole platform as separate processes. They are not part of the default `npm test`
// run yet: neither has completed a run on this 2-core machine (see tools/e2e/README.md and issue 10).
//   npm run test:e2e     -> src/*.e2e.int.spec.ts    (TRADEBRIDGE_E2E=1)
//   npm run test:faults  -> src/*.faults.int.spec.ts (TRADEBRIDGE_E2E_FAULTS=1)
const base = require('../../jest.preset.js')(__dirname);

const faults = process.env.TRADEBRIDGE_E2E_FAULTS === '1';
const e2e = process.env.TRADEBRIDGE_E2E === '1';
const ignored = [...base.testPathIgnorePatterns];
if (!faults) ignored.push('\\.faults\\.int\\.spec\\.ts$');
if (!e2e) ignored.push('\\.e2e\\.int\\.spec\\.ts$');
module.exports = {
  ...base,
  testMatch: faults ? ['<rootDir>/src/**/*.faults.int.spec.ts'] : base.testMatch,
  testPathIgnorePatterns: ignored,
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, require('node:path').join(__dirname, 'jest-timeout.cjs')],
};
