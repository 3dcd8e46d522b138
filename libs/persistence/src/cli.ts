#!/usr/bin/env node
/**
 * Migration command line.
 *
 *   node libs/persistence/dist/cli.js migrate --all
 *   node libs/persistence/dist/cli.js migrate --service execution [--service sync]
 *   node libs/persistence/dist/cli.js status --all --source
 *
 * Options: --url <database url> (default $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/tradebridge);
 * --source to load the TypeScript sources in services/<name>/migrations instead of the compiled
 * services/<name>/dist/migrations (Node 24 strips the types itself, so migrations must stick to erasable
 * syntax: no enums, namespaces or parameter properties); --dir <directory> to run one service from an
 * explicit directory. Each service's schema is named after the service.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATABASE_URL, ensureDatabase, redactUrl } from './ensure-database';
import { migrateSchema, migrationStatus } from './migrations/run-migrations';

interface Target {
  readonly service: string;
  readonly dir: string;
}

interface Args {
  readonly command: 'migrate' | 'status';
  readonly url: string;
  readonly targets: Target[];
}

function usage(problem: string): never {
  throw new UsageError(
    `${problem}\nusage: cli.js <migrate|status> (--all | --service <name>... [--dir <migrations dir>]) [--source] [--url <database url>]`,
  );
}

class UsageError extends Error {}

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).workspaces) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no workspace root (package.json with "workspaces") above ${from}`);
  }
}

function hasMigrationSources(root: string, service: string): boolean {
  const source = path.join(root, 'services', service, 'migrations');
  return existsSync(source) && readdirSync(source).some((f) => f.endsWith('.ts') && !/\.(d|spec)\.ts$/.test(f));
}

function compiledMigrationsDir(root: string, service: string): string {
  const compiled = path.join(root, 'services', service, 'dist', 'migrations');
  if (!hasMigrationSources(root, service)) {
    throw new Error(`service "${service}" has no migrations in ${path.join(root, 'services', service, 'migrations')}`);
  }
  if (!existsSync(compiled)) {
    throw new Error(`service "${service}" has migrations but no compiled ones in ${compiled}: run \`npm run build\` first`);
  }
  return compiled;
}

function sourceMigrationsDir(root: string, service: string): string {
  if (!hasMigrationSources(root, service)) {
    throw new Error(`service "${service}" has no migrations in ${path.join(root, 'services', service, 'migrations')}`);
  }
  return path.join(root, 'services', service, 'migrations');
}

function parseArgs(argv: string[], root: string): Args {
  const [command, ...rest] = argv;
  if (command !== 'migrate' && command !== 'status') usage(`unknown command "${command ?? ''}"`);
  let url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let all = false;
  let dir: string | undefined;
  let source = false;
  const services: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => rest[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--all') all = true;
    else if (flag === '--service') services.push(value());
    else if (flag === '--url') url = value();
    else if (flag === '--dir') dir = path.resolve(value());
    else if (flag === '--source') source = true;
    else usage(`unknown option "${flag}"`);
  }
  if (all === services.length > 0) usage('give either --all or at least one --service');
  if (dir && services.length !== 1) usage('--dir goes with exactly one --service');

  const names = all
    ? readdirSync(path.join(root, 'services')).filter((s) => hasMigrationSources(root, s)).sort()
    : services;
  const targets = names.map((service) => ({
    service,
    dir: dir ?? (source ? sourceMigrationsDir(root, service) : compiledMigrationsDir(root, service)),
  }));
  return { command, url, targets };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), findRepoRoot(__dirname));
  const log = (line: string): void => console.log(line);
  if (args.command === 'status') {
    for (const { service, dir } of args.targets) {
      for (const m of await migrationStatus({ url: args.url, schema: service, migrationsDir: dir })) {
        log(`${service}\t${m.executedAt ? `applied ${m.executedAt.toISOString()}` : 'pending'}\t${m.name}`);
      }
    }
    return;
  }
  if (await ensureDatabase(args.url)) log(`created database ${redactUrl(args.url)}`);
  for (const { service, dir } of args.targets) {
    await migrateSchema({ url: args.url, schema: service, migrationsDir: dir, log });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  });
}
