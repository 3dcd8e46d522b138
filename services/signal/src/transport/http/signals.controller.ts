import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toIngestRequest, send } from './fastify-request';
import type { SignalIngest } from './ingest';
import { SIGNAL_INGEST } from './tokens';

@Controller()
export class SignalsController {
  constructor(@Inject(SIGNAL_INGEST) private readonly ingest: SignalIngest) {}

  @Post('v1/signals')
  async submit(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.ingest.submitApi(toIngestRequest(req)));
  }

  @Get('v1/signals/:id')
  async get(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.ingest.get(id, toIngestRequest(req)));
  }

  @Post('v1/webhooks/tradingview/:sourceId')
  async tradingView(@Param('sourceId') sourceId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.ingest.submitTradingView(sourceId, toIngestRequest(req)));
  }
}
