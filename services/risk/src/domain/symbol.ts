/**
 * Broker symbol specifications and the arithmetic that depends on them: tick value in the account currency and the
 * margin an order needs, by MetaTrader calculation mode (ENUM_SYMBOL_CALC_MODE, see metatrader-api-notes §7).
 */
import { convert, type FxRates } from './money';

/** MetaTrader's margin/profit calculation modes that the risk service can estimate. */
export type CalcMode = 'FOREX' | 'FOREX_NO_LEVERAGE' | 'CFD' | 'CFD_INDEX' | 'CFD_LEVERAGE' | 'FUTURES';

/** What the broker allows on a symbol (SYMBOL_TRADE_MODE). */
export type SymbolTradeMode = 'DISABLED' | 'LONG_ONLY' | 'SHORT_ONLY' | 'CLOSE_ONLY' | 'FULL';

/** The parts of a broker's symbol specification that sizing and margin need. */
export interface SymbolSpec {
  /** Broker symbol name, e.g. `EURUSD.m`. */
  readonly symbol: string;
  readonly baseCurrency: string;
  /** Currency that profit and tick value are expressed in (USD for EURUSD, JPY for USDJPY, EUR for GER40). */
  readonly profitCurrency: string;
  /** Currency the margin formula yields (base currency for forex, usually the profit currency for CFDs). */
  readonly marginCurrency: string;
  readonly contractSize: number;
  readonly tickSize: number;
  /**
   * Value of one tick for one lot in the profit currency. Optional for FOREX/CFD modes, where it equals
   * contractSize * tickSize; needed for index CFDs and futures whose tick value is set by the broker.
   */
  readonly tickValue?: number;
  readonly digits: number;
  readonly volumeMin: number;
  readonly volumeMax: number;
  readonly volumeStep: number;
  readonly calcMode: CalcMode;
  /** Initial margin rate multiplier (MT5 SYMBOL_MARGIN_INITIAL rate); 1 when the broker uses none. */
  readonly marginRate?: number;
  /** Initial margin per lot, FUTURES mode only. */
  readonly initialMargin?: number;
  readonly tradeMode: SymbolTradeMode;
}

/** A bid/ask quote of a broker symbol. */
export interface Quote {
  readonly bid: number;
  readonly ask: number;
}

/** Value of one tick for one lot in the symbol's profit currency. */
export function tickValueInProfitCurrency(spec: SymbolSpec): number {
  return spec.tickValue ?? spec.contractSize * spec.tickSize;
}

/**
 * Value of one tick for one lot in the account currency, converted at the given rates (the current rate, as
 * MetaTrader's SYMBOL_TRADE_TICK_VALUE does); undefined when no rate connects the currencies.
 */
export function tickValueInAccountCurrency(spec: SymbolSpec, accountCurrency: string, rates: FxRates): number | undefined {
  return convert(tickValueInProfitCurrency(spec), spec.profitCurrency, accountCurrency, rates);
}

/** Inputs of a margin estimate. */
export interface MarginInput {
  readonly spec: SymbolSpec;
  readonly volume: number;
  /** Price the order opens at (ask for a buy, bid for a sell, or the pending price). */
  readonly price: number;
  readonly leverage: number;
  readonly accountCurrency: string;
  readonly rates: FxRates;
}

/** A margin estimate with the formula that produced it, in margin and in account currency. */
export interface MarginEstimate {
  readonly calcMode: CalcMode;
  readonly formula: string;
  readonly marginInMarginCurrency: number;
  readonly marginCurrency: string;
  /** Undefined when no rate converts the margin currency to the account currency. */
  readonly marginInAccountCurrency: number | undefined;
}

/**
 * Estimates the initial margin of an order with MetaTrader's formula for the symbol's calculation mode:
 * FOREX lots*contract/leverage*rate; FOREX_NO_LEVERAGE lots*contract*rate; CFD lots*contract*price*rate;
 * CFD_INDEX lots*contract*price*tickValue/tickSize*rate; CFD_LEVERAGE lots*contract*price/leverage*rate;
 * FUTURES lots*initialMargin*rate.
 */
export function estimateMargin(input: MarginInput): MarginEstimate {
  const { spec, volume, price, leverage } = input;
  const rate = spec.marginRate ?? 1;
  const notionalUnits = volume * spec.contractSize;
  let margin: number;
  let formula: string;
  switch (spec.calcMode) {
    case 'FOREX':
      margin = (notionalUnits / leverage) * rate;
      formula = `${volume} lots * ${spec.contractSize} / ${leverage} * ${rate}`;
      break;
    case 'FOREX_NO_LEVERAGE':
      margin = notionalUnits * rate;
      formula = `${volume} lots * ${spec.contractSize} * ${rate}`;
      break;
    case 'CFD':
      margin = notionalUnits * price * rate;
      formula = `${volume} lots * ${spec.contractSize} * ${price} * ${rate}`;
      break;
    case 'CFD_INDEX': {
      const tickValue = tickValueInProfitCurrency(spec);
      margin = ((notionalUnits * price * tickValue) / spec.tickSize) * rate;
      formula = `${volume} lots * ${spec.contractSize} * ${price} * ${tickValue} / ${spec.tickSize} * ${rate}`;
      break;
    }
    case 'CFD_LEVERAGE':
      margin = ((notionalUnits * price) / leverage) * rate;
      formula = `${volume} lots * ${spec.contractSize} * ${price} / ${leverage} * ${rate}`;
      break;
    case 'FUTURES': {
      const initial = spec.initialMargin ?? 0;
      margin = volume * initial * rate;
      formula = `${volume} lots * ${initial} * ${rate}`;
      break;
    }
    default: {
      const _exhaustive: never = spec.calcMode;
      throw new Error(`unknown calc mode ${String(_exhaustive)}`);
    }
  }
  return {
    calcMode: spec.calcMode,
    formula,
    marginInMarginCurrency: margin,
    marginCurrency: spec.marginCurrency,
    marginInAccountCurrency: convert(margin, spec.marginCurrency, input.accountCurrency, input.rates),
  };
}
