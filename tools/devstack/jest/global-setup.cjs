// Jest global setup for every project of the workspace (wired in /work/main/jest.preset.js).
// TRADEBRIDGE_INFRA selects where the infrastructure comes from:
//   (unset) or "process"  start/reuse the devstack test profile (real Kafka + Apicurio JVMs, local PostgreSQL)
//   "external"            use KAFKA_BROKERS / SCHEMA_REGISTRY_URL / DATABASE_URL exactly as given
//   "testcontainers"      start Kafka, Apicurio and PostgreSQL in containers (needs a Docker engine)
// The resulting endpoints are exported as env vars, which Jest's workers inherit.
'use strict';

// kafkajs 2.2.4 passes a negative delay to setTimeout on Node 24; keep that one warning out of test output.
function quietTimeoutWarning() {
  if (globalThis.__tradebridgeQuietWarnings) return;
  globalThis.__tradebridgeQuietWarnings = true;
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'TimeoutNegativeWarning') return;
    for (const l of listeners) l(w);
  });
}

module.exports = async function globalSetup() {
  const mode = process.env.TRADEBRIDGE_INFRA || 'process';
  if (mode === 'external') return;
  // Every project of a multi-project run calls this; the first call does the work.
  if (process.env.TRADEBRIDGE_DEVSTACK_READY === mode) return;
  quietTimeoutWarning();
  if (mode === 'testcontainers') {
    const env = await require('./testcontainers.cjs').start();
    Object.assign(process.env, env);
  } else if (mode === 'process') {
    const stack = require('../lib/stack.cjs');
    const result = await stack.up('test', { log: (line) => process.stderr.write(`[devstack] ${line}\n`) });
    if (result.started.length > 0) process.stderr.write(`[devstack] test stack ready in ${(result.timings.total / 1000).toFixed(1)} s\n`);
    Object.assign(process.env, stack.envFor('test'));
  } else {
    throw new Error(`TRADEBRIDGE_INFRA="${mode}" is not one of: process (default), external, testcontainers`);
  }
  process.env.TRADEBRIDGE_DEVSTACK_READY = mode;
};
