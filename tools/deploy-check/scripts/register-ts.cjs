// Lets plain `node` run this tool's TypeScript (the generator): .ts compiled on load with @swc/core, as Jest does,
// and @tradebridge/<lib> resolved to the library's sources, so nothing needs a prior build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..');
const LIBS = /^@tradebridge\/(contracts|messaging|persistence|observability|bridge)$/;

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveTradebridge(request, ...rest) {
  const lib = LIBS.exec(request);
  if (lib) return resolve.call(this, path.join(root, 'libs', lib[1], 'src', 'index.ts'), ...rest);
  return resolve.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
