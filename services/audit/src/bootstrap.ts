import 'reflect-metadata';
import { ConfigError, createLogger, type Telemetry } from '@tradebridge/observability';
import { loadConfig, type AuditConfig } from './config';
import { startAuditService, type RunningAuditService } from './service';

/** Loads the configuration, starts the service and stops it cleanly on SIGTERM/SIGINT. */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  let config: AuditConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger({ serviceName: 'audit', level: config.logLevel });
  let service: RunningAuditService;
  try {
    service = await startAuditService({ config, logger, telemetry });
  } catch (error) {
    logger.fatal({ error: error instanceof Error ? error.message : String(error) }, 'audit service failed to start');
    await telemetry.shutdown().catch(() => undefined);
    process.exit(1);
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'audit service stopping');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
