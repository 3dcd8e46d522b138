/**
 * Default symbol specifications, as typical MT5 retail brokers (and tools/mt-sim) publish them. They apply to every
 * account that has no specification of its own for a broker symbol (account `*` in risk.symbol_specs); the
 * `PUT /v1/symbol-specs` endpoint overrides them per account or globally.
 */
import type { SymbolSpec } from '../domain';

function forex(symbol: string, digits: 3 | 5): SymbolSpec {
  return {
    symbol,
    baseCurrency: symbol.slice(0, 3),
    profitCurrency: symbol.slice(3, 6),
    marginCurrency: symbol.slice(0, 3),
    contractSize: 100_000,
    tickSize: digits === 5 ? 0.00001 : 0.001,
    digits,
    volumeMin: 0.01,
    volumeMax: 100,
    volumeStep: 0.01,
    calcMode: 'FOREX',
    tradeMode: 'FULL',
  };
}

function index(symbol: string, currency: string, tickSize: number, digits: number): SymbolSpec {
  return {
    symbol,
    baseCurrency: currency,
    profitCurrency: currency,
    marginCurrency: currency,
    contractSize: 1,
    tickSize,
    tickValue: tickSize,
    digits,
    volumeMin: 0.1,
    volumeMax: 500,
    volumeStep: 0.1,
    calcMode: 'CFD_INDEX',
    marginRate: 0.05,
    tradeMode: 'FULL',
  };
}

export const DEFAULT_SYMBOL_SPECS: readonly SymbolSpec[] = [
  forex('EURUSD', 5),
  forex('GBPUSD', 5),
  forex('AUDUSD', 5),
  forex('NZDUSD', 5),
  forex('USDCHF', 5),
  forex('USDCAD', 5),
  forex('EURGBP', 5),
  forex('USDJPY', 3),
  forex('EURJPY', 3),
  forex('GBPJPY', 3),
  {
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
  },
  {
    symbol: 'XAGUSD',
    baseCurrency: 'XAG',
    profitCurrency: 'USD',
    marginCurrency: 'USD',
    contractSize: 5000,
    tickSize: 0.001,
    digits: 3,
    volumeMin: 0.01,
    volumeMax: 50,
    volumeStep: 0.01,
    calcMode: 'CFD_LEVERAGE',
    tradeMode: 'FULL',
  },
  index('GER40', 'EUR', 0.1, 1),
  index('US30', 'USD', 1, 0),
  index('US500', 'USD', 0.1, 1),
  index('NAS100', 'USD', 0.1, 1),
  index('UK100', 'GBP', 0.1, 1),
];
