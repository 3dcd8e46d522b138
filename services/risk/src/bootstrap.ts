import 'reflect-metadata';
import { runService, type Telemetry } from '@tradebridge/observability';
import { loadConfig } from './config';
import { startRiskService } from './service';

/** Boots the risk service from the environment (see runService: exit 78 on bad configuration, graceful stop). */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  await runService({ name: 'risk', telemetry, loadConfig, start: (config) => startRiskService({ config }) });
}
