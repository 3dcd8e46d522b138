import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { getAccount, getSubscription, listAccounts, listSubscriptions } from '../../adapters/postgres/accounts.repository';
import {
  NotFoundError,
  createAccount,
  createSubscription,
  disableAccount,
  replaceAccount,
  replaceSubscription,
} from '../../application/accounts/manage-accounts';
import { accountSchema, parseBody, subscriptionSchema, subscriptionUpdateSchema } from './schemas';
import { RISK_HTTP_DEPS, type RiskHttpDeps } from './tokens';
import { accountView, subscriptionView } from './views';

const uuid = z.string().uuid('must be a UUID');

function accountId(raw: string): string {
  return parseBody(z.object({ accountId: uuid }), { accountId: raw }).accountId;
}

/** Accounts and their subscriptions. */
@Controller('v1')
export class AccountsController {
  constructor(@Inject(RISK_HTTP_DEPS) private readonly deps: RiskHttpDeps) {}

  @Post('accounts')
  @HttpCode(201)
  async create(@Body() body: unknown) {
    return accountView(await createAccount(this.deps, parseBody(accountSchema, body)));
  }

  @Get('accounts')
  async list(@Query('tenantId') tenantId?: string, @Query('ownerUserId') ownerUserId?: string) {
    const accounts = await listAccounts(this.deps.db, { ...(tenantId ? { tenantId } : {}), ...(ownerUserId ? { ownerUserId } : {}) });
    return { accounts: accounts.map(accountView) };
  }

  @Get('accounts/:accountId')
  async get(@Param('accountId') raw: string) {
    const account = await getAccount(this.deps.db, accountId(raw));
    if (!account) throw new NotFoundError('account', raw);
    return accountView(account);
  }

  @Put('accounts/:accountId')
  async replace(@Param('accountId') raw: string, @Body() body: unknown) {
    return accountView(await replaceAccount(this.deps, accountId(raw), parseBody(accountSchema, body)));
  }

  @Post('accounts/:accountId/disable')
  @HttpCode(200)
  async disable(@Param('accountId') raw: string) {
    return accountView(await disableAccount(this.deps, accountId(raw)));
  }

  @Post('accounts/:accountId/subscriptions')
  @HttpCode(201)
  async subscribe(@Param('accountId') raw: string, @Body() body: unknown) {
    return subscriptionView(await createSubscription(this.deps, accountId(raw), parseBody(subscriptionSchema, body)));
  }

  @Get('accounts/:accountId/subscriptions')
  async subscriptions(@Param('accountId') raw: string) {
    return { subscriptions: (await listSubscriptions(this.deps.db, { accountId: accountId(raw) })).map(subscriptionView) };
  }

  @Get('subscriptions/:subscriptionId')
  async getSubscription(@Param('subscriptionId') raw: string) {
    const id = parseBody(z.object({ subscriptionId: uuid }), { subscriptionId: raw }).subscriptionId;
    const s = await getSubscription(this.deps.db, id);
    if (!s) throw new NotFoundError('subscription', raw);
    return subscriptionView(s);
  }

  @Put('subscriptions/:subscriptionId')
  async replaceSubscription(@Param('subscriptionId') raw: string, @Body() body: unknown) {
    const id = parseBody(z.object({ subscriptionId: uuid }), { subscriptionId: raw }).subscriptionId;
    return subscriptionView(await replaceSubscription(this.deps, id, parseBody(subscriptionUpdateSchema, body)));
  }
}
