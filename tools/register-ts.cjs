// Lets plain `node` run the workspace's TypeScript sources without a build (CLIs, benchmarks, child processes
// spawned by integration tests): `node -r ./tools/register-ts.cjs file.ts`. Each .ts file is compiled on load with
// @swc/core, with the same settings Jest uses (decorator metadata for NestJS), and `@tradebridge/<lib>` /
// `@tradebridge/<tool>` resolve to the package's sources instead of its dist/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');
const swcOptions = require('./swc-options.cjs');

const root = path.resolve(__dirname, '..');
const PACKAGES = /^@tradebridge\/(contracts|messaging|persistence|observability|bridge|devstack|mt-sim)$/;
const folderOf = (name) => (name === 'devstack' || name === 'mt-sim' ? 'tools' : 'libs');

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveTradebridge(request, ...rest) {
  const match = PACKAGES.exec(request);
  if (match) return resolve.call(this, path.join(root, folderOf(match[1]), match[1], 'src', 'index.ts'), ...rest);
  return resolve.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};
