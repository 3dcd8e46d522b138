import { createLogger } from '@tradebridge/observability';
import { rebuildAuditStore } from '../application/rebuild/rebuild';
import { ConfigError, loadConfig } from '../config';
import { migrateAudit } from '../service';

/**
 * npm run -w @tradebridge/audit-service rebuild -- --yes: drops the audit store and replays it from Kafka (see
 * rebuildAuditStore). The audit service must be stopped first; the command refuses otherwise.
 */
async function main(): Promise<number> {
  if (!process.argv.includes('--yes')) {
    process.stderr.write('rebuild drops the audit schema and replays it from Kafka; stop the audit service, then run it with --yes\n');
    return 64; // EX_USAGE
  }
  const config = loadConfig();
  const logger = createLogger({ serviceName: 'audit-rebuild', level: config.logLevel });
  const report = await rebuildAuditStore({ config, logger, migrate: () => migrateAudit(config, logger) });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.stderr.write(`rebuilt: ${report.rowsBefore ?? 'no'} rows before, ${report.rowsAfter} after, in ${report.ms} ms\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
