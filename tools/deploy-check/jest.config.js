// Static checks only: no Kafka, registry or PostgreSQL needed, so the devstack global setup is not used.
// kubernetes-models ships ES modules with "import"-only exports: they resolve with the import condition and SWC turns them
// into CommonJS for Jest.
const path = require('node:path');
const preset = require('../../jest.preset.js')(__dirname);

const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  ...preset,
  globalSetup: undefined,
  globalTeardown: undefined,
  resolver: path.join(__dirname, 'jest/esm-resolver.cjs'),
  transform: { ...preset.transform, '^.+\\.m?js$': swcJs },
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex|smtp-address-parser)/)'],
};
