/**
 * Position sizing: how many lots an account trades for a signal, and why.
 *
 * Risk sizing: lots = riskMoney / (stop distance in ticks * tick value per lot in the account currency), where
 * riskMoney = percent of balance or equity. Every mode then goes through the same tail: clamp to the user's and the
 * broker's maximum, round DOWN to the broker's volume step (anchored at the minimum, as MetaTrader validates
 * `(v - min) / step`), and below the minimum either skip or force the minimum, as the account chose.
 */
import type { SizingConfig } from './account';
import { convert, type FxRates } from './money';
import { RejectionReason, type CheckFailure } from './rejection';
import type { Direction } from './signal';
import { tickValueInAccountCurrency, type SymbolSpec } from './symbol';
import { addVolumes, compareVolumes, floorToStep, roundMoney, roundPercent } from './volume';

/** Everything sizing may use; which fields a mode needs is listed on each mode. */
export interface SizingInput {
  readonly sizing: SizingConfig;
  readonly spec: SymbolSpec;
  readonly accountCurrency: string;
  readonly balance: number;
  readonly equity: number;
  readonly direction: Direction;
  /** Price the order opens at; with the stop loss it gives the risk per lot. */
  readonly entryPrice?: number;
  readonly stopLoss?: number;
  readonly volumeHint?: number;
  readonly providerBalance?: number;
  readonly providerCurrency?: string;
  readonly rates: FxRates;
}

/** How a size came about, stored in the ledger and sent with the approval. */
export interface SizingExplanation {
  readonly mode: SizingConfig['mode'];
  /** The numbers the mode used, named. */
  readonly inputs: Readonly<Record<string, number | string>>;
  readonly formula: string;
  readonly rawVolume: number;
  /** After the user/broker maximum and rounding down to the step (0 when below the minimum). */
  readonly roundedVolume: number;
  /** The volume to trade (roundedVolume, or the minimum when forced). */
  readonly volume: number;
  readonly clampedTo?: 'USER_MAX' | 'BROKER_MAX';
  readonly forcedMinimum: boolean;
  readonly stopDistanceTicks?: number;
  readonly tickValueInAccountCurrency?: number;
  /** Money lost per lot if the stop loss is hit, in the account currency. */
  readonly lossPerLot?: number;
  readonly riskBasis: 'BALANCE' | 'EQUITY';
  readonly riskBasisAmount: number;
  readonly intendedRiskMoney?: number;
  readonly intendedRiskPercent?: number;
  /** Risk of the volume actually traded; differs from intended by rounding, clamping or a forced minimum. */
  readonly realRiskMoney?: number;
  readonly realRiskPercent?: number;
}

/** A size, or the reason there is none (with the explanation so far, for the ledger and preview). */
export type SizingResult =
  | { readonly ok: true; readonly explanation: SizingExplanation }
  | { readonly ok: false; readonly failure: CheckFailure; readonly explanation?: SizingExplanation };

/** Money lost per lot when price moves from entry to stop, in the account currency, with the ticks and tick value. */
export interface StopRisk {
  readonly ticks: number;
  readonly tickValue: number;
  readonly lossPerLot: number;
}

/**
 * Loss per lot between entry and stop in the account currency, or a failure when the stop is on the wrong side or
 * no rate converts the tick value.
 */
export function stopRisk(
  spec: SymbolSpec,
  direction: Direction,
  entryPrice: number,
  stopLoss: number,
  accountCurrency: string,
  rates: FxRates,
): StopRisk | CheckFailure {
  const distance = direction === 'BUY' ? entryPrice - stopLoss : stopLoss - entryPrice;
  if (!(distance > 0)) {
    return {
      reason: RejectionReason.STOP_LOSS_REQUIRED,
      detail: `stop loss ${stopLoss} is not on the loss side of entry ${entryPrice} for a ${direction}`,
    };
  }
  const tickValue = tickValueInAccountCurrency(spec, accountCurrency, rates);
  if (tickValue === undefined) {
    return {
      reason: RejectionReason.SYMBOL_SPEC_UNAVAILABLE,
      detail: `no rate converts ${spec.profitCurrency} to ${accountCurrency}`,
    };
  }
  // Snap to a millionth of a tick: 0.002 / 0.00001 is 199.99999999999997 in binary floating point.
  const ticks = Math.round((distance / spec.tickSize) * 1e6) / 1e6;
  return { ticks, tickValue, lossPerLot: ticks * tickValue };
}

function isFailure(value: object): value is CheckFailure {
  return 'reason' in value;
}

interface Raw {
  readonly raw: number;
  readonly formula: string;
  readonly inputs: Record<string, number | string>;
}

/** Sizes one order for one account. */
export function sizeOrder(input: SizingInput): SizingResult {
  const { sizing, spec } = input;
  const riskBasis = sizing.mode === 'RISK_PERCENT' || sizing.mode === 'BALANCE_RATIO' ? sizing.basis : 'BALANCE';
  const riskBasisAmount = riskBasis === 'EQUITY' ? input.equity : input.balance;

  let risk: StopRisk | undefined;
  if (input.entryPrice !== undefined && input.stopLoss !== undefined) {
    const computed = stopRisk(spec, input.direction, input.entryPrice, input.stopLoss, input.accountCurrency, input.rates);
    if (isFailure(computed)) {
      // Only risk sizing needs the stop; for the other modes a bad stop is the signal service's problem, and the real
      // risk is simply not reported.
      if (sizing.mode === 'RISK_PERCENT') return { ok: false, failure: computed };
    } else {
      risk = computed;
    }
  }

  let raw: Raw;
  let intendedRiskMoney: number | undefined;
  switch (sizing.mode) {
    case 'FIXED_LOTS':
      raw = { raw: sizing.lots, formula: `fixed ${sizing.lots} lots`, inputs: { lots: sizing.lots } };
      break;
    case 'RISK_PERCENT': {
      if (input.stopLoss === undefined || input.entryPrice === undefined || !risk) {
        return {
          ok: false,
          failure: {
            reason: RejectionReason.STOP_LOSS_REQUIRED,
            detail: input.stopLoss === undefined ? 'risk sizing needs a stop loss and the signal has none' : 'risk sizing needs an entry price',
          },
        };
      }
      intendedRiskMoney = (riskBasisAmount * sizing.percent) / 100;
      raw = {
        raw: intendedRiskMoney / risk.lossPerLot,
        formula: `(${riskBasisAmount} ${input.accountCurrency} * ${sizing.percent}%) / (${risk.ticks} ticks * ${risk.tickValue} ${input.accountCurrency}/tick/lot)`,
        inputs: {
          percent: sizing.percent,
          basis: sizing.basis,
          basisAmount: riskBasisAmount,
          entryPrice: input.entryPrice,
          stopLoss: input.stopLoss,
          tickSize: spec.tickSize,
        },
      };
      break;
    }
    case 'BALANCE_RATIO': {
      if (input.volumeHint === undefined || input.providerBalance === undefined || !(input.providerBalance > 0)) {
        return {
          ok: false,
          failure: {
            reason: RejectionReason.SIZING_INPUT_MISSING,
            detail: 'ratio sizing needs the provider volume and a positive provider balance on the signal',
          },
        };
      }
      const providerCurrency = input.providerCurrency ?? input.accountCurrency;
      const providerBalance = convert(input.providerBalance, providerCurrency, input.accountCurrency, input.rates);
      if (providerBalance === undefined) {
        return {
          ok: false,
          failure: { reason: RejectionReason.SYMBOL_SPEC_UNAVAILABLE, detail: `no rate converts ${providerCurrency} to ${input.accountCurrency}` },
        };
      }
      raw = {
        raw: (input.volumeHint * riskBasisAmount * sizing.multiplier) / providerBalance,
        formula: `${input.volumeHint} lots * ${riskBasisAmount} / ${providerBalance} ${input.accountCurrency} * ${sizing.multiplier}`,
        inputs: {
          volumeHint: input.volumeHint,
          basis: sizing.basis,
          basisAmount: riskBasisAmount,
          providerBalance: input.providerBalance,
          providerCurrency,
          multiplier: sizing.multiplier,
        },
      };
      break;
    }
    case 'VOLUME_MULTIPLIER':
      if (input.volumeHint === undefined) {
        return {
          ok: false,
          failure: { reason: RejectionReason.SIZING_INPUT_MISSING, detail: 'multiplier sizing needs a volume hint on the signal' },
        };
      }
      raw = {
        raw: input.volumeHint * sizing.multiplier,
        formula: `${input.volumeHint} lots * ${sizing.multiplier}`,
        inputs: { volumeHint: input.volumeHint, multiplier: sizing.multiplier },
      };
      break;
    default: {
      const _exhaustive: never = sizing;
      throw new Error(`unknown sizing mode ${String(_exhaustive)}`);
    }
  }

  if (!Number.isFinite(raw.raw) || raw.raw < 0) {
    return { ok: false, failure: { reason: RejectionReason.SIZING_INPUT_MISSING, detail: `sizing produced ${raw.raw} lots` } };
  }

  // Clamp first, then round: the maximum itself may lie off the step grid.
  let capped = raw.raw;
  let clampedTo: SizingExplanation['clampedTo'];
  if (sizing.maxLots !== undefined && compareVolumes(capped, sizing.maxLots) > 0) {
    capped = sizing.maxLots;
    clampedTo = 'USER_MAX';
  }
  if (compareVolumes(capped, spec.volumeMax) > 0) {
    capped = spec.volumeMax;
    clampedTo = 'BROKER_MAX';
  }
  const roundedVolume =
    compareVolumes(capped, spec.volumeMin) >= 0
      ? addVolumes(spec.volumeMin, floorToStep(addVolumes(capped, -spec.volumeMin), spec.volumeStep))
      : 0;

  const belowMinimum = roundedVolume === 0;
  const forcedMinimum = belowMinimum && sizing.belowMinimum === 'FORCE_MINIMUM';
  const volume = forcedMinimum ? spec.volumeMin : roundedVolume;

  const realRiskMoney = risk ? volume * risk.lossPerLot : undefined;
  const explanation: SizingExplanation = {
    mode: sizing.mode,
    inputs: raw.inputs,
    formula: raw.formula,
    rawVolume: raw.raw,
    roundedVolume,
    volume,
    ...(clampedTo ? { clampedTo } : {}),
    forcedMinimum,
    ...(risk ? { stopDistanceTicks: risk.ticks, tickValueInAccountCurrency: risk.tickValue, lossPerLot: roundMoney(risk.lossPerLot) } : {}),
    riskBasis,
    riskBasisAmount,
    ...(intendedRiskMoney !== undefined
      ? { intendedRiskMoney: roundMoney(intendedRiskMoney), intendedRiskPercent: roundPercent((intendedRiskMoney / riskBasisAmount) * 100) }
      : {}),
    ...(realRiskMoney !== undefined
      ? { realRiskMoney: roundMoney(realRiskMoney), realRiskPercent: roundPercent((realRiskMoney / riskBasisAmount) * 100) }
      : {}),
  };

  if (belowMinimum && !forcedMinimum) {
    return {
      ok: false,
      explanation,
      failure: {
        reason: RejectionReason.VOLUME_BELOW_MINIMUM,
        detail: `sized ${roundTo8(raw.raw)} lots is below the broker minimum ${spec.volumeMin} and the account skips such orders`,
      },
    };
  }
  if (forcedMinimum && sizing.maxForcedRiskPercent !== undefined && realRiskMoney !== undefined) {
    const realPercent = (realRiskMoney / riskBasisAmount) * 100;
    if (realPercent > sizing.maxForcedRiskPercent) {
      return {
        ok: false,
        explanation,
        failure: {
          reason: RejectionReason.VOLUME_BELOW_MINIMUM,
          detail: `the forced minimum ${spec.volumeMin} lots would risk ${roundPercent(realPercent)}% (over the ${sizing.maxForcedRiskPercent}% allowed when forcing)`,
        },
      };
    }
  }
  return { ok: true, explanation };
}

function roundTo8(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
