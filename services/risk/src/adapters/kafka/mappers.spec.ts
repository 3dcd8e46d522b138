import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountSynced, SignalGenerated } from '@tradebridge/contracts';
import { approvedEvent, rejectedEvent, signalFromEvent, snapshotFromSynced, stateChangedEvent, UnusableSignalError } from './mappers';
import type { DecisionRow } from '../postgres/risk.table';

const fixture = <T>(topic: string): T =>
  JSON.parse(readFileSync(path.join(__dirname, '../../../../../libs/contracts/fixtures', topic, 'v1.json'), 'utf8')) as T;

describe('contract mappers', () => {
  it('given the signal.generated v1 fixture (BUY LIMIT EURUSD), then the domain open signal with its deadline', () => {
    const e = fixture<SignalGenerated>('signal.generated');
    const s = signalFromEvent(e);
    expect(s).toMatchObject({
      action: 'OPEN',
      direction: 'BUY',
      entry: 'LIMIT',
      symbol: 'EURUSD',
      entryPrice: 1.0835,
      stopLoss: 1.082,
      takeProfits: [1.086, 1.09],
      volumeHint: 0.5,
      providerBalance: 25_000,
      providerCurrency: 'USD',
      tenantId: 'tenant-1',
    });
    // The source owner is not the owner of every following account: only the tenant is enforced.
    expect(s.userId).toBeUndefined();
    expect(s.expiresAt).toEqual(new Date(Math.floor(e.deadlineAtUs! / 1000)));
    expect(s).toMatchObject({ orderExpiresAt: new Date(Math.floor(e.orderExpiresAtUs! / 1000)) });
    expect(s.acceptedAt).toEqual(new Date(Math.floor(e.acceptedAtUs / 1000)));
  });

  it('given a close without a fraction, then a full close of the referenced signal', () => {
    const e = { ...fixture<SignalGenerated>('signal.generated'), action: 'SIGNAL_ACTION_CLOSE', referencedSignalId: 'sig-0' } as SignalGenerated;
    expect(signalFromEvent(e)).toMatchObject({ action: 'CLOSE', referencedSignalId: 'sig-0', fraction: 1 });
  });

  it('given an unspecified action, then UnusableSignalError (dead-lettered, not retried)', () => {
    const e = { ...fixture<SignalGenerated>('signal.generated'), action: 'SIGNAL_ACTION_UNSPECIFIED' } as SignalGenerated;
    expect(() => signalFromEvent(e)).toThrow(UnusableSignalError);
  });

  it('given the account.synced v1 fixture, then positions keep their intent ids and currency-pair prices become rates', () => {
    const mapped = snapshotFromSynced(fixture<AccountSynced>('account.synced'))!;
    expect(mapped.snapshot).toMatchObject({ balance: 100_000, equity: 100_127.4, freeMargin: 96_512.2, leverage: 100, connected: true });
    expect(mapped.snapshot.positions[0]).toEqual({
      positionId: '46870472',
      symbol: 'EURUSD.m',
      direction: 'BUY',
      volume: 3.33,
      openPrice: 1.08354,
      intentId: '3268b501-e9ad-5d5e-8605-8978958f639d',
    });
    expect(mapped.rates).toEqual({ EURUSD: 1.08392 });
  });

  it('given a rejected ledger row, then risk.rejected with the code, every failure as a fact and a replay-stable event id', () => {
    const row = {
      intent_id: 'b6f2c0a4-1111-5222-8333-444455556666',
      signal_id: 'sig-1',
      account_id: 'acc-1',
      source_id: 'src-1',
      tenant_id: 't-1',
      action: 'OPEN',
      outcome: 'REJECTED',
      reason: 'RISK_INSUFFICIENT_MARGIN',
      detail: 'needs 550 USD',
      failures: [{ reason: 'RISK_INSUFFICIENT_MARGIN', detail: 'needs 550 USD' }],
      signal_symbol: 'EURUSD',
      broker_symbol: 'EURUSD.m',
      volume: '0.5',
      signal_accepted_at: new Date('2026-11-23T10:00:00Z'),
      decided_at: new Date('2026-11-23T10:00:00.005Z'),
    } as unknown as DecisionRow;
    const a = rejectedEvent(row);
    expect(a).toMatchObject({ reason: 'RISK_INSUFFICIENT_MARGIN', kind: 'INTENT_KIND_OPEN', volume: 0.5, facts: { failure_0: 'RISK_INSUFFICIENT_MARGIN: needs 550 USD' } });
    expect(a.meta.eventId).toBe(rejectedEvent(row).meta.eventId);
    expect(a.decidedAtUs - a.signalAcceptedAtUs).toBe(5_000);
  });

  it('given an approved pending order with an expiration (intent stored as JSON), then risk.approved carries order_expires_at_us', () => {
    const intent = {
      kind: 'OPEN',
      intentId: 'b6f2c0a4-1111-5222-8333-444455556666',
      signalId: 'sig-1',
      sourceId: 'src-1',
      accountId: 'acc-1',
      symbol: 'EURUSD',
      brokerSymbol: 'EURUSD',
      deadline: new Date('2026-11-23T10:00:15Z'),
      direction: 'BUY',
      entry: 'LIMIT',
      entryPrice: 1.08,
      volume: 0.1,
      orderExpiresAt: new Date('2026-11-23T10:00:15Z'),
      reversed: false,
      sizing: { mode: 'FIXED_LOTS', riskBasis: 'BALANCE', riskBasisAmount: 10_000, inputs: {}, rawVolume: 0.1, volume: 0.1, formula: 'fixed', forcedMinimum: false },
    };
    const row = {
      intent_id: intent.intentId,
      signal_id: 'sig-1',
      account_id: 'acc-1',
      source_id: 'src-1',
      tenant_id: 't-1',
      outcome: 'APPROVED',
      signal_symbol: 'EURUSD',
      intent: JSON.parse(JSON.stringify(intent)),
      signal_accepted_at: new Date('2026-11-23T10:00:00Z'),
      decided_at: new Date('2026-11-23T10:00:00.005Z'),
    } as unknown as DecisionRow;
    const ctx = { platform: 'MT5', magicNumber: 0, configVersion: 1, accountCurrency: 'USD', volume: { min: 0.01, max: 100, step: 0.01 }, tickSize: 0.00001 } as const;
    expect(approvedEvent(row, ctx)).toMatchObject({ orderType: 'ORDER_TYPE_LIMIT', entryPrice: 1.08, orderExpiresAtUs: Date.parse('2026-11-23T10:00:15Z') * 1000 });
    const market = { ...row, intent: { ...JSON.parse(JSON.stringify(intent)), entry: 'MARKET', orderExpiresAt: undefined } } as unknown as DecisionRow;
    expect(approvedEvent(market, ctx).orderExpiresAtUs).toBeUndefined();
  });

  it('given an automatic daily-loss state change, then cause DAILY_LOSS_LIMIT, actor system and the end of the halt', () => {
    const e = stateChangedEvent({
      scope: 'ACCOUNT',
      scopeId: 'acc-1',
      from: 'ACTIVE',
      to: 'REDUCING',
      reason: 'daily loss limit breached',
      setBy: 'AUTO',
      at: new Date('2026-11-23T10:00:00Z'),
      expiresAt: new Date('2026-11-24T00:00:00Z'),
    });
    expect(e).toMatchObject({ scope: 'TRADING_SCOPE_ACCOUNT', state: 'TRADING_STATE_REDUCING', previousState: 'TRADING_STATE_ACTIVE', cause: 'TRADING_STATE_CAUSE_DAILY_LOSS_LIMIT', actor: 'system', untilAtUs: Date.parse('2026-11-24T00:00:00Z') * 1000 });
  });
});
