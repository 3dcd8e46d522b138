/**
 * Builders for domain tests: broker specifications as real MT5 brokers publish them, and accounts/signals with
 * sensible defaults that each test overrides where it matters.
 */
import type {
  AccountConfig,
  AccountSnapshot,
  AccountView,
  OpenSignal,
  RiskState,
  SizingConfig,
  Subscription,
  SymbolSpec,
} from '../src/domain';
import { ALL_ACTIVE } from '../src/domain';

/** EURUSD: 100,000 EUR per lot, 5 digits; tick value 100,000 * 0.00001 = 1 USD. */
export const EURUSD: SymbolSpec = {
  symbol: 'EURUSD',
  baseCurrency: 'EUR',
  profitCurrency: 'USD',
  marginCurrency: 'EUR',
  contractSize: 100_000,
  tickSize: 0.00001,
  digits: 5,
  volumeMin: 0.01,
  volumeMax: 100,
  volumeStep: 0.01,
  calcMode: 'FOREX',
  tradeMode: 'FULL',
};

/** USDJPY: 100,000 USD per lot, 3 digits; tick value 100,000 * 0.001 = 100 JPY. */
export const USDJPY: SymbolSpec = {
  ...EURUSD,
  symbol: 'USDJPY',
  baseCurrency: 'USD',
  profitCurrency: 'JPY',
  marginCurrency: 'USD',
  tickSize: 0.001,
  digits: 3,
};

/** XAUUSD: 100 oz per lot, 2 digits; tick value 100 * 0.01 = 1 USD; margin as a leveraged CFD. */
export const XAUUSD: SymbolSpec = {
  symbol: 'XAUUSD',
  baseCurrency: 'XAU',
  profitCurrency: 'USD',
  marginCurrency: 'USD',
  contractSize: 100,
  tickSize: 0.01,
  digits: 2,
  volumeMin: 0.01,
  volumeMax: 50,
  volumeStep: 0.01,
  calcMode: 'CFD_LEVERAGE',
  tradeMode: 'FULL',
};

/** GER40 index CFD in EUR: 1 EUR per point per lot, tick 0.1 worth 0.1 EUR, volume step 0.1, 5% margin. */
export const GER40: SymbolSpec = {
  symbol: 'GER40',
  baseCurrency: 'EUR',
  profitCurrency: 'EUR',
  marginCurrency: 'EUR',
  contractSize: 1,
  tickSize: 0.1,
  tickValue: 0.1,
  digits: 1,
  volumeMin: 0.1,
  volumeMax: 500,
  volumeStep: 0.1,
  calcMode: 'CFD_INDEX',
  marginRate: 0.05,
  tradeMode: 'FULL',
};

/** Rates used throughout: EURUSD 1.10, USDJPY 150.00. */
export const RATES = { EURUSD: 1.1, USDJPY: 150 } as const;

export const NOW = new Date('2026-11-23T10:00:00.000Z');

export function accountConfig(overrides: Partial<AccountConfig> = {}): AccountConfig {
  return {
    accountId: 'acc-1',
    tenantId: 'tenant-1',
    ownerUserId: 'user-1',
    platform: 'MT5',
    currency: 'USD',
    enabled: true,
    autoTrading: true,
    sizing: { mode: 'FIXED_LOTS', lots: 0.1, belowMinimum: 'SKIP' },
    limits: {},
    mapping: {},
    filters: {},
    ...overrides,
  };
}

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return { subscriptionId: 'sub-1', accountId: 'acc-1', sourceId: 'src-1', enabled: true, reverse: false, ...overrides };
}

export function snapshot(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    syncedAt: new Date(NOW.getTime() - 1_000),
    connected: true,
    balance: 10_000,
    equity: 10_000,
    margin: 0,
    freeMargin: 10_000,
    leverage: 100,
    positions: [],
    orders: [],
    ...overrides,
  };
}

export function view(
  overrides: { config?: Partial<AccountConfig>; subscription?: Partial<Subscription>; snapshot?: Partial<AccountSnapshot> | null; specs?: SymbolSpec[] } & Partial<
    Pick<AccountView, 'anchors' | 'quotes'>
  > = {},
): AccountView {
  const config = accountConfig(overrides.config);
  return {
    config,
    subscription: subscription({ accountId: config.accountId, ...overrides.subscription }),
    ...(overrides.snapshot === null ? {} : { snapshot: snapshot(overrides.snapshot ?? {}) }),
    ...(overrides.anchors ? { anchors: overrides.anchors } : {}),
    ...(overrides.quotes ? { quotes: overrides.quotes } : {}),
    specs: new Map((overrides.specs ?? [EURUSD, USDJPY, XAUUSD, GER40]).map((s) => [s.symbol, s])),
  };
}

export function openSignal(overrides: Partial<OpenSignal> = {}): OpenSignal {
  return {
    action: 'OPEN',
    signalId: 'sig-1',
    sourceId: 'src-1',
    tenantId: 'tenant-1',
    symbol: 'EURUSD',
    acceptedAt: new Date(NOW.getTime() - 50),
    direction: 'BUY',
    entry: 'MARKET',
    entryPrice: 1.085,
    stopLoss: 1.083,
    takeProfits: [1.09],
    ...overrides,
  };
}

export function riskState(overrides: Partial<RiskState> = {}): RiskState {
  return {
    tradingStates: ALL_ACTIVE,
    reservations: new Map(),
    fleetExposure: new Map(),
    fleetCaps: new Map(),
    intents: new Map(),
    recentOrders: new Map(),
    rates: RATES,
    ...overrides,
  };
}

export function riskPercent(percent: number, extra: Partial<SizingConfig> = {}): SizingConfig {
  return { mode: 'RISK_PERCENT', percent, basis: 'BALANCE', belowMinimum: 'SKIP', ...extra } as SizingConfig;
}
