// The one set of SWC options for TypeScript in this workspace: Jest (jest.preset.js) and plain `node -r`
// (tools/register-ts.cjs) compile alike, with legacy decorators and their metadata for NestJS.
'use strict';
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
