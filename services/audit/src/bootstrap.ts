import 'reflect-metadata';
import { runService, type Telemetry } from '@tradebridge/observability';
import { loadConfig } from './config';
import { startAuditService } from './service';

/** Boots the audit service from the environment (see runService: exit 78 on bad configuration, graceful stop). */
export async function bootstrap(telemetry: Telemetry): Promise<void> {
  await runService({
    name: 'audit',
    telemetry,
    loadConfig,
    start: (config) => startAuditService({ config, telemetry }),
  });
}
