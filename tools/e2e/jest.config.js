// The end-to-end suite: the whole platform as separate processes (src/*.e2e.int.spec.ts). The heavy fault cases
// (src/*.faults.int.spec.ts) run only in `npm run test:faults` (TRADEBRIDGE_E2E_FAULTS=1).
const base = require('../../jest.preset.js')(__dirname);

const faults = process.env.TRADEBRIDGE_E2E_FAULTS === '1';
module.exports = {
  ...base,
  testMatch: faults ? ['<rootDir>/src/**/*.faults.int.spec.ts'] : base.testMatch,
  testPathIgnorePatterns: faults ? base.testPathIgnorePatterns : [...base.testPathIgnorePatterns, '\\.faults\\.int\\.spec\\.ts$'],
  testTimeout: 600_000,
};
