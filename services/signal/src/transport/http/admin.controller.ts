import { Controller, Get, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminApi } from './admin';
import { send, toIngestRequest } from './fastify-request';
import { SIGNAL_ADMIN } from './tokens';

@Controller('v1/admin/sources')
export class AdminController {
  constructor(@Inject(SIGNAL_ADMIN) private readonly admin: AdminApi) {}

  @Post()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.admin.createSource(toIngestRequest(req)));
  }

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.admin.list(toIngestRequest(req)));
  }

  @Patch(':sourceId')
  async setEnabled(@Param('sourceId') sourceId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.admin.setEnabled(sourceId, toIngestRequest(req)));
  }
}
