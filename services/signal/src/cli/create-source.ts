import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, migrateService, serviceMigrationsDir } from '@tradebridge/persistence';
import { SIGNAL_SCHEMA, type SignalDb } from '../adapters/postgres/signal.table';
import { createSource } from '../application/sources/source-directory';
import { ConfigError, loadConfig } from '../config';
import { parseSourceInput } from '../transport/http/admin';

const USAGE = `usage: npm run -w @tradebridge/signal-service source:create -- --name <name> [--symbols EURUSD,XAUUSD|*] [--rate-limit <per minute>]

Creates a signal source and prints its API key and TradingView webhook secret. They are shown this once: only
salted hashes are stored. Reads DATABASE_URL (and the other SIGNAL_* settings) from the environment.`;

/** Creates a signal source from the command line (`source:create`). */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, symbols: { type: 'string' }, 'rate-limit': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help || values.name === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 64);
  }
  const input = parseSourceInput({
    name: values.name,
    allowedSymbols: (values.symbols ?? '*').split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    rateLimitPerMinute: values['rate-limit'] === undefined ? 600 : Number(values['rate-limit']),
  });
  if (!input.ok) {
    process.stderr.write(`${input.errors.map((e) => `${e.field}: ${e.message}`).join('\n')}\n`);
    process.exit(64);
  }
  const config = loadConfig();
  await migrateService({ url: config.databaseUrl, schema: SIGNAL_SCHEMA, migrationsDir: serviceMigrationsDir(path.resolve(__dirname, '..')) });
  const db = createDb<SignalDb>({ url: config.databaseUrl, schema: SIGNAL_SCHEMA, poolSize: 1, applicationName: 'signal-source-create' });
  try {
    const created = await createSource(db, input.value);
    process.stdout.write(
      `${JSON.stringify({ ...created, webhookPath: `/v1/webhooks/tradingview/${created.sourceId}`, note: 'store apiKey and webhookSecret now: they are not shown again' }, null, 2)}\n`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `source:create failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});
