import {
  BridgeValidationError,
  MAX_COMMENT_LENGTH,
  clientIdFor,
  type ClientIdLookup,
  type TradeResult,
  type TradingTerminal,
} from '@tradebridge/bridge';
import type { AttemptRecorded, OrderIntentApproved } from '@tradebridge/contracts';
import type { MessagingLogger } from '@tradebridge/messaging';
import type { Kysely } from 'kysely';
import { adjustStopsToLevel, reducedVolume, slippageOf } from '../../domain/adjust';
import { isPending, kindOf, openOrderTypeOf, sideOf, validateIntent, type IntentKindName, type OpenOrderType } from '../../domain/intent';
import { assertTransition, isFinal, resumeActionFor, type IntentState } from '../../domain/intent-state';
import {
  NO_RETRIES,
  decideAfterNothingFound,
  decideNext,
  type ExecReason,
  type NextStep,
  type RetryCounts,
  type RetryPolicy,
} from '../../domain/strategy';
import type { ExecutionDb, OrderRow, OrderUpdate } from '../../adapters/postgres/execution.table';
import {
  findIntent,
  flagAccount,
  insertAttempts,
  markManyPublished,
  recordIntents,
  relaxed,
  transition,
  transitionMany,
  type TransitionRequest,
} from '../../adapters/postgres/orders.repository';
import type { NewAttemptRow, NewOrderRow } from '../../adapters/postgres/execution.table';
import type { Transaction } from 'kysely';
import { WriteBatcher } from '@tradebridge/persistence';
import type { AccountDirectory, AccountView } from '../accounts/account-directory';
import {
  attemptRecorded,
  codeOf,
  orderPlaced,
  orderRejected,
  type CodeFacts,
  type ResultEvent,
  type Timeline,
} from './events';
import type { AccountGate, EventSink, ExecutionMetrics, MarketData } from './support';

/** Everything the executor needs from the outside world. */
export interface ExecutorDeps {
  readonly db: Kysely<ExecutionDb>;
  /** A pool reserved for the record made before each send, so it never queues behind bookkeeping writes. */
  readonly hotDb?: Kysely<ExecutionDb>;
  /**
   * A pool whose commits do not wait for the WAL flush (synchronous_commit off), for the writes a database crash may
   * lose without harm: attempt rows, publication marks and final states, which reconciliation with the terminal
   * restores. Without it those writes run in `relaxed` transactions on `db` (four round trips instead of one).
   */
  readonly lazyDb?: Kysely<ExecutionDb>;
  readonly accounts: AccountDirectory;
  readonly terminals: { terminalFor(view: AccountView): Promise<TradingTerminal> };
  readonly sink: EventSink;
  readonly market: MarketData;
  readonly gate: AccountGate;
  readonly metrics: ExecutionMetrics;
  readonly logger: MessagingLogger;
  readonly policy: RetryPolicy;
  /** Identifies this process in lease_owner. */
  readonly instanceId: string;
  readonly nowUs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long an IN_FLIGHT intent of another instance is left alone before it is reconciled here. */
  readonly leaseMs: number;
  /** Delay before the next reconciliation when the terminal could not be asked. */
  readonly reconcileRetryMs: number;
  /** Wait before a second look when the terminal shows nothing for a lost answer. */
  readonly reconcileSettleMs: number;
  /** How long an intent waits for its account's configuration to arrive. */
  readonly accountWaitMs: number;
  /** Whether "no money" may reduce the volume on this account. */
  readonly canReduceVolume: (accountId: string) => boolean;
  /** Fill details (fill price already comes from the bridge): slippage value and account currency. */
  readonly enrichFills: boolean;
  /** Handles position-management intents (MODIFY/CLOSE/CANCEL/CLOSE_BY). */
  readonly manage?: ManageHandler;
}

/** What a management run produces. */
export interface ManageOutcome {
  readonly events: ResultEvent[];
  readonly state: 'DONE' | 'REJECTED';
  readonly reason?: ExecReason;
  readonly detail?: string;
}

/** Runs a management intent's broker calls (see manage-positions). */
export type ManageHandler = (run: Run, terminal: TradingTerminal) => Promise<ManageOutcome | 'deferred'>;

/** Flagged accounts, in memory (the table is the record). */
export class AccountFlags {
  private readonly flagged = new Map<string, { reason: string; configVersion: number }>();

  has(accountId: string): boolean {
    return this.flagged.has(accountId);
  }
  reason(accountId: string): string | undefined {
    return this.flagged.get(accountId)?.reason;
  }
  set(accountId: string, reason: string, configVersion: number): void {
    this.flagged.set(accountId, { reason, configVersion });
  }
  clear(accountId: string): boolean {
    return this.flagged.delete(accountId);
  }
  /** A configuration newer than the one the account was flagged under clears the flag (credentials were fixed). */
  clearIfNewer(accountId: string, configVersion: number): boolean {
    const f = this.flagged.get(accountId);
    if (f && configVersion > f.configVersion) return this.flagged.delete(accountId);
    return false;
  }
}

/** The request as it will be sent next (volume and stops change with the strategies). */
export interface RequestShape {
  readonly volume: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

/** Progress stored with the intent, so a restart resumes with the same budgets. */
export interface Progress {
  readonly counts: RetryCounts;
  readonly request: RequestShape;
  /** Broker interactions recorded so far (execution_attempts.attempt numbers). */
  readonly seq: number;
  readonly note?: string;
  /** Management intents: per-target progress. */
  readonly targets?: Record<string, { status: 'sending' | 'done' | 'failed'; volumeBefore?: number; detail?: string }>;
  /** Management intents: events of finished targets. */
  readonly events?: ResultEvent[];
  /** Operator who asked for a retry. */
  readonly operator?: string;
}

/** One execution of an intent: its current row and what the run knows. */
export interface Run {
  readonly intent: OrderIntentApproved;
  readonly kind: IntentKindName;
  readonly clientId: string;
  row: OrderRow;
  progress: Progress;
  timeline: Timeline;
  readonly publishes: Promise<void>[];
  /** Bookkeeping writes (attempt rows) still running; awaited before results are published. */
  readonly writes: Promise<void>[];
  /** Recorded as IN_FLIGHT by this run itself (fast path): the first send needs no transition, nothing was sent yet. */
  claimed?: boolean;
}

const nowDate = (us: number) => new Date(Math.floor(us / 1000));
/** A batch write whose callers need no result, as a WriteBatcher flush (one `undefined` per item). */
const noResults =
  <T>(write: (items: readonly T[]) => Promise<void>) =>
  async (items: readonly T[]): Promise<undefined[]> => {
    await write(items);
    return items.map(() => undefined);
  };
/** Resolves after the I/O callbacks that are ready now (setImmediate runs after the event loop's poll phase). */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Places approved intents on their accounts: records each intent before anything leaves, sends it through the
 * bridge, applies the rejection strategies, reconciles lost answers with the terminal before any resend, and
 * publishes the outcome. Redelivered intents republish their result and send nothing.
 */
export class IntentExecutor {
  /** Intents being driven in this process: a redelivery or the scheduler never drives one twice at once. */
  private readonly active = new Set<string>();
  /**
   * Group commit: the records of a fan-out's intents (durable, before anything is sent), their attempt rows and their
   * publication marks are each written as a few multi-row statements instead of one round trip and commit per intent.
   */
  private readonly records: WriteBatcher<NewOrderRow, { readonly row: OrderRow; readonly created: boolean }>;
  private readonly attempts: WriteBatcher<NewAttemptRow, undefined>;
  private readonly publishedMarks: WriteBatcher<{ readonly intentId: string; readonly version: number }, undefined>;
  private readonly finalMoves: WriteBatcher<TransitionRequest, OrderRow | undefined>;

  constructor(
    private readonly deps: ExecutorDeps,
    readonly flags: AccountFlags,
  ) {
    this.records = new WriteBatcher({ flush: (rows) => recordIntents(deps.hotDb ?? deps.db, rows), maxBatch: 500, maxConcurrent: 2 });
    this.attempts = new WriteBatcher({ flush: noResults((rows) => this.lazily((db) => insertAttempts(db, rows))), maxBatch: 500 });
    this.finalMoves = new WriteBatcher({ flush: (moves) => this.lazily((db) => transitionMany(db, moves)), maxBatch: 500 });
    this.publishedMarks = new WriteBatcher({ flush: noResults((marks) => this.lazily((db) => markManyPublished(db, marks))), maxBatch: 500 });
  }

  /** Runs a write that need not wait for the WAL flush (see ExecutorDeps.lazyDb). */
  private lazily<T>(work: (db: Kysely<ExecutionDb> | Transaction<ExecutionDb>) => Promise<T>): Promise<T> {
    return this.deps.lazyDb ? work(this.deps.lazyDb) : relaxed(this.deps.db, work);
  }

  /** Handles one risk.approved event (from the key-ordered consumer). */
  async onApproved(intent: OrderIntentApproved, receivedAtUs: number): Promise<void> {
    const problems = validateIntent(intent);
    const kind = kindOf(intent) ?? 'open';
    const type = openOrderTypeOf(intent);
    const identified = !problems.some((p) => ['intent_id', 'account_id', 'signal_id'].includes(p.field));
    if (!identified) throw new InvalidIntentError(problems.map((p) => `${p.field} ${p.problem}`).join('; '));
    // Fast path for a fresh OPEN intent whose account can trade right now: the intent is recorded directly as
    // IN_FLIGHT (one commit) and sent; every other case records it as RECEIVED and takes the general path.
    const view = problems.length === 0 && kind === 'open' ? this.deps.accounts.get(intent.accountId) : undefined;
    const claim =
      view !== undefined && view.enabled && !this.flags.has(intent.accountId) && this.deps.nowUs() < intent.deadlineAtUs && !this.active.has(intent.intentId);
    const progress: Progress = { counts: NO_RETRIES, request: initialRequest(intent), seq: 0 };
    const { row, created } = await this.records.submit({
      intent_id: intent.intentId,
      client_id: clientIdFor(intent.intentId),
      signal_id: intent.signalId,
      account_id: intent.accountId,
      kind,
      leg: intent.leg,
      symbol: intent.brokerSymbol.slice(0, 40),
      order_type: kind === 'open' ? (type ?? (sideOf(intent) ?? 'buy')) : kind,
      volume: Number.isFinite(intent.volume) ? intent.volume : 0,
      requested_price: intent.entryPrice ?? null,
      stop_loss: intent.stopLoss ?? null,
      take_profit: intent.takeProfit ?? null,
      order_status: 'pending',
      state: claim ? 'IN_FLIGHT' : 'RECEIVED',
      lease_owner: claim ? this.deps.instanceId : null,
      attempts: claim ? 1 : 0,
      // The claimed send is attempt 1: a restart that finds the row continues numbering after it.
      progress: JSON.stringify(claim ? { ...progress, seq: 1 } : progress),
      deadline_at: nowDate(intent.deadlineAtUs),
      signal_accepted_at: nowDate(intent.signalAcceptedAtUs),
      risk_decided_at: nowDate(intent.decidedAtUs),
      execution_received_at: nowDate(receivedAtUs),
      intent: JSON.stringify(intent),
    });
    const run = this.runOf(row, receivedAtUs);
    run.claimed = created && claim;
    if (run.claimed) run.progress = { ...run.progress, seq: 0 };
    if (created && problems.length > 0) {
      await this.reject(run, 'EXEC_INVALID_INTENT', problems.map((p) => `${p.field} ${p.problem}`).join('; '));
      return;
    }
    if (!created) this.deps.logger.info({ intentId: intent.intentId, accountId: intent.accountId, state: row.state }, 'intent delivered again');
    await this.drive(run, false);
  }

  /** Resumes an intent from its row (scheduler, operator retry, lease expiry). */
  async resume(intentId: string): Promise<void> {
    const row = await findIntent(this.deps.db, intentId);
    if (!row) return;
    await this.drive(this.runOf(row, undefined), true);
  }

  /** Publishes an intent's stored results again (redelivery of a finished intent, or a crash before the publish). */
  async republish(intentId: string): Promise<void> {
    const row = await findIntent(this.deps.db, intentId);
    if (row && row.results !== null) await this.publishResults(row);
  }

  private runOf(row: OrderRow, receivedAtUs: number | undefined): Run {
    const intent = row.intent as OrderIntentApproved;
    const progress = (row.progress as Progress | null) ?? { counts: NO_RETRIES, request: initialRequest(intent), seq: 0 };
    return {
      intent,
      kind: (row.kind as IntentKindName) ?? 'open',
      clientId: row.client_id,
      row,
      progress,
      timeline: {
        signalAcceptedAtUs: intent.signalAcceptedAtUs,
        riskDecidedAtUs: intent.decidedAtUs,
        executionReceivedAtUs: receivedAtUs ?? (row.execution_received_at ? row.execution_received_at.getTime() * 1000 : this.deps.nowUs()),
      },
      publishes: [],
      writes: [],
    };
  }

  private async drive(run: Run, fromScheduler: boolean): Promise<void> {
    const id = run.intent.intentId;
    if (this.active.has(id)) return;
    this.active.add(id);
    try {
      await this.driveOwned(run, fromScheduler);
    } finally {
      this.active.delete(id);
      await Promise.allSettled([...run.writes, ...run.publishes]);
    }
  }

  private async driveOwned(run: Run, fromScheduler: boolean): Promise<void> {
    const { deps } = this;
    const now = deps.nowUs();
    const due = run.row.next_attempt_at === null || run.row.next_attempt_at.getTime() * 1000 <= now;
    const action = run.claimed ? 'execute' : resumeActionFor(run.row.state, fromScheduler ? due : false);
    if (action === 'republish') {
      if (run.row.results !== null) await this.publishResults(run.row);
      return;
    }
    if (action === 'wait') return;
    if (action === 'reconcile' && run.row.lease_owner !== null && run.row.lease_owner !== deps.instanceId && run.row.state === 'IN_FLIGHT') {
      // Another instance sent it and may still be waiting for the answer: leave it until its lease runs out.
      const leaseEnds = run.row.updated_at.getTime() + deps.leaseMs;
      if (leaseEnds > now / 1000) {
        deps.logger.info({ intentId: run.intent.intentId, owner: run.row.lease_owner }, 'intent in flight on another instance; reconciling after its lease');
        return;
      }
    }
    const view = await this.accountOf(run.intent.accountId);
    if (!view || !view.enabled) return this.reject(run, 'EXEC_ACCOUNT_UNAVAILABLE', view ? 'the account is disabled' : 'no configuration for the account on account.config');
    let terminal: TradingTerminal;
    try {
      terminal = await deps.terminals.terminalFor(view);
    } catch (error) {
      return this.reject(run, 'EXEC_ACCOUNT_UNAVAILABLE', `cannot connect the account: ${(error as Error).message}`);
    }
    if (run.kind !== 'open') {
      if (!deps.manage) return this.reject(run, 'EXEC_INVALID_INTENT', `${run.kind} intents are not handled`);
      if (this.flags.has(view.accountId)) return this.reject(run, 'EXEC_ACCOUNT_FLAGGED', `account flagged: ${this.flags.reason(view.accountId)}`);
      if (deps.nowUs() >= run.intent.deadlineAtUs && run.row.state === 'RECEIVED') return this.expire(run, 'the deadline passed before execution started');
      const outcome = await deps.manage(run, terminal);
      if (outcome === 'deferred') return;
      return this.finishManaged(run, outcome);
    }
    let next: NextStep | undefined;
    if (action === 'reconcile') {
      const found = await this.reconcile(run, terminal, view);
      if (found === 'deferred' || found === 'finished') return;
      next = decideAfterNothingFound(run.progress.counts, deps.policy, deps.nowUs() / 1000, run.intent.deadlineAtUs / 1000);
    }
    for (;;) {
      if (next?.kind === 'reject') return this.reject(run, next.reason, next.detail, undefined, next.flagAccount);
      if (next?.kind === 'schedule') return this.schedule(run, next.atMs, next.counts, next.note);
      if (next?.kind === 'succeeded' || next?.kind === 'reconcile') throw new Error(`unexpected step ${next.kind} before sending`);
      if (next?.kind === 'resend') {
        run.progress = { ...run.progress, counts: next.counts, note: next.note };
        if (next.delayMs > 0) await deps.sleep(next.delayMs);
        if (next.change !== 'none') {
          const changed = await this.changeRequest(run, terminal, next.change);
          if (changed !== undefined) return this.reject(run, changed.reason, changed.detail);
        }
      }
      if (this.flags.has(view.accountId)) return this.reject(run, 'EXEC_ACCOUNT_FLAGGED', `account flagged: ${this.flags.reason(view.accountId)}`);
      if (deps.nowUs() >= run.intent.deadlineAtUs) return this.expire(run, 'the deadline passed before the order could be sent');
      const answer = await this.send(run, terminal);
      if (answer === undefined) return; // lost the intent to another worker
      if (answer instanceof BridgeValidationError) return this.reject(run, 'EXEC_INVALID_INTENT', answer.message);
      const step = decideNext({
        answer: { handling: answer.handling, hint: answer.hint, retryAfterMs: answer.retryAfterMs, codeId: answer.codeId, message: answer.message },
        counts: run.progress.counts,
        policy: deps.policy,
        nowMs: deps.nowUs() / 1000,
        deadlineMs: run.intent.deadlineAtUs / 1000,
        canReduceVolume: deps.canReduceVolume(view.accountId),
      });
      if (step.kind === 'succeeded') return this.fill(run, terminal, answer);
      if (step.kind === 'reject') return this.reject(run, step.reason, step.detail, codeOf(answer), step.flagAccount);
      if (step.kind === 'reconcile') {
        if (!(await this.move(run, 'UNKNOWN', { handling_class: answer.handling }))) return;
        const found = await this.reconcile(run, terminal, view);
        if (found === 'deferred' || found === 'finished') return;
        next = decideAfterNothingFound(run.progress.counts, deps.policy, deps.nowUs() / 1000, run.intent.deadlineAtUs / 1000);
        continue;
      }
      next = step;
    }
  }

  private async accountOf(accountId: string): Promise<AccountView | undefined> {
    let view = this.deps.accounts.get(accountId);
    const until = Date.now() + this.deps.accountWaitMs;
    while (!view && Date.now() < until) {
      await this.deps.sleep(50);
      view = this.deps.accounts.get(accountId);
    }
    return view;
  }

  /** Applies a strategy's change to the next request; returns a rejection when the change is impossible. */
  private async changeRequest(run: Run, terminal: TradingTerminal, change: 'reduce_volume' | 'adjust_stops'): Promise<{ reason: ExecReason; detail: string } | undefined> {
    const { intent } = run;
    try {
      const spec = await this.deps.market.spec(intent.accountId, terminal, intent.brokerSymbol);
      if (change === 'reduce_volume') {
        const volume = reducedVolume(run.progress.request.volume, spec, this.deps.policy.volumeReductionFactor);
        if (volume === undefined) return { reason: 'EXEC_INSUFFICIENT_MARGIN', detail: `not enough money even at the minimum volume ${spec.minVolume} (last tried ${run.progress.request.volume})` };
        run.progress = { ...run.progress, request: { ...run.progress.request, volume } };
        return undefined;
      }
      const price = await this.deps.market.price(intent.accountId, terminal, intent.brokerSymbol, true);
      const type = openOrderTypeOf(intent) as OpenOrderType;
      const adjusted = adjustStopsToLevel({
        side: sideOf(intent) ?? 'buy',
        ...(isPending(type) && intent.entryPrice !== undefined ? { openPrice: type.endsWith('stop_limit') ? (intent.stopLimitPrice ?? intent.entryPrice) : intent.entryPrice } : {}),
        bid: price.bid,
        ask: price.ask,
        ...(run.progress.request.stopLoss === undefined ? {} : { stopLoss: run.progress.request.stopLoss }),
        ...(run.progress.request.takeProfit === undefined ? {} : { takeProfit: run.progress.request.takeProfit }),
        stopsLevel: spec.stopsLevel,
        point: spec.point,
        digits: spec.digits,
      });
      run.progress = { ...run.progress, request: { ...run.progress.request, ...adjusted } };
      return undefined;
    } catch (error) {
      return { reason: 'EXEC_BROKER_REJECTED', detail: `cannot read the symbol to change the request: ${(error as Error).message}` };
    }
  }

  /** Moves the intent to IN_FLIGHT (committed), sends it once, records the attempt. */
  private async send(run: Run, terminal: TradingTerminal): Promise<TradeResult | BridgeValidationError | undefined> {
    const { deps } = this;
    const { intent } = run;
    const seq = run.progress.seq + 1;
    run.progress = { ...run.progress, seq };
    const request = run.progress.request;
    if (run.claimed) {
      run.claimed = false;
    } else if (
      !(await this.move(run, 'IN_FLIGHT', {
        attempts: run.row.attempts + 1,
        retry_count: Math.max(0, run.row.attempts),
        lease_owner: deps.instanceId,
        next_attempt_at: null,
        volume: request.volume,
        stop_loss: request.stopLoss ?? null,
        take_profit: request.takeProfit ?? null,
        progress: JSON.stringify(run.progress),
      }))
    )
      return undefined;
    const type = openOrderTypeOf(intent) as OpenOrderType;
    const comment = shortComment(intent.comment, intent.platform === 'PLATFORM_MT4');
    const common = {
      intentId: intent.intentId,
      ...(comment ? { comment } : {}),
      ...(intent.magicNumber ? { magic: intent.magicNumber } : {}),
      ...(request.stopLoss ? { stopLoss: request.stopLoss } : {}),
      ...(request.takeProfit ? { takeProfit: request.takeProfit } : {}),
    };
    const startedUs = deps.nowUs();
    run.timeline = { ...run.timeline, brokerSentAtUs: startedUs };
    let result: TradeResult;
    try {
      result = await deps.gate.run(intent.accountId, () =>
        isPending(type)
          ? terminal.placePendingOrder({
              ...common,
              symbol: intent.brokerSymbol,
              type: type as Exclude<OpenOrderType, 'buy' | 'sell'>,
              volume: request.volume,
              openPrice: intent.entryPrice as number,
              ...(intent.stopLimitPrice === undefined ? {} : { stopLimitPrice: intent.stopLimitPrice }),
              ...(intent.orderExpiresAtUs ? { expiration: { type: 'specified' as const, time: nowDate(intent.orderExpiresAtUs) } } : {}),
            })
          : terminal.placeMarketOrder({
              ...common,
              symbol: intent.brokerSymbol,
              side: type as 'buy' | 'sell',
              volume: request.volume,
              ...(intent.maxSlippagePoints ? { slippagePoints: intent.maxSlippagePoints } : {}),
            }),
      );
    } catch (error) {
      if (error instanceof BridgeValidationError) return error;
      throw error;
    }
    const finishedUs = deps.nowUs();
    if (result.status === 'success') run.timeline = { ...run.timeline, brokerAcknowledgedAtUs: startedUs + result.brokerRoundTripMs * 1000 };
    // What follows is bookkeeping. In a fan-out, other accounts' requests are waiting to leave and their answers to be
    // read: let the I/O that is ready run first, so one account's bookkeeping never delays another account's order.
    await yieldToIo();
    await this.recordAttempt(run, {
      seq,
      action: isPending(type) ? 'BROKER_ACTION_PLACE_PENDING_ORDER' : 'BROKER_ACTION_PLACE_MARKET_ORDER',
      result,
      volume: request.volume,
      price: intent.entryPrice,
      stopLoss: request.stopLoss,
      takeProfit: request.takeProfit,
      startedUs,
      finishedUs,
      note: run.progress.note ?? (run.progress.operator ? `operator retry by ${run.progress.operator}` : 'first attempt'),
    });
    return result;
  }

  /** Records one broker interaction: a row, an execution.attempt.recorded event and the metrics. */
  async recordAttempt(
    run: Run,
    a: {
      seq: number;
      action: AttemptRecorded['action'];
      result?: TradeResult;
      code?: CodeFacts;
      outcome?: AttemptRecorded['outcome'];
      volume: number;
      price?: number;
      stopLoss?: number;
      takeProfit?: number;
      startedUs: number;
      finishedUs: number;
      note: string;
      positionId?: string;
      orderId?: string;
    },
  ): Promise<void> {
    const { intent } = run;
    const code = a.result ? codeOf(a.result) : (a.code ?? { code: 0, codeId: '', message: '', platform: 'metaapi' as const, handling: 'success' as const });
    const outcome: AttemptRecorded['outcome'] =
      a.outcome ?? (a.result?.status === 'success' ? 'ATTEMPT_OUTCOME_SUCCESS' : a.result?.status === 'outcome_unknown' ? 'ATTEMPT_OUTCOME_UNKNOWN' : 'ATTEMPT_OUTCOME_REJECTED');
    const roundTripUs = a.result ? a.result.brokerRoundTripMs * 1000 : a.finishedUs - a.startedUs;
    const write = this.attempts.submit({
      intent_id: intent.intentId,
      attempt: a.seq,
      account_id: intent.accountId,
      action: a.action.replace('BROKER_ACTION_', '').toLowerCase(),
      outcome: outcome.replace('ATTEMPT_OUTCOME_', '').toLowerCase(),
      platform_code: code.codeId ? code.code : null,
      platform_code_id: code.codeId || null,
      platform_code_table: code.codeId ? code.platform : null,
      handling_class: code.codeId ? code.handling : null,
      message: code.message || null,
      volume: a.volume,
      price: a.price ?? null,
      stop_loss: a.stopLoss ?? null,
      take_profit: a.takeProfit ?? null,
      broker_order_id: a.result?.orderId ?? a.orderId ?? null,
      broker_position_id: a.result?.positionId ?? a.positionId ?? null,
      started_at: nowDate(a.startedUs),
      finished_at: nowDate(a.finishedUs),
      round_trip_us: Math.round(roundTripUs),
      next_attempt_at: null,
      note: a.note,
    });
    run.writes.push(write.catch((error: unknown) => this.deps.logger.warn({ intentId: intent.intentId, error: (error as Error).message }, 'attempt row not recorded')));
    const event = attemptRecorded(intent, {
      seq: a.seq,
      action: a.action,
      outcome,
      code,
      volume: a.volume,
      ...(a.price === undefined ? {} : { price: a.price }),
      ...(a.stopLoss === undefined ? {} : { stopLoss: a.stopLoss }),
      ...(a.takeProfit === undefined ? {} : { takeProfit: a.takeProfit }),
      clientId: a.result?.clientId ?? run.clientId,
      brokerPositionId: a.result?.positionId ?? a.positionId ?? '',
      brokerOrderId: a.result?.orderId ?? a.orderId ?? '',
      startedAtUs: a.startedUs,
      finishedAtUs: a.finishedUs,
      roundTripUs,
      note: a.note,
    });
    run.publishes.push(
      this.deps.sink.publish({ topic: 'execution.attempt.recorded', key: intent.accountId, value: event }).catch((error: unknown) =>
        this.deps.logger.warn({ intentId: intent.intentId, error: (error as Error).message }, 'attempt event not published'),
      ),
    );
    if (a.action !== 'BROKER_ACTION_RECONCILE_QUERY') {
      this.deps.metrics.attempts.inc({ account_id: intent.accountId, outcome: outcome.replace('ATTEMPT_OUTCOME_', '').toLowerCase(), handling_class: code.handling });
      if (outcome !== 'ATTEMPT_OUTCOME_SUCCESS') this.deps.metrics.brokerRejections.inc({ account_id: intent.accountId, code: code.codeId || 'none' });
    }
  }

  /**
   * Asks the terminal what became of a request whose answer was lost: positions, pending orders and history carrying
   * the intent's clientId. Finishes the intent when something is found; 'deferred' when the terminal cannot answer now.
   */
  private async reconcile(run: Run, terminal: TradingTerminal, view: AccountView): Promise<'finished' | 'deferred' | 'nothing'> {
    const { deps } = this;
    for (let look = 0; look < 2; look += 1) {
      const seq = run.progress.seq + 1;
      run.progress = { ...run.progress, seq };
      const startedUs = deps.nowUs();
      let lookup: ClientIdLookup;
      try {
        const since = new Date(Math.min(run.intent.signalAcceptedAtUs / 1000, Date.now()) - 60 * 60_000);
        lookup = await deps.gate.run(run.intent.accountId, () => terminal.findByClientId(run.clientId, { since }));
      } catch (error) {
        const at = deps.nowUs() + deps.reconcileRetryMs * 1000;
        deps.logger.warn({ intentId: run.intent.intentId, accountId: run.intent.accountId, error: (error as Error).message }, 'reconciliation failed; will ask the terminal again');
        await this.recordAttempt(run, { seq, action: 'BROKER_ACTION_RECONCILE_QUERY', outcome: 'ATTEMPT_OUTCOME_UNKNOWN', volume: 0, startedUs, finishedUs: deps.nowUs(), note: `reconciliation failed: ${(error as Error).message}` });
        await this.move(run, 'UNKNOWN', { next_attempt_at: nowDate(at), progress: JSON.stringify(run.progress) });
        return 'deferred';
      }
      await this.recordAttempt(run, {
        seq,
        action: 'BROKER_ACTION_RECONCILE_QUERY',
        outcome: lookup.found ? 'ATTEMPT_OUTCOME_SUCCESS' : 'ATTEMPT_OUTCOME_REJECTED',
        volume: run.progress.request.volume,
        startedUs,
        finishedUs: deps.nowUs(),
        note: lookup.found ? 'reconciliation: the terminal holds the trade' : 'reconciliation: nothing carries the clientId',
      });
      if (lookup.found) {
        await this.fillFromLookup(run, terminal, view, lookup);
        return 'finished';
      }
      if (look === 0 && deps.reconcileSettleMs > 0) await deps.sleep(deps.reconcileSettleMs);
      else break;
    }
    return 'nothing';
  }

  private async fillFromLookup(run: Run, terminal: TradingTerminal, view: AccountView, lookup: ClientIdLookup): Promise<void> {
    const position = lookup.positions[0];
    const order = lookup.orders[0] ?? lookup.historyOrders[0];
    const deal = lookup.deals.find((d) => d.entry === 'in') ?? lookup.deals[0];
    const positionId = position?.id ?? deal?.positionId ?? order?.positionId;
    const synthetic: TradeResult = {
      status: 'success',
      handling: 'success',
      platform: view.platform,
      code: view.platform === 'mt4' ? 0 : lookup.orders.length > 0 ? 10008 : 10009,
      codeId: 'RECONCILED',
      message: 'found on the terminal by clientId after a lost answer',
      ...(order?.id ?? deal?.orderId ? { orderId: (order?.id ?? deal?.orderId) as string } : {}),
      ...(positionId ? { positionId } : {}),
      ...(deal?.price ?? position?.openPrice ? { fillPrice: (deal?.price ?? position?.openPrice) as number } : {}),
      ...(deal?.volume ?? position?.volume ? { filledVolume: (deal?.volume ?? position?.volume) as number } : {}),
      brokerRoundTripMs: 0,
      clientId: run.clientId,
    };
    await this.fill(run, terminal, synthetic, lookup.orders.length > 0 && lookup.positions.length === 0 ? 'PLACED' : undefined);
  }

  /** Ends the intent as FILLED (market) or PLACED (pending) and publishes execution.order.placed. */
  private async fill(run: Run, terminal: TradingTerminal, result: TradeResult, forced?: 'PLACED'): Promise<void> {
    const { deps } = this;
    const { intent } = run;
    const type = openOrderTypeOf(intent) as OpenOrderType;
    const pending = isPending(type);
    const state: IntentState = forced ?? (pending ? 'PLACED' : 'FILLED');
    const volume = run.progress.request.volume;
    const filledVolume = pending ? 0 : (result.filledVolume ?? volume);
    const requestedPrice = intent.entryPrice;
    let slippage: { points: number; amount?: number } | undefined;
    let currency = '';
    if (deps.enrichFills) {
      try {
        const [spec, info] = await Promise.all([deps.market.spec(intent.accountId, terminal, intent.brokerSymbol), deps.market.accountInfo(intent.accountId, terminal)]);
        currency = info.currency;
        if (!pending && requestedPrice !== undefined && result.fillPrice !== undefined) {
          const price = await deps.market.priceForTickValue(intent.accountId, terminal, intent.brokerSymbol).catch(() => undefined);
          slippage = slippageOf({
            side: type as 'buy' | 'sell',
            requestedPrice,
            fillPrice: result.fillPrice,
            point: spec.point,
            tickSize: spec.tickSize,
            ...(price?.lossTickValue === undefined ? {} : { tickValue: price.lossTickValue }),
            volume: filledVolume,
          });
        }
      } catch (error) {
        deps.logger.warn({ intentId: intent.intentId, error: (error as Error).message }, 'fill details unavailable');
      }
    }
    const status = pending ? 'PLACEMENT_STATUS_PENDING_PLACED' : filledVolume + 1e-9 < volume ? 'PLACEMENT_STATUS_PARTIALLY_FILLED' : 'PLACEMENT_STATUS_FILLED';
    const event = orderPlaced(
      intent,
      {
        status,
        brokerOrderId: result.orderId ?? '',
        brokerPositionId: pending ? '' : (result.positionId ?? ''),
        brokerDealId: '',
        clientId: run.clientId,
        volume,
        filledVolume,
        ...(requestedPrice === undefined ? {} : { requestedPrice }),
        ...(result.fillPrice === undefined ? {} : { fillPrice: result.fillPrice }),
        ...(run.progress.request.stopLoss === undefined ? {} : { stopLoss: run.progress.request.stopLoss }),
        ...(run.progress.request.takeProfit === undefined ? {} : { takeProfit: run.progress.request.takeProfit }),
        ...(slippage ? { slippagePoints: slippage.points } : {}),
        ...(slippage?.amount === undefined ? {} : { slippageAmount: slippage.amount }),
        accountCurrency: currency,
        attempts: run.row.attempts,
        code: codeOf(result),
        timeline: run.timeline,
      },
      deps.nowUs(),
    );
    const ackUs = run.timeline.brokerAcknowledgedAtUs;
    if (
      !(await this.move(run, state, {
        order_status: pending ? 'placed' : 'filled',
        mt_order_id: result.orderId && /^\d{1,18}$/.test(result.orderId) ? result.orderId : null,
        broker_order_id: result.orderId ?? null,
        broker_position_id: pending ? null : (result.positionId ?? null),
        fill_price: result.fillPrice ?? null,
        filled_volume: filledVolume,
        filled_at: pending ? null : nowDate(ackUs ?? deps.nowUs()),
        slippage_points: slippage?.points ?? null,
        slippage_amount: slippage?.amount ?? null,
        account_currency: currency || null,
        execution_time_ms: Math.round(result.brokerRoundTripMs),
        platform_code: result.code,
        platform_code_id: result.codeId,
        platform_code_table: result.platform,
        handling_class: result.handling,
        broker_acknowledged_at: ackUs === undefined ? null : nowDate(ackUs),
        broker_sent_at: run.timeline.brokerSentAtUs === undefined ? undefined : nowDate(run.timeline.brokerSentAtUs),
        results: JSON.stringify([event]),
        progress: JSON.stringify(run.progress),
      }))
    )
      return;
    if (ackUs !== undefined) {
      deps.metrics.signalToAck.observe({ kind: run.kind }, (ackUs - intent.signalAcceptedAtUs) / 1000);
      deps.metrics.receivedToAck.observe({ kind: run.kind }, (ackUs - run.timeline.executionReceivedAtUs) / 1000);
    }
    deps.metrics.results.inc({ kind: run.kind, state });
    await this.publishResults(run.row);
  }

  private async finishManaged(run: Run, outcome: ManageOutcome): Promise<void> {
    const events = [...outcome.events];
    if (outcome.reason) {
      events.push(
        orderRejected(
          run.intent,
          { reason: outcome.reason, detail: outcome.detail ?? '', attempts: run.row.attempts, volume: run.intent.volume, clientId: run.clientId, actor: '', timeline: run.timeline },
          this.deps.nowUs(),
        ),
      );
      this.deps.metrics.finalRejections.inc({ account_id: run.intent.accountId, reason: outcome.reason });
    }
    if (
      !(await this.move(run, outcome.state, {
        order_status: outcome.state === 'DONE' ? 'done' : 'rejected',
        reason_code: outcome.reason ?? null,
        rejection_reason: outcome.detail ?? null,
        results: JSON.stringify(events),
        progress: JSON.stringify(run.progress),
      }))
    )
      return;
    this.deps.metrics.results.inc({ kind: run.kind, state: outcome.state });
    await this.publishResults(run.row);
  }

  private async schedule(run: Run, atMs: number, counts: RetryCounts, note: string): Promise<void> {
    run.progress = { ...run.progress, counts, note };
    if (!(await this.move(run, 'RETRY_SCHEDULED', { next_attempt_at: new Date(atMs), progress: JSON.stringify(run.progress) }))) return;
    this.deps.logger.info({ intentId: run.intent.intentId, accountId: run.intent.accountId, at: new Date(atMs).toISOString(), note }, 'retry scheduled');
  }

  private expire(run: Run, detail: string): Promise<void> {
    return this.reject(run, 'EXEC_DEADLINE_EXPIRED', detail);
  }

  /** Ends the intent without a trade (REJECTED, or EXPIRED for the deadline) and publishes execution.order.rejected. */
  async reject(run: Run, reason: ExecReason, detail: string, code?: CodeFacts, flag = false, actor = ''): Promise<void> {
    const { deps } = this;
    const { intent } = run;
    if (flag) {
      const view = deps.accounts.get(intent.accountId);
      this.flags.set(intent.accountId, `${code?.codeId ?? ''} ${code?.message ?? detail}`.trim(), view?.configVersion ?? 0);
      await flagAccount(deps.db, { accountId: intent.accountId, at: new Date(), code: code?.code ?? null, codeId: code?.codeId ?? null, reason: detail, intentId: intent.intentId });
      deps.logger.warn({ accountId: intent.accountId, intentId: intent.intentId, code: code?.codeId }, 'account flagged: the broker refused it fatally');
    }
    const state: IntentState = reason === 'EXEC_DEADLINE_EXPIRED' ? 'EXPIRED' : reason === 'EXEC_ABANDONED_BY_OPERATOR' ? 'ABANDONED' : 'REJECTED';
    const event = orderRejected(
      intent,
      { reason, detail, attempts: run.row.attempts, ...(code ? { code } : {}), volume: run.progress.request.volume, clientId: run.clientId, actor, timeline: run.timeline },
      deps.nowUs(),
    );
    if (
      !(await this.move(run, state, {
        order_status: state.toLowerCase(),
        reason_code: reason,
        rejection_reason: `${reason}: ${detail}`.slice(0, 2000),
        ...(code ? { platform_code: code.code, platform_code_id: code.codeId, platform_code_table: code.platform, handling_class: code.handling } : {}),
        results: JSON.stringify([event]),
        progress: JSON.stringify(run.progress),
      }))
    )
      return;
    deps.metrics.finalRejections.inc({ account_id: intent.accountId, reason });
    deps.metrics.results.inc({ kind: run.kind, state });
    await this.publishResults(run.row);
  }

  /** Publishes the row's result events (same event ids every time) and marks them acknowledged. */
  private async publishResults(row: OrderRow): Promise<void> {
    const events = (row.results as ResultEvent[] | null) ?? [];
    await Promise.all(events.map((e) => this.deps.sink.publish(e)));
    if (row.results_published_at === null) await this.publishedMarks.submit({ intentId: row.intent_id, version: row.version });
  }

  /** Transitions the intent (validated by the state machine, guarded by its version); false when another worker moved it. */
  async move(run: Run, to: IntentState, update: OrderUpdate): Promise<boolean> {
    assertTransition(run.row.state, to);
    const values = { ...update, state: to };
    let next;
    if (isFinal(to)) {
      // A lost final state only sends the intent back to reconciliation, so it need not wait for the WAL flush.
      await Promise.all(run.writes.splice(0));
      next = await this.finalMoves.submit({ intentId: run.intent.intentId, expectedVersion: run.row.version, update: values });
    } else {
      next = await transition(this.deps.db, run.intent.intentId, run.row.version, values);
    }
    if (!next) {
      this.deps.logger.warn({ intentId: run.intent.intentId, from: run.row.state, to }, 'intent moved by another worker; leaving it');
      return false;
    }
    run.row = next;
    return true;
  }

  /** Operator action: abandons an intent that is not in flight. */
  async abandon(intentId: string, operatorId: string, reason: string): Promise<'abandoned' | 'not_found' | 'not_allowed'> {
    const row = await findIntent(this.deps.db, intentId);
    if (!row) return 'not_found';
    if (isFinal(row.state) || row.state === 'IN_FLIGHT' || this.active.has(intentId)) return 'not_allowed';
    const run = this.runOf(row, undefined);
    await this.reject(run, 'EXEC_ABANDONED_BY_OPERATOR', reason || 'abandoned by an operator', undefined, false, operatorId);
    return run.row.state === 'ABANDONED' ? 'abandoned' : 'not_allowed';
  }

  /** Operator action: makes a waiting intent due now with fresh retry budgets, and drives it. */
  async retryNow(intentId: string, operatorId: string): Promise<'retried' | 'not_found' | 'not_allowed'> {
    const row = await findIntent(this.deps.db, intentId);
    if (!row) return 'not_found';
    if (!(row.state === 'RETRY_SCHEDULED' || row.state === 'UNKNOWN') || this.active.has(intentId)) return 'not_allowed';
    const run = this.runOf(row, undefined);
    run.progress = { ...run.progress, counts: NO_RETRIES, operator: operatorId, note: `operator retry by ${operatorId}` };
    if (!(await this.move(run, row.state, { next_attempt_at: new Date(), progress: JSON.stringify(run.progress) }))) return 'not_allowed';
    await this.drive(run, true);
    return 'retried';
  }
}

/** An intent without usable ids: it cannot be recorded, so it goes to the dead-letter topic. */
export class InvalidIntentError extends Error {
  readonly permanent = true;
  constructor(detail: string) {
    super(`invalid intent: ${detail}`);
    this.name = 'InvalidIntentError';
  }
}

function initialRequest(intent: OrderIntentApproved): RequestShape {
  return {
    volume: intent.volume,
    ...(intent.stopLoss === undefined ? {} : { stopLoss: intent.stopLoss }),
    ...(intent.takeProfit === undefined ? {} : { takeProfit: intent.takeProfit }),
  };
}

/** The intent's comment cut to what fits beside the clientId (and latin1 on MT4). */
export function shortComment(comment: string, mt4: boolean): string {
  const clean = mt4 ? [...comment].filter((ch) => ch.charCodeAt(0) <= 0xff).join('') : comment;
  return [...clean].slice(0, MAX_COMMENT_LENGTH).join('');
}
