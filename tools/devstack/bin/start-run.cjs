#!/usr/bin/env node
// `npm start` (through tools/bootstrap.cjs): brings the dev stack up, runs the database migrations when the
// workspace has a `migrate` script, then hands over to the demo (see DEMO HOOK below) or prints what runs.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const stack = require('../lib/stack.cjs');
const { repoRoot } = require('../lib/profiles.cjs');
const { redact } = require('../lib/postgres.cjs');

process.removeAllListeners('warning'); // see devstack.cjs: kafkajs' TimeoutNegativeWarning on Node 24
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.error(`${w.name}: ${w.message}`);
});

const say = (msg) => console.log(`[start] ${msg}`);

function run(script, env, args = []) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], { cwd: repoRoot, stdio: 'inherit', env });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main() {
  const scripts = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts ?? {};
  const r = await stack.up('dev', { log: (line) => console.log(`[devstack] ${line}`) });
  const env = { ...process.env, ...stack.envFor('dev') };

  if (scripts.migrate) {
    say('running database migrations (npm run migrate)');
    const code = await run('migrate', env);
    if (code !== 0) {
      console.error(`[start] migrations failed (exit ${code}); the stack keeps running: npm run devstack -- down`);
      return code;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // DEMO HOOK: when the workspace defines a root script `demo:run`, `npm start` hands over to it here, with
  // KAFKA_BROKERS / SCHEMA_REGISTRY_URL / DATABASE_URL pointing at the dev stack. That script is where the demo flow
  // belongs: start the services and the MT5 simulator, push a demo signal, print a summary. Arguments after
  // `npm start --` are passed on.
  if (scripts['demo:run']) {
    say('starting the demo (npm run demo:run)');
    // The stack is up and migrated: the demo (tools/e2e) skips those steps when it sees this.
    return run('demo:run', { ...env, TRADEBRIDGE_STACK_READY: 'dev' }, process.argv.slice(2));
  }
  // ---------------------------------------------------------------------------------------------------------------

  say(`the dev stack is running (${r.started.length ? `started ${r.started.join(', ')}` : 'was already running'}):`);
  say(`  Kafka            ${r.endpoints.kafkaBrokers.join(',')}   (KRaft controller on 127.0.0.1:9093)`);
  say(`  Schema registry  ${r.endpoints.schemaRegistryUrl}   (Apicurio UI/API root ${r.endpoints.registryBaseUrl}/apis)`);
  say(`  PostgreSQL       ${redact(r.endpoints.databaseUrl)}   (registry storage: tradebridge_registry)`);
  say('the Tradebridge services (signal, risk, execution, sync, audit) and the demo arrive with later issues;');
  say('until then: `npm run devstack -- status`, `npm run devstack -- logs kafka -f`, `npm run devstack -- down`.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[start] ${err.message}`);
    process.exit(1);
  },
);
