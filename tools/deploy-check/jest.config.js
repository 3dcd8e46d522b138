// Static checks only: no Kafka, registry or PostgreSQL needed, so the devstack global setup is not used.
const preset = require('../../jest.preset.js')(__dirname);

module.exports = { ...preset, globalSetup: undefined, globalTeardown: undefined };
