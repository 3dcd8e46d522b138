#!/usr/bin/env node
// Startup benchmark of the local stack: N cycles of `up` + `down` of one profile (default dev, 3 cycles), timing
// each service from launch to ready, the whole `up`, an `up` on the running stack, and `down`.
// Usage: npm run bench:devstack -- [--profile dev|test] [--runs N]
// Writes bench/results/devstack-startup.json. It refuses to touch a stack that is already running.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const stack = require('../lib/stack.cjs');
const { repoRoot, versions } = require('../lib/profiles.cjs');

process.removeAllListeners('warning'); // kafkajs' TimeoutNegativeWarning on Node 24, see bin/devstack.cjs

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const profile = arg('profile', 'dev');
  const runs = Number(arg('runs', '3'));
  if (stack.ownedServices(profile).length > 0) {
    console.error(`the ${profile} stack is running; stop it first (npm run devstack -- down --profile ${profile})`);
    return 2;
  }
  const samples = { kafka: [], registry: [], up: [], upAgain: [], down: [] };
  for (let i = 1; i <= runs; i++) {
    const r = await stack.up(profile, { log: () => undefined });
    if (r.started.length !== 2) throw new Error(`run ${i}: expected to start kafka and registry, started ${r.started.join(', ') || 'nothing'}`);
    samples.kafka.push(r.timings.kafka);
    samples.registry.push(r.timings.registry);
    samples.up.push(r.timings.total);
    const again = await stack.up(profile, { log: () => undefined });
    samples.upAgain.push(again.timings.total);
    const t = Date.now();
    await stack.down(profile, { log: () => undefined });
    samples.down.push(Date.now() - t);
    console.log(`run ${i}/${runs}: up ${r.timings.total} ms (kafka ${r.timings.kafka}, registry ${r.timings.registry}), up again ${again.timings.total} ms, down ${samples.down.at(-1)} ms`);
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, { p50_ms: percentile(v, 50), p99_ms: percentile(v, 99), samples_ms: v }]),
  );
  for (const [k, s] of Object.entries(summary)) console.log(`${k.padEnd(8)} p50 ${(s.p50_ms / 1000).toFixed(1)} s   p99 ${(s.p99_ms / 1000).toFixed(1)} s`);
  console.log(`ratio up/upAgain (cold start vs. no-op) p50: ${(summary.up.p50_ms / summary.upAgain.p50_ms).toFixed(0)}x`);
  const out = path.join(repoRoot, 'bench', 'results', 'devstack-startup.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      { name: 'devstack-startup', profile, runs, versions, cpus: os.cpus().length, loadavg: os.loadavg(), measuredAt: new Date().toISOString(), summary },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${path.relative(repoRoot, out)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
