#!/usr/bin/env node
// Regenerates libs/contracts/src/generated/* and asyncapi.yaml from proto/*.proto and the topic registry.
// `--check` writes nothing and exits 1 if a committed file differs from what would be generated.
// TypeScript sources are loaded through @swc/core (already a workspace dependency), so no build is needed first.
const fs = require('node:fs');
const path = require('node:path');
require('./ts-hook.cjs');

const { generateAll } = require('../src/codegen/generate.ts');

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');
const stale = [];
for (const [rel, content] of generateAll(root)) {
  const file = path.join(root, rel);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (current === content) continue;
  stale.push(rel);
  if (!check) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
if (check && stale.length > 0) {
  console.error(`out of date (run npm run -w @tradebridge/contracts generate): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(stale.length === 0 ? 'generated files are up to date' : `${check ? 'stale' : 'wrote'}: ${stale.join(', ')}`);
