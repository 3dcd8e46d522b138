'use strict';
// PostgreSQL: the machine's server (127.0.0.1:5432, or DATABASE_URL) is used as is; devstack only creates the
// profile's databases when they are missing.
const { DevstackError } = require('./artifacts.cjs');

/** The same server as `databaseUrl`, but database `database` (defaults to the `postgres` maintenance database). */
function withDatabase(databaseUrl, database = 'postgres') {
  const u = new URL(databaseUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

function databaseName(databaseUrl) {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/** Redacts the password of a connection URL for messages. */
function redact(databaseUrl) {
  try {
    const u = new URL(databaseUrl);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

async function withClient(url, fn, { connectionTimeoutMillis = 3000 } = {}) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Quotes an SQL identifier after checking it is a plain name (database names come from config and prefixes). */
function quoteIdent(name) {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new DevstackError(`invalid database name "${name}": use letters, digits and _`);
  return `"${name}"`;
}

/** Creates database `name` on the server of `adminUrl` unless it exists; safe when several processes race. */
async function createDatabaseIfMissing(adminUrl, name) {
  return withClient(adminUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount > 0) return false;
    try {
      await client.query(`create database ${quoteIdent(name)}`);
      return true;
    } catch (err) {
      if (err.code === '42P04' || err.code === '23505') return false; // created meanwhile by a concurrent `up`
      throw err;
    }
  });
}

/**
 * Waits until the server answers `select 1`, then makes sure every database in `databases` exists.
 * Throws a DevstackError naming the URL (password redacted) when the server cannot be reached.
 */
async function ensurePostgres(databaseUrl, databases, { timeoutMs = 15_000 } = {}) {
  const adminUrl = withDatabase(databaseUrl);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withClient(adminUrl, (c) => c.query('select 1'));
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new DevstackError(
          `PostgreSQL is not reachable at ${redact(adminUrl)} (${err.code ?? err.message}). Start PostgreSQL 15+ there ` +
            '(trust auth for user postgres) or set DATABASE_URL to a server you can use.',
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const created = [];
  for (const name of databases) if (await createDatabaseIfMissing(adminUrl, name)) created.push(name);
  await withClient(withDatabase(databaseUrl, databases[0]), (c) => c.query('select 1'));
  return { created };
}

/** True when `select 1` succeeds on `databaseUrl`. */
async function postgresAnswers(databaseUrl) {
  try {
    await withClient(databaseUrl, (c) => c.query('select 1'), { connectionTimeoutMillis: 2000 });
    return true;
  } catch {
    return false;
  }
}

module.exports = { ensurePostgres, postgresAnswers, createDatabaseIfMissing, withDatabase, databaseName, quoteIdent, redact, withClient };
