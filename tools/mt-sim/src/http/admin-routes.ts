import type { ServerResponse } from 'node:http';
import { validateAccountInput, validateSpecPatch, AccountInput } from '../domain/account-spec';
import { AccountExistsError, SimAccount, UnknownSymbolError } from '../domain/engine';
import { validateFault } from '../domain/faults';
import type { LedgerEntry, LedgerFilter } from '../domain/ledger';
import { brokerTime, iso } from '../domain/time';
import { FieldError, FieldReader, parseTime, validateTrade } from '../domain/validate';
import { HttpError, sendJson } from './respond';
import type { SimContext } from './server';

/** The admin view of an account: its settings (token included; this is a test tool) and its numbers. */
export function accountView(sim: SimAccount): Record<string, unknown> {
  const { account, faults } = sim;
  return {
    ...account.config,
    ...account.metrics(),
    positions: account.positions.size,
    orders: account.orders.size,
    faults: faults.size,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(errors: FieldError[]): never {
  throw new HttpError('ValidationError', 'Validation failed', errors);
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) invalid([{ parameter: 'body', value: body, message: 'body must be a JSON object' }]);
  return body;
}

function accountOr404(ctx: SimContext, id: string): SimAccount {
  const sim = ctx.engine.get(id);
  if (!sim) throw new HttpError('NotFoundError', `Account ${id} not found`);
  return sim;
}

function clockView(ctx: SimContext): Record<string, unknown> {
  const now = ctx.engine.now;
  return { time: iso(now), brokerTime: brokerTime(now), tick: Math.floor(now / ctx.engine.tickMs), clock: ctx.clock.mode, tickMs: ctx.engine.tickMs };
}

function marketView(ctx: SimContext): Record<string, unknown> {
  const m = ctx.engine.market;
  return {
    ...clockView(ctx),
    symbols: m.symbols().map((symbol) => {
      const q = m.quote(symbol)!;
      return { symbol, bid: q.bid, ask: q.ask, tradeMode: m.spec(symbol)!.tradeMode };
    }),
  };
}

const PATCHABLE = new Set([
  'token',
  'tradeAllowed',
  'investorMode',
  'autoTradingEnabled',
  'leverage',
  'stopOutLevel',
  'marginCallLevel',
  'commissionPerLot',
  'slippagePoints',
  'rateLimitPerSecond',
  'hedgeProhibited',
  'tradeErrorStyle',
  'name',
  'symbols',
]);

/** Serves `/admin/...` (segments after "admin"). */
export async function handleAdmin(
  ctx: SimContext,
  method: string,
  seg: string[],
  query: URLSearchParams | undefined,
  readBody: () => Promise<unknown>,
  res: ServerResponse,
): Promise<void> {
  const { engine, clock } = ctx;
  clock.sync();
  const route = `${method} /${seg.map((s, i) => (i === 1 && seg[0] === 'accounts' ? ':id' : i === 3 && seg[2] === 'faults' ? ':faultId' : i === 2 && seg[1] === 'symbols' ? ':symbol' : s)).join('/')}`;
  switch (route) {
    case 'GET /health':
      return sendJson(res, 200, { status: 'ok', time: iso(engine.now), accounts: engine.accounts.size });

    case 'POST /accounts': {
      const body = requireObject(await readBody());
      const list = Array.isArray(body.accounts) ? (body.accounts as unknown[]) : [body];
      const inputs: AccountInput[] = [];
      const errors: FieldError[] = [];
      list.forEach((raw, i) => {
        const v = validateAccountInput(raw, Array.isArray(body.accounts) ? `accounts[${i}]` : '');
        if (v.ok) inputs.push(v.value);
        else errors.push(...v.errors);
      });
      if (errors.length > 0) invalid(errors);
      const ids = inputs.map((a) => a.id).filter((id): id is string => id !== undefined);
      const taken = ids.find((id, i) => engine.get(id) !== undefined || ids.indexOf(id) !== i);
      if (taken !== undefined) throw new HttpError('ConflictError', `Account ${taken} already exists`);
      try {
        const created = inputs.map((input) => engine.createAccount(input));
        return sendJson(res, 201, { accounts: created.map(accountView) });
      } catch (err) {
        if (err instanceof AccountExistsError) throw new HttpError('ConflictError', err.message);
        if (err instanceof UnknownSymbolError) invalid([{ parameter: 'symbols', value: err.symbol, message: err.message }]);
        throw err;
      }
    }
    case 'GET /accounts':
      return sendJson(res, 200, { accounts: [...engine.accounts.values()].map(accountView) });
    case 'GET /accounts/:id':
      return sendJson(res, 200, accountView(accountOr404(ctx, seg[1]!)));
    case 'DELETE /accounts/:id':
      accountOr404(ctx, seg[1]!);
      engine.deleteAccount(seg[1]!);
      return sendJson(res, 200, { deleted: true });
    case 'PATCH /accounts/:id': {
      const sim = accountOr404(ctx, seg[1]!);
      const body = requireObject(await readBody());
      const extra = Object.keys(body).filter((k) => !PATCHABLE.has(k));
      if (extra.length > 0) invalid(extra.map((k) => ({ parameter: k, value: body[k], message: `${k} cannot be changed after creation` })));
      const v = validateAccountInput(body);
      if (!v.ok) invalid(v.errors);
      const config = sim.account.config;
      if (v.value.symbols) {
        const unknown = Object.keys(v.value.symbols).find((s) => !engine.market.spec(s));
        if (unknown) invalid([{ parameter: `symbols.${unknown}`, value: unknown, message: `unknown symbol ${unknown}` }]);
      }
      sim.account.config = { ...config, ...v.value, symbols: v.value.symbols ?? config.symbols };
      sim.account.invalidateSpecs();
      return sendJson(res, 200, accountView(sim));
    }
    case 'POST /accounts/:id/balance': {
      const sim = accountOr404(ctx, seg[1]!);
      const r = new FieldReader(requireObject(await readBody()));
      const balance = r.number('balance', { min: 0 });
      const amount = r.number('amount');
      const comment = r.string('comment', { maxLength: 64 });
      if (balance === undefined && amount === undefined && r.errors.length === 0) r.fail('balance', undefined, 'balance or amount is required');
      if (r.errors.length > 0) invalid(r.errors);
      const delta = balance !== undefined ? balance - sim.account.balance : amount!;
      if (delta !== 0) sim.account.bookBalance(delta, engine.now, comment ?? (delta > 0 ? 'Deposit' : 'Withdrawal'));
      engine.processAccounts();
      return sendJson(res, 200, accountView(sim));
    }
    case 'POST /accounts/:id/faults': {
      const sim = accountOr404(ctx, seg[1]!);
      const v = validateFault(await readBody());
      if (!v.ok) invalid(v.errors);
      return sendJson(res, 201, { faultId: sim.faults.add(v.value).faultId });
    }
    case 'POST /accounts/:id/trade': {
      // A trade made by hand at the terminal (reasons *_CLIENT), e.g. the position sync must report as unknown.
      const sim = accountOr404(ctx, seg[1]!);
      const body = await readBody();
      const v = validateTrade(body);
      if (!v.ok) invalid(v.errors);
      const result = engine.trade(sim.account, v.value, { origin: 'client' });
      const entry: Omit<LedgerEntry, 'seq'> = {
        accountId: sim.account.config.id,
        source: 'terminal',
        time: iso(engine.now),
        wallTime: new Date().toISOString(),
        actionType: v.value.actionType,
        request: body,
        outcome: result.executed ? 'executed' : 'rejected',
        executed: result.executed,
        numericCode: result.response.numericCode,
        stringCode: result.response.stringCode,
        dealIds: result.dealIds,
        responseDelivered: true,
      };
      if (v.value.clientId !== undefined) entry.clientId = v.value.clientId;
      if (v.value.comment !== undefined) entry.comment = v.value.comment;
      if (result.orderId !== undefined) entry.orderId = result.orderId;
      if (result.positionId !== undefined) entry.positionId = result.positionId;
      engine.ledger.add(entry);
      return sendJson(res, 200, result.response);
    }
    case 'POST /faults': {
      // The same fault on many accounts at once (default: every account), e.g. 20 ms broker latency everywhere.
      const body = requireObject(await readBody());
      const v = validateFault(body);
      const errors: FieldError[] = v.ok ? [] : [...v.errors];
      let targets = [...engine.accounts.keys()];
      if (body.accounts !== undefined) {
        if (!Array.isArray(body.accounts) || body.accounts.some((a) => typeof a !== 'string' || !engine.get(a))) {
          errors.push({ parameter: 'accounts', value: body.accounts, message: 'accounts must be an array of existing account ids' });
        } else targets = body.accounts as string[];
      }
      if (!v.ok || errors.length > 0) invalid(errors);
      const faultIds: Record<string, string> = {};
      for (const id of targets) faultIds[id] = engine.get(id)!.faults.add(v.value).faultId;
      return sendJson(res, 201, { faultIds });
    }
    case 'DELETE /faults': {
      let cleared = 0;
      for (const sim of engine.accounts.values()) cleared += sim.faults.clear();
      return sendJson(res, 200, { cleared });
    }
    case 'GET /accounts/:id/faults':
      return sendJson(res, 200, { faults: accountOr404(ctx, seg[1]!).faults.list() });
    case 'DELETE /accounts/:id/faults':
      return sendJson(res, 200, { cleared: accountOr404(ctx, seg[1]!).faults.clear() });
    case 'DELETE /accounts/:id/faults/:faultId': {
      const removed = accountOr404(ctx, seg[1]!).faults.remove(seg[3]!);
      if (!removed) throw new HttpError('NotFoundError', `Fault ${seg[3]} not found`);
      return sendJson(res, 200, { cleared: 1 });
    }

    case 'GET /market':
      return sendJson(res, 200, marketView(ctx));
    case 'POST /market/prices': {
      const body = requireObject(await readBody());
      const list = Array.isArray(body.prices) ? (body.prices as unknown[]) : [body];
      const errors: FieldError[] = [];
      const prices = list.map((raw, i) => {
        const prefix = Array.isArray(body.prices) ? `prices[${i}].` : '';
        if (!isObject(raw)) {
          errors.push({ parameter: `${prefix}price`, value: raw, message: 'must be an object' });
          return { symbol: '' };
        }
        const r = new FieldReader(raw);
        const p = {
          symbol: r.string('symbol', { required: true }) ?? '',
          bid: r.number('bid', { positive: true }),
          ask: r.number('ask', { positive: true }),
          movePoints: r.number('movePoints'),
        };
        if (p.symbol && !engine.market.spec(p.symbol)) r.fail('symbol', p.symbol, `unknown symbol ${p.symbol}`);
        if (p.bid === undefined && p.ask === undefined && p.movePoints === undefined && r.errors.length === 0) r.fail('bid', undefined, 'bid, ask or movePoints is required');
        if (p.bid !== undefined && p.ask !== undefined && p.ask < p.bid) r.fail('ask', p.ask, 'ask must not be below bid');
        errors.push(...r.errors.map((e) => ({ ...e, parameter: prefix + e.parameter })));
        return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as { symbol: string; bid?: number; ask?: number; movePoints?: number };
      });
      if (errors.length > 0) invalid(errors);
      const events = engine.setPrices(prices);
      return sendJson(res, 200, { ...marketView(ctx), events });
    }
    case 'PATCH /market/symbols/:symbol': {
      const symbol = seg[2]!;
      if (!engine.market.spec(symbol)) throw new HttpError('NotFoundError', `Symbol ${symbol} not found`);
      const errors: FieldError[] = [];
      const patch = validateSpecPatch(await readBody(), 'body', errors);
      if (!patch) invalid(errors);
      return sendJson(res, 200, engine.patchSymbol(symbol, patch));
    }

    case 'GET /clock':
      return sendJson(res, 200, clockView(ctx));
    case 'POST /clock/advance': {
      const r = new FieldReader(requireObject(await readBody()));
      const ms = r.number('ms', { min: 0 });
      const ticks = r.number('ticks', { min: 0, integer: true });
      const movePrices = r.boolean('movePrices') ?? true;
      if (ms === undefined && ticks === undefined && r.errors.length === 0) r.fail('ms', undefined, 'ms or ticks is required');
      if (r.errors.length > 0) invalid(r.errors);
      const events = clock.advance((ms ?? 0) + (ticks ?? 0) * engine.tickMs, movePrices);
      return sendJson(res, 200, { ...clockView(ctx), events });
    }
    case 'POST /clock/set': {
      const body = requireObject(await readBody());
      const time = parseTime(body.time);
      if (time === undefined) invalid([{ parameter: 'time', value: body.time, message: 'time must be an ISO-8601 date-time' }]);
      if (time < engine.now) invalid([{ parameter: 'time', value: body.time, message: 'the market clock only moves forward' }]);
      const movePrices = typeof body.movePrices === 'boolean' ? body.movePrices : true;
      const events = clock.setTime(time, movePrices);
      return sendJson(res, 200, { ...clockView(ctx), events });
    }

    case 'GET /ledger': {
      const filter = ledgerFilter(query);
      const offset = Math.max(0, Number(query?.get('offset') ?? 0) || 0);
      const limit = Math.max(1, Number(query?.get('limit') ?? 100_000) || 100_000);
      return sendJson(res, 200, engine.ledger.query(filter, offset, limit));
    }
    case 'DELETE /ledger': {
      const accountId = query?.get('accountId') ?? undefined;
      const before = engine.ledger.size;
      engine.ledger.clear(accountId);
      return sendJson(res, 200, { cleared: before - engine.ledger.size });
    }
    case 'GET /ledger/count':
      return sendJson(res, 200, engine.ledger.count(ledgerFilter(query)));

    case 'POST /reset': {
      const body = (await readBody()) ?? {};
      const r = new FieldReader(requireObject(body));
      const seed = r.number('seed', { integer: true, min: 0 });
      if (r.errors.length > 0) invalid(r.errors);
      const start = clock.resetTime();
      clock.restart();
      engine.reset(seed ?? engine.seed, start);
      return sendJson(res, 200, { reset: true, ...clockView(ctx) });
    }
    default:
      throw new HttpError('NotFoundError', `Path not found: ${method} /admin/${seg.join('/')}`);
  }
}

function ledgerFilter(query: URLSearchParams | undefined): LedgerFilter {
  const filter: LedgerFilter = {};
  const accountId = query?.get('accountId');
  const clientId = query?.get('clientId');
  const actionType = query?.get('actionType');
  const executed = query?.get('executed');
  if (accountId) filter.accountId = accountId;
  if (clientId) filter.clientId = clientId;
  if (actionType) filter.actionType = actionType;
  if (executed === 'true' || executed === 'false') filter.executed = executed === 'true';
  return filter;
}
