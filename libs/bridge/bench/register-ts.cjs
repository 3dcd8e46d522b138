// Lets plain `node` run the bridge benchmark from TypeScript sources: .ts files are compiled on load with
// @swc/core (the transpiler Jest uses), and `@tradebridge/<x>` resolves to the workspace sources, so no build is
// needed first.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const sources = {
  '@tradebridge/mt-sim': path.join(root, 'tools/mt-sim/src/index.ts'),
  '@tradebridge/bridge': path.join(root, 'libs/bridge/src/index.ts'),
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (sources[request]) return sources[request];
  try {
    return resolve.call(this, request, parent, ...rest);
  } catch (error) {
    // Extension-less relative imports inside TypeScript sources.
    if (parent && parent.filename && parent.filename.endsWith('.ts') && request.startsWith('.')) {
      for (const candidate of [`${request}.ts`, path.join(request, 'index.ts')]) {
        const full = path.resolve(path.dirname(parent.filename), candidate);
        if (fs.existsSync(full)) return full;
      }
    }
    throw error;
  }
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
