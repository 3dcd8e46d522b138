import type { Session, SymbolSpec, WeeklySessions } from './types';

const ALL_DAY: Session[] = [{ from: 0, to: 1440 }];
/** Forex trades the whole broker day Monday to Friday and not at weekends. */
export const FOREX_SESSIONS: WeeklySessions = [[], ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, []];
/** Metals and US index CFDs stop for a daily break 23:55–01:05 broker time. */
const WITH_DAILY_BREAK: Session[] = [{ from: 65, to: 1435 }];
export const DAILY_BREAK_SESSIONS: WeeklySessions = [[], WITH_DAILY_BREAK, WITH_DAILY_BREAK, WITH_DAILY_BREAK, WITH_DAILY_BREAK, WITH_DAILY_BREAK, []];
/** The German index CFD trades 09:00–23:00 broker time on weekdays. */
const EU_HOURS: Session[] = [{ from: 540, to: 1380 }];
export const EU_INDEX_SESSIONS: WeeklySessions = [[], EU_HOURS, EU_HOURS, EU_HOURS, EU_HOURS, EU_HOURS, []];

const ALL_ORDER_TYPES: SymbolSpec['allowedOrderTypes'] = [
  'SYMBOL_ORDER_MARKET',
  'SYMBOL_ORDER_LIMIT',
  'SYMBOL_ORDER_STOP',
  'SYMBOL_ORDER_STOP_LIMIT',
  'SYMBOL_ORDER_SL',
  'SYMBOL_ORDER_TP',
  'SYMBOL_ORDER_CLOSEBY',
];
const ALL_EXPIRATIONS: SymbolSpec['allowedExpirationModes'] = [
  'SYMBOL_EXPIRATION_GTC',
  'SYMBOL_EXPIRATION_DAY',
  'SYMBOL_EXPIRATION_SPECIFIED',
  'SYMBOL_EXPIRATION_SPECIFIED_DAY',
];

function forex(symbol: string, startBid: number, spreadPoints: number, swapLong: number, swapShort: number): SymbolSpec {
  const jpy = symbol.endsWith('JPY');
  const point = jpy ? 0.001 : 0.00001;
  return {
    symbol,
    description: `${symbol.slice(0, 3)} vs ${symbol.slice(3)}`,
    path: `Forex\\Majors\\${symbol}`,
    digits: jpy ? 3 : 5,
    point,
    tickSize: point,
    tickValue: 100_000 * point,
    pipSize: point * 10,
    contractSize: 100_000,
    minVolume: 0.01,
    maxVolume: 100,
    volumeStep: 0.01,
    stopsLevel: 10,
    freezeLevel: 5,
    tradeMode: 'SYMBOL_TRADE_MODE_FULL',
    calcMode: 'SYMBOL_CALC_MODE_FOREX',
    execution: 'SYMBOL_TRADE_EXECUTION_MARKET',
    fillingModes: ['SYMBOL_FILLING_FOK', 'SYMBOL_FILLING_IOC'],
    allowedOrderTypes: ALL_ORDER_TYPES,
    allowedExpirationModes: ALL_EXPIRATIONS,
    baseCurrency: symbol.slice(0, 3),
    profitCurrency: symbol.slice(3),
    marginCurrency: symbol.slice(0, 3),
    marginRate: 1,
    swapLong,
    swapShort,
    spreadPoints,
    startBid,
    volatilityPoints: 1,
    tradeSessions: FOREX_SESSIONS,
  };
}

/** The default symbol table: forex majors, gold and three index CFDs, one per margin calculation mode. */
export const DEFAULT_SYMBOLS: readonly SymbolSpec[] = [
  forex('EURUSD', 1.085, 10, -7.2, 2.1),
  forex('GBPUSD', 1.27, 14, -5.1, 0.8),
  forex('USDJPY', 151.5, 12, 9.8, -21.4),
  forex('USDCHF', 0.88, 15, 4.2, -11.3),
  forex('AUDUSD', 0.655, 12, -3.4, -1.2),
  forex('USDCAD', 1.36, 18, 1.1, -8.9),
  forex('NZDUSD', 0.6, 18, -2.8, -1.9),
  {
    symbol: 'XAUUSD',
    description: 'Gold vs US Dollar',
    path: 'Metals\\XAUUSD',
    digits: 2,
    point: 0.01,
    tickSize: 0.01,
    tickValue: 1,
    pipSize: 0.1,
    contractSize: 100,
    minVolume: 0.01,
    maxVolume: 50,
    volumeStep: 0.01,
    stopsLevel: 50,
    freezeLevel: 20,
    tradeMode: 'SYMBOL_TRADE_MODE_FULL',
    calcMode: 'SYMBOL_CALC_MODE_FOREX',
    execution: 'SYMBOL_TRADE_EXECUTION_INSTANT',
    fillingModes: ['SYMBOL_FILLING_FOK', 'SYMBOL_FILLING_IOC'],
    allowedOrderTypes: ALL_ORDER_TYPES,
    allowedExpirationModes: ALL_EXPIRATIONS,
    baseCurrency: 'XAU',
    profitCurrency: 'USD',
    marginCurrency: 'XAU',
    marginRate: 1,
    swapLong: -45.3,
    swapShort: 22.1,
    spreadPoints: 25,
    startBid: 2350,
    volatilityPoints: 6,
    tradeSessions: DAILY_BREAK_SESSIONS,
  },
  {
    symbol: 'US30',
    description: 'Dow Jones Industrial Average Index CFD',
    path: 'Indices\\US30',
    digits: 1,
    point: 0.1,
    tickSize: 0.1,
    tickValue: 0.1,
    pipSize: 1,
    contractSize: 1,
    minVolume: 0.1,
    maxVolume: 50,
    volumeStep: 0.1,
    stopsLevel: 50,
    freezeLevel: 10,
    tradeMode: 'SYMBOL_TRADE_MODE_FULL',
    calcMode: 'SYMBOL_CALC_MODE_CFDLEVERAGE',
    execution: 'SYMBOL_TRADE_EXECUTION_MARKET',
    fillingModes: ['SYMBOL_FILLING_IOC'],
    allowedOrderTypes: ALL_ORDER_TYPES,
    allowedExpirationModes: ALL_EXPIRATIONS,
    baseCurrency: 'USD',
    profitCurrency: 'USD',
    marginCurrency: 'USD',
    marginRate: 1,
    swapLong: -30,
    swapShort: -10,
    spreadPoints: 20,
    startBid: 39000,
    volatilityPoints: 8,
    tradeSessions: DAILY_BREAK_SESSIONS,
  },
  {
    symbol: 'US500',
    description: 'S&P 500 Index CFD',
    path: 'Indices\\US500',
    digits: 2,
    point: 0.01,
    tickSize: 0.01,
    tickValue: 0.01,
    pipSize: 1,
    contractSize: 1,
    minVolume: 0.1,
    maxVolume: 100,
    volumeStep: 0.1,
    stopsLevel: 50,
    freezeLevel: 10,
    tradeMode: 'SYMBOL_TRADE_MODE_FULL',
    calcMode: 'SYMBOL_CALC_MODE_CFD',
    execution: 'SYMBOL_TRADE_EXECUTION_MARKET',
    fillingModes: ['SYMBOL_FILLING_IOC'],
    allowedOrderTypes: ALL_ORDER_TYPES,
    allowedExpirationModes: ALL_EXPIRATIONS,
    baseCurrency: 'USD',
    profitCurrency: 'USD',
    marginCurrency: 'USD',
    marginRate: 0.05,
    swapLong: -60,
    swapShort: -20,
    spreadPoints: 50,
    startBid: 5200,
    volatilityPoints: 10,
    tradeSessions: DAILY_BREAK_SESSIONS,
  },
  {
    symbol: 'GER40',
    description: 'Germany 40 Index CFD',
    path: 'Indices\\GER40',
    digits: 1,
    point: 0.1,
    tickSize: 0.1,
    tickValue: 0.1,
    pipSize: 1,
    contractSize: 1,
    minVolume: 0.1,
    maxVolume: 50,
    volumeStep: 0.1,
    stopsLevel: 50,
    freezeLevel: 10,
    tradeMode: 'SYMBOL_TRADE_MODE_FULL',
    calcMode: 'SYMBOL_CALC_MODE_CFDINDEX',
    execution: 'SYMBOL_TRADE_EXECUTION_MARKET',
    fillingModes: ['SYMBOL_FILLING_IOC'],
    allowedOrderTypes: ALL_ORDER_TYPES,
    allowedExpirationModes: ALL_EXPIRATIONS,
    baseCurrency: 'EUR',
    profitCurrency: 'EUR',
    marginCurrency: 'EUR',
    marginRate: 0.05,
    swapLong: -25,
    swapShort: -8,
    spreadPoints: 15,
    startBid: 18000,
    volatilityPoints: 6,
    tradeSessions: EU_INDEX_SESSIONS,
  },
];

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8];

/** Rounds a price to a symbol's digits (avoids 1.0850000000001 artefacts). */
export function roundPrice(spec: SymbolSpec, price: number): number {
  const scale = POW10[spec.digits] ?? 10 ** spec.digits;
  return Math.round(price * scale) / scale;
}


/** Rounds a volume to 8 decimals so repeated partial closes never leave float dust. */
export function roundVolume(volume: number): number {
  return Math.round(volume * 1e8) / 1e8;
}

/** Tells whether a volume satisfies min, max and step (notes §7). */
export function isValidVolume(spec: SymbolSpec, volume: number): boolean {
  if (!(volume >= spec.minVolume - 1e-9 && volume <= spec.maxVolume + 1e-9)) return false;
  const steps = (volume - spec.minVolume) / spec.volumeStep;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}
