import path from 'node:path';
import { ensureDatabase } from '../ensure-database';
import { migrateSchema, type MigrateSchemaOptions, type MigrationReport } from './run-migrations';

/**
 * Returns a service's migrations directory given the directory of its main module.
 *
 * One expression serves both worlds because services compile with rootDir ".": at runtime main.js sits in
 * services/<name>/dist/src and the compiled migrations in services/<name>/dist/migrations; under Jest
 * main.ts sits in services/<name>/src next to services/<name>/migrations. Call it as
 * `serviceMigrationsDir(__dirname)` from src/main.ts.
 */
export function serviceMigrationsDir(mainModuleDir: string): string {
  return path.resolve(mainModuleDir, '..', 'migrations');
}

/** Options for {@link migrateService}. */
export interface MigrateServiceOptions extends MigrateSchemaOptions {
  /** Create the database first if it is missing (default true). */
  readonly createDatabase?: boolean;
}

/**
 * What a service calls on start, before it consumes or serves anything: creates the database if missing
 * and brings the service's schema up to date, waiting for a replica that is already migrating.
 */
export async function migrateService(options: MigrateServiceOptions): Promise<MigrationReport> {
  if (options.createDatabase ?? true) {
    if (await ensureDatabase(options.url)) options.log?.(`created database ${new URL(options.url).pathname.slice(1)}`);
  }
  return migrateSchema(options);
}
