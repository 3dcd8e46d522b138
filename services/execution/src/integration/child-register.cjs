// Lets the execution service run from its TypeScript sources in a plain `node` child process (the SIGKILL test):
// .ts files compile on load with @swc/core (as under Jest), and @tradebridge/* resolve to the workspace sources.
'use strict';
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '..', '..', '..', '..');
require(path.join(root, 'libs/messaging/src/test-support/register-ts.cjs'));

const LIBS = new Set(['contracts', 'messaging', 'persistence', 'observability', 'bridge']);
const TOOLS = new Set(['devstack', 'mt-sim']);
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveTradebridge(request, parent, ...rest) {
  const match = /^@tradebridge\/([a-z-]+)$/.exec(request);
  if (match && LIBS.has(match[1])) return path.join(root, 'libs', match[1], 'src', 'index.ts');
  if (match && TOOLS.has(match[1])) return path.join(root, 'tools', match[1], 'src', 'index.ts');
  return resolve.call(this, request, parent, ...rest);
};
