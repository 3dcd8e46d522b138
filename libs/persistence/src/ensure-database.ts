import { Client } from 'pg';
import { assertIdentifier } from './create-db';
import { PG_DUPLICATE_DATABASE, PG_INVALID_CATALOG_NAME, PG_UNIQUE_VIOLATION, pgErrorCode } from './errors';

/** The development database, used when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tradebridge';

/**
 * Creates the database named in `url` if it does not exist yet (through the server's `postgres` maintenance
 * database). Safe to call from several processes at once.
 *
 * @returns true when this call created the database.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL names no database: ${redactUrl(url)}`);
  assertIdentifier(name, 'database name');

  // The common case, and the only one open to a user without access to the maintenance database: it exists.
  const probe = new Client({ connectionString: url, application_name: 'tradebridge-ensure-database' });
  try {
    await probe.connect();
    return false;
  } catch (err) {
    if (pgErrorCode(err) !== PG_INVALID_CATALOG_NAME) throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }

  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), application_name: 'tradebridge-ensure-database' });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
    return true;
  } catch (err) {
    // Another process won the race: the database exists, which is all we wanted.
    const code = pgErrorCode(err);
    if (code === PG_DUPLICATE_DATABASE || code === PG_UNIQUE_VIOLATION) return false;
    throw err;
  } finally {
    await client.end();
  }
}

/** Returns the URL with any password replaced, for error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
