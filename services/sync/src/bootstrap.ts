import 'reflect-metadata';
import { runService, type Telemetry } from '@tradebridge/observability';
import { loadConfig } from './config';
import { startSyncService } from './service';

/** Boots the sync service from the environment (see runService: exit 78 on bad configuration, graceful stop). */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  await runService({
    name: 'sync',
    telemetry,
    loadConfig,
    start: (config) => startSyncService({ config, telemetry }),
    // Nest's shutdown hooks own SIGTERM/SIGINT here: they drain in-flight work and commit before the app closes.
    handleSignals: false,
  });
}
