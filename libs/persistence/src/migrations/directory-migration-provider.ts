import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Migration, MigrationProvider } from 'kysely';

/**
 * A migration file name: an ISO timestamp without colons (minutes, optionally seconds), then a snake_case
 * description, e.g. `2026-11-23T0800_create_execution_orders.ts`. The timestamp prefix makes the
 * lexical order the order of application.
 */
export const MIGRATION_FILE_NAME = /^(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3])[0-5]\d([0-5]\d)?)_([a-z0-9_]+)$/;

const LOADABLE = /\.(ts|js|cjs)$/;
const NOT_A_MIGRATION = /(\.d\.ts|\.spec\.ts|\.spec\.js|\.map)$/;

/**
 * Loads migrations from one directory, whichever form it holds: the `.ts` sources (under Jest, which
 * transforms them) or the compiled `.js` files in a service's dist/migrations (at runtime).
 *
 * The migration's name is the file name without its extension, so a database migrated from sources and one
 * migrated from compiled files record the same names. Every loadable file must follow
 * {@link MIGRATION_FILE_NAME} and export `up`; anything else is an error rather than silently skipped.
 */
export class DirectoryMigrationProvider implements MigrationProvider {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const entries = await readdir(this.directory, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        throw new Error(`migrations directory ${this.directory} does not exist (compiled migrations need \`npm run build\`)`);
      }
      throw err;
    });

    const migrations: Record<string, Migration> = {};
    const origin = new Map<string, string>();
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      if (!LOADABLE.test(entry.name) || NOT_A_MIGRATION.test(entry.name)) continue;

      const name = entry.name.replace(LOADABLE, '');
      if (!MIGRATION_FILE_NAME.test(name)) {
        throw new Error(
          `migration file ${entry.name} in ${this.directory} is not named <ISO timestamp>_<snake_case>, e.g. 2026-11-23T0800_create_orders.ts`,
        );
      }
      const previous = origin.get(name);
      if (previous) {
        throw new Error(`migration ${name} exists twice in ${this.directory} (${previous} and ${entry.name})`);
      }
      origin.set(name, entry.name);

      const file = path.join(this.directory, entry.name);
      const loaded: unknown = await import(file);
      migrations[name] = toMigration(loaded, file);
    }
    return migrations;
  }
}

function toMigration(loaded: unknown, file: string): Migration {
  const candidates = [loaded, (loaded as { default?: unknown } | null)?.default];
  for (const candidate of candidates) {
    if (candidate && typeof (candidate as Migration).up === 'function') {
      const { up, down } = candidate as Migration;
      return down ? { up, down } : { up };
    }
  }
  throw new Error(`migration ${file} does not export an up(db) function`);
}
