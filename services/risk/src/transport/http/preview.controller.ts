import { Body, Controller, Get, HttpCode, Inject, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { queryDecisions, upsertRates, upsertSymbolSpec, DEFAULT_SPEC_ACCOUNT } from '../../adapters/postgres/state.repository';
import { previewSignal } from '../../application/decide-signal/preview-signal';
import type { Signal, SymbolSpec } from '../../domain';
import { fxRatesSchema, parseBody, previewSignalSchema, symbolSpecSchema } from './schemas';
import { RISK_HTTP_DEPS, type RiskHttpDeps } from './tokens';
import { decisionView, previewView } from './views';

/** Turns a validated preview body into a domain signal. */
export function previewToSignal(body: z.output<typeof previewSignalSchema>, now: Date): Signal {
  const { acceptedAt, expiresAt, ...rest } = body;
  return {
    ...rest,
    acceptedAt: acceptedAt ? new Date(acceptedAt) : now,
    ...(expiresAt ? { expiresAt: new Date(expiresAt) } : {}),
  } as Signal;
}

/** The preview, the decision ledger and the reference data sizing needs. */
@Controller('v1')
export class PreviewController {
  constructor(@Inject(RISK_HTTP_DEPS) private readonly deps: RiskHttpDeps) {}

  /** What would happen to this signal on every following account; records and publishes nothing. */
  @Post('preview')
  @HttpCode(200)
  async preview(@Body() body: unknown) {
    const signal = previewToSignal(parseBody(previewSignalSchema, body), this.deps.clock.now());
    return previewView(await previewSignal(this.deps, signal));
  }

  @Get('decisions')
  async decisions(@Query() query: unknown) {
    const q = parseBody(
      z
        .object({
          signalId: z.string().min(1).max(128).optional(),
          accountId: z.string().uuid('must be a UUID').optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.string().regex(/^\d+$/, 'must be a decisionId').optional(),
        })
        .refine((v) => v.signalId !== undefined || v.accountId !== undefined, { message: 'give signalId or accountId', path: ['signalId'] }),
      query,
    );
    const rows = await queryDecisions(this.deps.db, {
      limit: q.limit,
      ...(q.signalId ? { signalId: q.signalId } : {}),
      ...(q.accountId ? { accountId: q.accountId } : {}),
      ...(q.before ? { beforeId: q.before } : {}),
    });
    return { decisions: rows.map(decisionView), next: rows.length === q.limit ? rows[rows.length - 1]!.decision_id : null };
  }

  @Put('symbol-specs')
  async putSpec(@Body() body: unknown) {
    const { accountId, ...spec } = parseBody(symbolSpecSchema, body);
    await upsertSymbolSpec(this.deps.db, accountId ?? DEFAULT_SPEC_ACCOUNT, spec as SymbolSpec);
    return { accountId: accountId ?? DEFAULT_SPEC_ACCOUNT, symbol: spec.symbol };
  }

  @Put('fx-rates')
  async putRates(@Body() body: unknown) {
    const rates = parseBody(fxRatesSchema, body);
    await upsertRates(this.deps.db, rates, this.deps.clock.now());
    return { updated: Object.keys(rates).length };
  }
}
