import 'reflect-metadata';
import { ConfigError, createLogger, type Telemetry } from '@tradebridge/observability';
import { loadConfig, type SignalConfig } from './config';
import { startSignalService } from './service';

/** Loads the configuration, starts the service and stops it cleanly on SIGTERM/SIGINT. */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  let config: SignalConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger({ serviceName: 'signal', level: config.logLevel });
  let service;
  try {
    service = await startSignalService({ config, logger, telemetry });
  } catch (error) {
    logger.fatal({ error: error instanceof Error ? error.message : String(error) }, 'signal service failed to start');
    await telemetry.shutdown().catch(() => undefined);
    process.exit(1);
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'signal service stopping');
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
