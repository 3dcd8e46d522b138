import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { currentTradingStates, setTradingState } from '../../application/trading-state/set-trading-state';
import { FLEET_SCOPE_ID, type TradingScope } from '../../domain';
import { parseBody, tradingStateSchema } from './schemas';
import { RISK_HTTP_DEPS, type RiskHttpDeps } from './tokens';
import { tradingStateView } from './views';

/** The kill switch: fleet, account and source trading states. */
@Controller('v1/trading-states')
export class TradingStateController {
  constructor(@Inject(RISK_HTTP_DEPS) private readonly deps: RiskHttpDeps) {}

  @Get()
  async list() {
    const states = await currentTradingStates(this.deps.db);
    return {
      fleet: tradingStateView(states.fleet, 'FLEET', FLEET_SCOPE_ID),
      accounts: [...states.accounts.entries()].map(([id, s]) => tradingStateView(s, 'ACCOUNT', id)),
      sources: [...states.sources.entries()].map(([id, s]) => tradingStateView(s, 'SOURCE', id)),
    };
  }

  @Put('fleet')
  async fleet(@Body() body: unknown) {
    return this.set('FLEET', FLEET_SCOPE_ID, body);
  }

  @Put('accounts/:accountId')
  async account(@Param('accountId') raw: string, @Body() body: unknown) {
    return this.set('ACCOUNT', parseBody(z.object({ id: z.string().uuid('must be a UUID') }), { id: raw }).id, body);
  }

  @Put('sources/:sourceId')
  async source(@Param('sourceId') raw: string, @Body() body: unknown) {
    return this.set('SOURCE', parseBody(z.object({ id: z.string().min(1).max(128) }), { id: raw }).id, body);
  }

  private async set(scope: TradingScope, scopeId: string, body: unknown) {
    const { state, reason } = parseBody(tradingStateSchema, body);
    const change = await setTradingState(this.deps, { scope, scopeId, state, reason, setBy: 'OPERATOR' });
    return { scope, scopeId, state, changed: change !== undefined, from: change?.from ?? state };
  }
}
