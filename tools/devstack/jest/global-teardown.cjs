// Jest global teardown: only the testcontainers mode owns something to stop. The process-mode stack stays up for
// the next run (`npm test` stops it at the end; `npm run devstack -- down --profile test` does it by hand).
'use strict';

module.exports = async function globalTeardown() {
  if (process.env.TRADEBRIDGE_INFRA === 'testcontainers' && process.env.TRADEBRIDGE_DEVSTACK_READY === 'testcontainers') {
    await require('./testcontainers.cjs').stop();
    delete process.env.TRADEBRIDGE_DEVSTACK_READY;
  }
};
