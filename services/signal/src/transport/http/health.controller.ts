import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';

/** Nest injection token of the service's health facts. */
export const SIGNAL_HEALTH = Symbol('SIGNAL_HEALTH');

export interface HealthDeps {
  readonly registry: Registry;
  /** Resolves when every dependency is usable; rejects with the reason otherwise. */
  readonly ready: () => Promise<Record<string, 'up' | string>>;
}

/** /healthz (the process answers), /readyz (database, Kafka producer, relay), /metrics (Prometheus). */
@Controller()
export class HealthController {
  constructor(@Inject(SIGNAL_HEALTH) private readonly deps: HealthDeps) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const checks = await this.deps.ready();
    const ready = Object.values(checks).every((c) => c === 'up');
    void reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    void reply.header('content-type', this.deps.registry.contentType).send(await this.deps.registry.metrics());
  }
}
