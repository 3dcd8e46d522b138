/**
 * Request bodies of the HTTP API, validated field by field. Every problem names its field (JSON pointer-ish path)
 * so the caller can fix it; nothing invalid reaches a use case.
 */
import { z } from 'zod';

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as USD');
const symbol = z.string().regex(/^[A-Za-z0-9._#-]{1,32}$/, 'must be 1-32 letters, digits or . _ # -');
const lots = z.number().finite().positive().max(10_000);
const percent = z.number().finite().positive().max(100);
const id = z.string().min(1).max(128);

const sizingBase = {
  belowMinimum: z.enum(['SKIP', 'FORCE_MINIMUM']).default('SKIP'),
  maxLots: lots.optional(),
  maxForcedRiskPercent: percent.optional(),
};

export const sizingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('FIXED_LOTS'), lots, ...sizingBase }).strict(),
  z.object({ mode: z.literal('RISK_PERCENT'), percent: percent.max(50), basis: z.enum(['BALANCE', 'EQUITY']).default('BALANCE'), ...sizingBase }).strict(),
  z.object({ mode: z.literal('BALANCE_RATIO'), multiplier: z.number().finite().positive().max(100).default(1), basis: z.enum(['BALANCE', 'EQUITY']).default('BALANCE'), ...sizingBase }).strict(),
  z.object({ mode: z.literal('VOLUME_MULTIPLIER'), multiplier: z.number().finite().positive().max(100), ...sizingBase }).strict(),
]);

export const limitsSchema = z
  .object({
    maxOpenPositions: z.number().int().positive().max(10_000).optional(),
    maxVolumePerOrder: lots.optional(),
    maxVolumePerSymbol: lots.optional(),
    marginReservePercent: z.number().finite().min(0).max(100).optional(),
    dailyLoss: z
      .object({
        percent,
        reference: z.enum(['DAY_START_BALANCE', 'DAY_START_HIGHER_OF_BALANCE_EQUITY']).default('DAY_START_BALANCE'),
        percentOf: z.enum(['DAY_REFERENCE', 'INITIAL_BALANCE']).default('DAY_REFERENCE'),
        resetUtcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
      })
      .strict()
      .optional(),
    maxDrawdown: z
      .object({ percent, mode: z.enum(['STATIC_INITIAL_BALANCE', 'TRAILING_PEAK_BALANCE', 'TRAILING_PEAK_EQUITY']).default('STATIC_INITIAL_BALANCE') })
      .strict()
      .optional(),
    maxOrdersPerMinute: z.number().int().positive().max(10_000).optional(),
    maxSyncAgeMs: z.number().int().min(1_000).max(3_600_000).optional(),
    onLossLimitBreach: z.enum(['REDUCING', 'HALTED']).optional(),
  })
  .strict();

export const mappingSchema = z
  .object({
    prefix: z.string().max(16).optional(),
    suffix: z.string().max(16).optional(),
    explicit: z.record(symbol, symbol).optional(),
  })
  .strict();

export const filtersSchema = z
  .object({
    allowedSymbols: z.array(symbol).max(1000).optional(),
    blockedSymbols: z.array(symbol).max(1000).optional(),
    allowedDirections: z.array(z.enum(['BUY', 'SELL'])).max(2).optional(),
  })
  .strict();

export const bridgeSchema = z
  .object({
    kind: z.enum(['METAAPI', 'SIMULATOR']),
    metaapiAccountId: z.string().max(128).default(''),
    region: z.string().max(64).default(''),
    baseUrl: z.union([z.string().url(), z.literal('')]).default(''),
    failoverBaseUrl: z.union([z.string().url(), z.literal('')]).default(''),
    /** Name of the secret holding the credentials; the credentials themselves are refused. */
    credentialsSecretRef: z.string().regex(/^[A-Za-z0-9._/:-]{0,256}$/, 'must be the name of a secret, not the secret').default(''),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.kind === 'METAAPI' && b.metaapiAccountId === '') ctx.addIssue({ code: 'custom', path: ['metaapiAccountId'], message: 'required for METAAPI accounts' });
    if (b.kind === 'SIMULATOR' && b.baseUrl === '') ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'required for SIMULATOR accounts' });
  });

export const accountSchema = z
  .object({
    tenantId: id,
    ownerUserId: id,
    displayName: z.string().max(200).default(''),
    platform: z.enum(['MT4', 'MT5']),
    currency,
    brokerLogin: z.string().max(64).default(''),
    brokerServer: z.string().max(128).default(''),
    bridge: bridgeSchema,
    enabled: z.boolean().default(true),
    autoTrading: z.boolean().default(false),
    sizing: sizingSchema,
    limits: limitsSchema.default({}),
    mapping: mappingSchema.default({}),
    filters: filtersSchema.default({}),
    magicNumber: z.number().int().min(0).max(2_147_483_647).default(0),
  })
  .strict();

export const subscriptionSchema = z
  .object({
    sourceId: id,
    enabled: z.boolean().default(true),
    sizing: sizingSchema.optional(),
    reverse: z.boolean().default(false),
    filters: filtersSchema.optional(),
  })
  .strict();

export const subscriptionUpdateSchema = subscriptionSchema.omit({ sourceId: true });

export const tradingStateSchema = z
  .object({
    state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
    reason: z.string().min(1).max(500),
  })
  .strict();

const price = z.number().finite().positive();
const isoTime = z.string().datetime({ offset: true });

/** A signal to preview, in the shape of signal.generated (times as ISO strings). */
export const previewSignalSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('OPEN'),
      signalId: id.default('preview'),
      sourceId: id,
      tenantId: id,
      userId: id.optional(),
      symbol,
      direction: z.enum(['BUY', 'SELL']),
      entry: z.enum(['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT']).default('MARKET'),
      entryPrice: price.optional(),
      stopLimitPrice: price.optional(),
      stopLoss: price.optional(),
      takeProfits: z.array(price).max(10).default([]),
      maxSlippagePoints: z.number().int().min(0).max(100_000).optional(),
      volumeHint: lots.optional(),
      providerBalance: price.optional(),
      providerCurrency: currency.optional(),
      acceptedAt: isoTime.optional(),
      expiresAt: isoTime.optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('MODIFY'),
      signalId: id.default('preview'),
      sourceId: id,
      tenantId: id,
      userId: id.optional(),
      symbol,
      referencedSignalId: id,
      stopLoss: price.optional(),
      takeProfit: price.optional(),
      moveToBreakEven: z.boolean().optional(),
      trailingDistance: price.optional(),
      acceptedAt: isoTime.optional(),
      expiresAt: isoTime.optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('CLOSE'),
      signalId: id.default('preview'),
      sourceId: id,
      tenantId: id,
      userId: id.optional(),
      symbol,
      referencedSignalId: id,
      fraction: z.number().finite().gt(0).max(1).default(1),
      acceptedAt: isoTime.optional(),
      expiresAt: isoTime.optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('CANCEL'),
      signalId: id.default('preview'),
      sourceId: id,
      tenantId: id,
      userId: id.optional(),
      symbol,
      referencedSignalId: id,
      acceptedAt: isoTime.optional(),
      expiresAt: isoTime.optional(),
    })
    .strict(),
]);

export const symbolSpecSchema = z
  .object({
    accountId: z.string().uuid().optional(),
    symbol,
    baseCurrency: z.string().regex(/^[A-Z]{3}$/),
    profitCurrency: currency,
    marginCurrency: z.string().regex(/^[A-Z]{3}$/),
    contractSize: z.number().finite().positive(),
    tickSize: z.number().finite().positive(),
    tickValue: z.number().finite().positive().optional(),
    digits: z.number().int().min(0).max(10),
    volumeMin: lots,
    volumeMax: lots,
    volumeStep: lots,
    calcMode: z.enum(['FOREX', 'FOREX_NO_LEVERAGE', 'CFD', 'CFD_INDEX', 'CFD_LEVERAGE', 'FUTURES']),
    marginRate: z.number().finite().positive().optional(),
    initialMargin: z.number().finite().positive().optional(),
    tradeMode: z.enum(['DISABLED', 'LONG_ONLY', 'SHORT_ONLY', 'CLOSE_ONLY', 'FULL']).default('FULL'),
  })
  .strict()
  .refine((s) => s.volumeMin <= s.volumeMax, { path: ['volumeMin'], message: 'must not exceed volumeMax' });

export const fxRatesSchema = z.record(z.string().regex(/^[A-Z]{6}$/, 'pairs are six capital letters, e.g. EURUSD'), z.number().finite().positive());

/** One field-level problem. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Validation failure carrying every field problem. */
export class ValidationProblem extends Error {
  constructor(readonly errors: readonly FieldProblem[]) {
    super(`invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

/** Parses `body` with `schema` or throws a ValidationProblem naming every bad field. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ValidationProblem(
    result.error.issues.map((i) => ({ field: i.path.length > 0 ? i.path.join('.') : '(body)', message: i.message })),
  );
}
