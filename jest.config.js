// Root Jest configuration: every project in the workspace, one run; except tools/e2e, whose suite starts the whole
// platform as processes and runs on its own, in band, as the second step of `npm test` (tools/devstack/bin/test-run.cjs).
const fs = require('node:fs');
const path = require('node:path');

const roots = ['libs', 'services', 'tools'];
const projects = roots.flatMap((root) =>
  fs
    .readdirSync(path.join(__dirname, root), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, root, d.name, 'jest.config.js')))
    .filter((d) => `${root}/${d.name}` !== 'tools/e2e')
    .map((d) => `<rootDir>/${root}/${d.name}`),
);

module.exports = { projects, maxWorkers: 2 };
