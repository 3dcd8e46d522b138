import 'reflect-metadata';
import { ConfigError, type Telemetry } from '@tradebridge/observability';
import { loadConfig } from './config';
import { startSyncService } from './service';

/**
 * Boots the service from the environment. SIGTERM/SIGINT stop it gracefully: Nest's shutdown hooks close the app,
 * which first stops syncing, saves every account's state and leaves the consumer group (the other replicas take the
 * accounts over), then flushes telemetry.
 */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  try {
    const service = await startSyncService({ config, telemetry });
    process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'sync service ready', url: service.url, instanceId: service.instanceId })}\n`);
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'sync service failed to start', error: error instanceof Error ? error.message : String(error) })}\n`);
    process.exit(1);
  }
}
