import { Controller, Get, Inject, Module, Param, Post, Req, Res, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import type { Answer, OperatorApi, OperatorRequest } from '../../application/operator/operator-api';

export const OPERATOR_API = Symbol('OPERATOR_API');

/** The parts of Fastify's request and reply used here (structural: the Fastify version is Nest's choice). */
interface FastifyRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly query?: unknown;
  readonly body?: unknown;
}
interface FastifyReply {
  status(code: number): FastifyReply;
  header(name: string, value: string): FastifyReply;
  send(payload: string): unknown;
}

function toRequest(req: FastifyRequest): OperatorRequest {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    authorization: header('authorization'),
    operatorId: header('x-operator-id'),
    query: (req.query ?? {}) as Record<string, string | undefined>,
    body: req.body ?? null,
  };
}

function send(reply: FastifyReply, answer: Answer): void {
  void reply
    .status(answer.status)
    .header('content-type', answer.status >= 400 ? 'application/problem+json' : 'application/json')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(answer.body));
}

/** Operator endpoints over the OperatorApi (bearer token + x-operator-id). */
@Controller('v1/operator')
export class OperatorController {
  constructor(@Inject(OPERATOR_API) private readonly api: OperatorApi) {}

  @Get('intents')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.list(toRequest(req)));
  }

  @Get('intents/:intentId')
  async get(@Param('intentId') intentId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.get(intentId, toRequest(req)));
  }

  @Post('intents/:intentId/retry')
  async retry(@Param('intentId') intentId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.retry(intentId, toRequest(req)));
  }

  @Post('intents/:intentId/abandon')
  async abandon(@Param('intentId') intentId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.abandon(intentId, toRequest(req)));
  }

  @Post('accounts/:accountId/unflag')
  async unflag(@Param('accountId') accountId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.unflag(accountId, toRequest(req)));
  }
}

/** Runs the service's drain when Nest shuts down (SIGTERM): in-flight intents finish and commit before the process exits. */
class DrainOnShutdown implements BeforeApplicationShutdown {
  constructor(private readonly drain: () => Promise<void>) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }
}

@Module({})
export class OperatorModule {
  static forRoot(api: OperatorApi, drain: () => Promise<void>): DynamicModule {
    return {
      module: OperatorModule,
      controllers: [OperatorController],
      providers: [
        { provide: OPERATOR_API, useValue: api },
        { provide: DrainOnShutdown, useValue: new DrainOnShutdown(drain) },
      ],
    };
  }
}
