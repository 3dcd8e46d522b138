// Root Jest configuration: every project in the workspace, one run.
const fs = require('node:fs');
const path = require('node:path');

const roots = ['libs', 'services', 'tools'];
const projects = roots.flatMap((root) =>
  fs
    .readdirSync(path.join(__dirname, root), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, root, d.name, 'jest.config.js')))
    .map((d) => `<rootDir>/${root}/${d.name}`),
);

module.exports = { projects, maxWorkers: 2 };
