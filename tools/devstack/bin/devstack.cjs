#!/usr/bin/env node
// Local infrastructure of Tradebridge: real Apache Kafka (KRaft) and Apicurio Registry as plain JVM processes,
// plus the machine's PostgreSQL. Usage: npm run devstack -- <up|down|status|logs|env|reset> [--profile dev|test]
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const stack = require('../lib/stack.cjs');

// kafkajs 2.2.4 passes a negative delay to setTimeout on Node 24; the warning is harmless noise in our output.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.error(`${w.name}: ${w.message}`);
});

const USAGE = `usage: npm run devstack -- <command> [--profile dev|test]

commands:
  up                     start Kafka + Apicurio (and create the databases) unless already running; waits until ready
  down                   stop what \`up\` started (SIGTERM, SIGKILL after 30 s)
  status                 show what runs and whether it answers
  logs [kafka|registry] [-f]   print (or follow with -f) a service's log
  env                    print export lines for KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL
  reset                  down, then delete the profile's Kafka data

options:
  --profile dev|test     dev (default): Kafka 9092, registry 8081, db tradebridge
                         test: Kafka 19092, registry 18081, db tradebridge_test`;

function parse(argv) {
  const opts = { profile: 'dev', follow: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--profile' || a === '-p') opts.profile = argv[++i];
    else if (a.startsWith('--profile=')) opts.profile = a.slice('--profile='.length);
    else if (a === '-f' || a === '--follow') opts.follow = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else opts.positional.push(a);
  }
  return opts;
}

const log = (msg) => console.log(`[devstack] ${msg}`);

async function main() {
  const opts = parse(process.argv.slice(2));
  const [command, ...rest] = opts.positional;
  if (opts.help || !command) {
    console.log(USAGE);
    return command || opts.help ? 0 : 2;
  }
  switch (command) {
    case 'up': {
      const r = await stack.up(opts.profile, { log });
      const what = r.started.length ? `started ${r.started.join(', ')}` : 'already running';
      log(`${r.profile} stack up (${what}) in ${(r.timings.total / 1000).toFixed(1)} s`);
      log(`  Kafka            ${r.endpoints.kafkaBrokers.join(',')}`);
      log(`  Schema registry  ${r.endpoints.schemaRegistryUrl}`);
      log(`  PostgreSQL       ${require('../lib/postgres.cjs').redact(r.endpoints.databaseUrl)}`);
      return 0;
    }
    case 'down': {
      const r = await stack.down(opts.profile, { log });
      if (Object.values(r).every((s) => s === 'not-running')) log(`${opts.profile} stack was not running`);
      else log(`${opts.profile} stack stopped`);
      return 0;
    }
    case 'reset':
      await stack.reset(opts.profile, { log });
      return 0;
    case 'status': {
      const s = await stack.status(opts.profile);
      const line = (name, st, where) =>
        console.log(`${name.padEnd(9)} ${st.ready ? 'ready  ' : 'DOWN   '} ${st.pid ? `pid ${st.pid}`.padEnd(10) : (st.ready ? (name === 'postgres' ? 'server    ' : 'external  ') : '          ')} ${where}`);
      console.log(`profile ${s.profile}`);
      line('kafka', s.kafka, s.kafka.brokers.join(','));
      line('registry', s.registry, s.registry.url);
      line('postgres', s.postgres, s.postgres.url);
      return s.kafka.ready && s.registry.ready && s.postgres.ready ? 0 : 1;
    }
    case 'env': {
      for (const [k, v] of Object.entries(stack.envFor(opts.profile))) console.log(`export ${k}=${v}`);
      return 0;
    }
    case 'logs': {
      const services = rest.length ? rest : ['kafka', 'registry'];
      for (const s of services) if (!['kafka', 'registry'].includes(s)) throw new stack.DevstackError(`unknown service "${s}": kafka or registry`);
      const files = services.map((s) => stack.logFileOf(opts.profile, s)).filter((f) => fs.existsSync(f));
      if (files.length === 0) {
        log(`no logs yet for profile ${opts.profile}`);
        return 1;
      }
      const child = spawn('tail', ['-n', '200', ...(opts.follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
      return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
    }
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[devstack] ${err.name === 'DevstackError' ? '' : 'unexpected error: '}${err.message}`);
    if (err.name !== 'DevstackError' && err.stack) console.error(err.stack);
    process.exit(1);
  },
);
