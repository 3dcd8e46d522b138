import { trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry';
import { createLogger } from './logger';

describe('log lines inside a span', () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'execution', serviceVersion: '0.0.0', env: {} });
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('carry the active trace and span ids; lines outside any span carry none', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = createLogger({ serviceName: 'execution', destination });

    const ids = trace.getTracer('spec').startActiveSpan('place order', (span) => {
      logger.info('placing');
      span.end();
      return span.spanContext();
    });
    logger.info('idle');

    expect(telemetry.exporting).toBe(false);
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).toMatchObject({ msg: 'placing', trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });
});
