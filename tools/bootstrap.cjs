#!/usr/bin/env node
// Entry point of `npm start` and `npm test` on a fresh clone. It runs under whatever Node the machine has,
// installs the workspace when node_modules is missing or older than package-lock.json, then hands over to
// the real script through `npm run`, which puts the project's pinned Node 24 (npm package `node`) on PATH.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stage = process.argv[2];
const stages = { start: 'start:run', test: 'test:run' };
if (!stages[stage]) {
  console.error(`usage: node tools/bootstrap.cjs <${Object.keys(stages).join('|')}> [args...]`);
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const lockFile = path.join(root, 'package-lock.json');
const stampFile = path.join(root, 'node_modules', '.tradebridge-install-stamp');

function lockHash() {
  const h = crypto.createHash('sha256');
  h.update(fs.readFileSync(path.join(root, 'package.json')));
  if (fs.existsSync(lockFile)) h.update(fs.readFileSync(lockFile));
  return h.digest('hex');
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const wanted = lockHash();
const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
if (have !== wanted) {
  console.log('[tradebridge] installing dependencies (package-lock.json changed or node_modules missing)...');
  let status;
  if (fs.existsSync(lockFile)) {
    // `npm ci` refuses a lock file that lacks optional platform packages the registry does not serve (for example
    // @swc/core-darwin-arm64 of a release whose macOS builds were not published); `npm install` skips those.
    // Its output is shown only when it is not that refusal, which it reports at once, before installing anything.
    const ci = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (ci.error) throw ci.error;
    status = ci.status ?? 1;
    const output = `${ci.stdout}${ci.stderr}`;
    if (status !== 0 && /EUSAGE|in sync/.test(output)) {
      console.log('[tradebridge] `npm ci` rejects package-lock.json (optional packages the registry does not serve); using `npm install`...');
    } else {
      process.stdout.write(output);
      if (status !== 0) console.log('[tradebridge] `npm ci` failed; retrying with `npm install`...');
    }
    if (status !== 0) status = run(npm, ['install', '--no-audit', '--no-fund']);
  } else {
    status = run(npm, ['install', '--no-audit', '--no-fund']);
  }
  if (status !== 0) {
    console.error('[tradebridge] dependency installation failed; see the npm output above.');
    process.exit(status);
  }
  fs.writeFileSync(stampFile, wanted + '\n');
} else {
  console.log('[tradebridge] dependencies are up to date.');
}

process.exit(run(npm, ['run', '--silent', stages[stage], '--', ...process.argv.slice(3)]));
