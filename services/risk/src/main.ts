import { startTelemetry } from '@tradebridge/observability';

// OpenTelemetry patches http, pg and kafkajs as they load, so it starts before anything else is imported.
const telemetry = startTelemetry({ serviceName: 'risk', serviceVersion: '0.1.0' });
void import('./bootstrap').then(({ bootstrap }) => bootstrap(telemetry));
