// Lets plain `node` run the sync service's TypeScript sources (CLI, benchmark, crash-test child processes):
// .ts files are compiled on load with @swc/core, as Jest does, and @tradebridge/* libraries resolve to their
// sources, so nothing needs a prior build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..');
const LIBS = /^@tradebridge\/(contracts|messaging|persistence|observability|bridge)$/;
const TOOLS = /^@tradebridge\/(devstack|mt-sim)$/;

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveTradebridge(request, ...rest) {
  const lib = LIBS.exec(request);
  if (lib) return resolve.call(this, path.join(root, 'libs', lib[1], 'src', 'index.ts'), ...rest);
  const tool = TOOLS.exec(request);
  if (tool) return resolve.call(this, path.join(root, 'tools', tool[1], 'src', 'index.ts'), ...rest);
  return resolve.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
