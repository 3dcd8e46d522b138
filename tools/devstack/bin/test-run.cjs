#!/usr/bin/env node
// `npm test` (through tools/bootstrap.cjs): typecheck, lint, the devstack test profile, every Jest project, then the
// end-to-end suite (tools/e2e: the five services and the simulator as processes, run in band after the rest so it
// has the machine to itself), then a closing line `tests: N passed, N failed, N skipped` (both Jest runs summed)
// that CI reads. Exits non-zero when any step failed.
//
// Env: TRADEBRIDGE_KEEP_STACK=1 leaves the test stack running afterwards; TRADEBRIDGE_INFRA=external|testcontainers
// skips the devstack (see tools/devstack/README.md); TRADEBRIDGE_TEST_TIMEOUT_MIN caps the Jest run of the projects
// (default 60) and TRADEBRIDGE_E2E_TIMEOUT_MIN the end-to-end run (default 20), so the whole stays inside CI's 90 min.
// The fault suite (`npm run test:faults`) is the third step when the time left of the CI budget
// (TRADEBRIDGE_CI_BUDGET_MIN, default 90) covers it, and is counted in the closing line too; TRADEBRIDGE_FAULTS=0
// leaves it out.
// Extra arguments are passed to the first Jest run (e.g. `npm test -- libs/messaging`); with them the end-to-end
// step is left out (it is said so), since they pick a subset.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const stack = require('../lib/stack.cjs');
const { repoRoot, getProfile, profilePaths } = require('../lib/profiles.cjs');

process.removeAllListeners('warning'); // see devstack.cjs: kafkajs' TimeoutNegativeWarning on Node 24
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.error(`${w.name}: ${w.message}`);
});

// Minutes the fault suite (500 accounts) needs at least for it to start: a passing run takes 6-10 min on the 2-core
// development machine (fleet included); a failing case may wait out its deadlines. The step is stopped when CI's
// budget runs out in any case.
const FAULTS_NEED_MIN = 30;
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);
const say = (msg) => console.log(`\n[test] ${msg}`);

/** Runs a command in the repo root with inherited output; resolves to its exit code (killed after `timeoutMs`). */
function run(command, args, { env = process.env, timeoutMs } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env, detached: true });
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        console.error(`[test] ${path.basename(command)} still running after ${Math.round(timeoutMs / 60000)} min: stopping it`);
        try {
          process.kill(-child.pid, 'SIGTERM');
          setTimeout(() => {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, 15_000).unref();
        } catch {
          /* gone */
        }
      }, timeoutMs);
    }
    child.on('error', (err) => {
      console.error(`[test] could not run ${command}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

/** Minutes left of the CI budget (TRADEBRIDGE_CI_BUDGET_MIN, default 90), keeping 10 for install, stack stop and CI. */
function budgetLeftMin(t0) {
  return Number(process.env.TRADEBRIDGE_CI_BUDGET_MIN || 90) - 10 - (Date.now() - t0) / 60_000;
}

/** Whether the fault suite fits in what is left (it needs TRADEBRIDGE_FAULTS_NEED_MIN, default FAULTS_NEED_MIN). */
function fitsFaults(t0) {
  const need = Number(process.env.TRADEBRIDGE_FAULTS_NEED_MIN || FAULTS_NEED_MIN);
  const left = budgetLeftMin(t0);
  if (left >= need) return true;
  say(`jest fault suite left out: ${left.toFixed(0)} min left of the CI budget, it needs ${need} (TRADEBRIDGE_FAULTS_NEED_MIN)`);
  return false;
}

async function main() {
  const jestArgs = process.argv.slice(2);
  const failures = [];
  const t0 = Date.now();

  // The JVMs take ~30-60 s to start on a busy 2-core machine: start them while typecheck and lint run, keeping
  // their log lines until the stack is awaited so the outputs do not interleave.
  const mode = process.env.TRADEBRIDGE_INFRA || 'process';
  const ranBefore = mode === 'process' ? stack.ownedServices('test') : [];
  const stackLog = [];
  const stackStart = Date.now();
  const stackUp = mode === 'process' ? stack.up('test', { log: (line) => stackLog.push(`[devstack] ${line}`) }).then((r) => ({ r }), (err) => ({ err })) : undefined;

  let t = Date.now();
  say('typecheck (tsc -b tsconfig.build.json && tsc -p tsconfig.spec.json)');
  if ((await run('npm', ['run', '-s', 'typecheck'])) !== 0) failures.push('typecheck');
  say(`typecheck ${failures.includes('typecheck') ? 'FAILED' : 'ok'} in ${seconds(t)}`);

  t = Date.now();
  say('lint (eslint .)');
  if ((await run(bin('eslint'), ['.'])) !== 0) failures.push('lint');
  say(`lint ${failures.includes('lint') ? 'FAILED' : 'ok'} in ${seconds(t)}`);

  const env = { ...process.env };
  let stackOk = true;
  let startedHere = false;
  if (mode === 'process') {
    say('test stack (Kafka 127.0.0.1:19092, registry :18081, PostgreSQL), started in the background');
    const { r, err } = await stackUp;
    for (const line of stackLog) console.log(line);
    if (r) {
      startedHere = r.started.length > 0 && ranBefore.length === 0;
      Object.assign(env, stack.envFor('test'), { TRADEBRIDGE_DEVSTACK_READY: 'process' });
      say(`test stack ready ${seconds(stackStart)} after the start (${r.started.length ? `started ${r.started.join(', ')}` : 'already running'})`);
    } else {
      stackOk = false;
      failures.push('stack');
      console.error(`[devstack] ${err.message}`);
      env.TRADEBRIDGE_DEVSTACK_READY = 'process'; // let the unit tests run; integration tests fail on their own
      say('the test stack did not come up: integration tests will fail');
    }
  } else {
    say(`TRADEBRIDGE_INFRA=${mode}: the Jest global setup provides the infrastructure`);
  }

  const resultsFile = path.join(profilePaths(getProfile('test')).dir, 'jest-results.json');
  const e2eResultsFile = path.join(profilePaths(getProfile('test')).dir, 'jest-e2e-results.json');
  const faultsResultsFile = path.join(profilePaths(getProfile('test')).dir, 'jest-faults-results.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  fs.rmSync(e2eResultsFile, { force: true });
  fs.rmSync(faultsResultsFile, { force: true });
  t = Date.now();
  say(`jest (all projects but tools/e2e, maxWorkers 2)${stackOk ? '' : ' without a working stack'}`);
  const timeoutMin = Number(process.env.TRADEBRIDGE_TEST_TIMEOUT_MIN || 60);
  const jestCode = await run(
    bin('jest'),
    [
      '-c', path.join(repoRoot, 'jest.config.js'),
      '--maxWorkers=2',
      // Jest 29 ignores `testTimeout` inside project configs (jest.preset.js), so the whole-workspace run sets it here.
      '--testTimeout=60000',
      '--json', `--outputFile=${resultsFile}`,
      '--forceExit', // a leaked handle in one suite must not hang CI
      ...(process.env.CI ? ['--ci'] : []),
      ...jestArgs,
    ],
    { env, timeoutMs: timeoutMin * 60_000 },
  );
  if (jestCode !== 0) failures.push('jest');
  say(`jest ${jestCode === 0 ? 'ok' : `FAILED (exit ${jestCode})`} in ${seconds(t)}`);

  // The end-to-end suite starts six processes of its own: alone, in band, after everything else.
  const e2eRan = jestArgs.length === 0;
  if (e2eRan) {
    t = Date.now();
    say('jest end to end (tools/e2e: five services and the simulator as processes, in band)');
    const e2eTimeoutMin = Number(process.env.TRADEBRIDGE_E2E_TIMEOUT_MIN || 20);
    const e2eCode = await run(
      bin('jest'),
      [
        '-c', path.join(repoRoot, 'tools/e2e/jest.config.js'),
        '--runInBand',
        '--json', `--outputFile=${e2eResultsFile}`,
        '--forceExit',
        ...(process.env.CI ? ['--ci'] : []),
      ],
      { env, timeoutMs: e2eTimeoutMin * 60_000 },
    );
    if (e2eCode !== 0) failures.push('e2e');
    say(`jest end to end ${e2eCode === 0 ? 'ok' : `FAILED (exit ${e2eCode})`} in ${seconds(t)}`);
  } else {
    say(`jest end to end left out: Jest arguments were given (${jestArgs.join(' ')}); \`npm run test:e2e\` runs it`);
  }

  // The fault suite (tools/e2e faults: 500 accounts, SIGKILLs, a broker restart, lost responses...): last, unless
  // TRADEBRIDGE_FAULTS=0, and only when what is left of the CI budget covers it.
  const faultsRan = e2eRan && process.env.TRADEBRIDGE_FAULTS !== '0' && fitsFaults(t0);
  if (faultsRan) {
    t = Date.now();
    const leftMin = budgetLeftMin(t0);
    say(`jest fault suite (tools/e2e faults, ${process.env.FAULT_ACCOUNTS || 500} accounts, in band; stopped after ${leftMin.toFixed(0)} min)`);
    const faultsCode = await run(
      bin('jest'),
      ['-c', path.join(repoRoot, 'tools/e2e/jest.config.js'), '--runInBand', '--json', `--outputFile=${faultsResultsFile}`, '--forceExit', ...(process.env.CI ? ['--ci'] : [])],
      {
        // The Kafka restart case stops the test profile's broker: only when this run started it (nobody shares it).
        env: { ...env, TRADEBRIDGE_E2E_FAULTS: '1', FAULTS_RESTART_KAFKA: startedHere ? (process.env.FAULTS_RESTART_KAFKA ?? '1') : '0' },
        timeoutMs: leftMin * 60_000,
      },
    );
    if (faultsCode !== 0) failures.push('faults');
    say(`jest fault suite ${faultsCode === 0 ? 'ok' : `FAILED (exit ${faultsCode})`} in ${seconds(t)}`);
  }

  // Stop the stack only when this run started it: other runs (developers, other checkouts' Jest) may share it.
  // A stack that failed to come up is stopped too, unless something of it ran before.
  if (mode === 'process') {
    if (ranBefore.length > 0 || (stackOk && !startedHere)) say('leaving the test stack running (it was running before this run)');
    else if (process.env.TRADEBRIDGE_KEEP_STACK === '1') say('leaving the test stack running (TRADEBRIDGE_KEEP_STACK=1)');
    else {
      say('stopping the test stack (TRADEBRIDGE_KEEP_STACK=1 keeps it)');
      await stack.down('test', { log: (line) => console.log(`[devstack] ${line}`) }).catch((err) => console.error(`[devstack] ${err.message}`));
    }
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const counted = [[resultsFile, 'jest'], ...(e2eRan ? [[e2eResultsFile, 'e2e']] : []), ...(faultsRan ? [[faultsResultsFile, 'faults']] : [])];
  for (const [file, step] of counted) {
    try {
      const r = JSON.parse(fs.readFileSync(file, 'utf8'));
      passed += r.numPassedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
      // A suite that cannot even load has no failed tests of its own; count it as one failure so it is never hidden.
      let f = r.numFailedTests + r.numRuntimeErrorTestSuites;
      if (!r.success && f === 0 && failures.includes(step)) f = 1;
      failed += f;
    } catch (err) {
      console.error(`[test] no Jest results in ${file} (${err.message})`);
      failed += 1;
    }
  }
  say(`done in ${seconds(t0)}${failures.length ? `; failed steps: ${failures.join(', ')}` : ''}`);
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  },
);
