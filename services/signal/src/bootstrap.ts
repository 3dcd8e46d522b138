import 'reflect-metadata';
import { runService, type Telemetry } from '@tradebridge/observability';
import { loadConfig } from './config';
import { startSignalService } from './service';

/** Boots the signal service from the environment (see runService: exit 78 on bad configuration, graceful stop). */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  await runService({
    name: 'signal',
    telemetry,
    loadConfig,
    start: (config) => startSignalService({ config, telemetry }),
  });
}
