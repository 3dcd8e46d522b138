import { createLogger } from '@tradebridge/observability';
import { createDb } from '@tradebridge/persistence';
import { AUDIT_SCHEMA, type AuditDb } from '../adapters/postgres/audit.table';
import { verifyChain } from '../application/verify-chain/verify-chain';
import { ConfigError, loadConfig } from '../config';

/**
 * npm run -w @tradebridge/audit-service verify-chain: recomputes the hash chain of audit.events (DATABASE_URL) and
 * names the first broken row. Exit code 0 when intact, 2 when broken, 1 on any other failure.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ serviceName: 'audit-verify-chain', level: config.logLevel });
  const db = createDb<AuditDb>({ url: config.databaseUrl, schema: AUDIT_SCHEMA, poolSize: 2, applicationName: 'audit-verify-chain' });
  try {
    const started = Date.now();
    const result = await verifyChain(db);
    const ms = Date.now() - started;
    process.stdout.write(`${JSON.stringify({ ...result, ms })}\n`);
    if (result.ok) {
      process.stderr.write(`chain intact: ${result.rowsChecked} rows checked, last seq ${result.lastSeq} (${ms} ms)\n`);
      return 0;
    }
    const b = result.firstBroken;
    process.stderr.write(
      `chain BROKEN at seq ${b.seq} (event ${b.eventId ?? '-'}, ${b.topic}[${b.partition}]@${b.kafkaOffset}): ${b.reason}: ${b.detail}\n`,
    );
    logger.error({ firstBroken: b }, 'audit chain broken');
    return 2;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
