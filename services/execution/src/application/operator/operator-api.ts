import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { IntentState } from '../../domain/intent-state';
import type { ExecutionDb } from '../../adapters/postgres/execution.table';
import { attemptsOf, findIntent, insertOperatorAction, listForOperator, unflagAccount } from '../../adapters/postgres/orders.repository';
import type { IntentExecutor } from '../execute-intent/intent-executor';

/** An HTTP answer, independent of the framework. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** What the operator API reads from a request. */
export interface OperatorRequest {
  readonly authorization?: string;
  readonly operatorId?: string;
  readonly query: Record<string, string | undefined>;
  readonly body: unknown;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const problem = (status: number, title: string, detail: string): Answer => ({ status, body: { type: 'about:blank', title, status, detail } });

/**
 * The operator API: lists stuck and repeatedly rejected intents, and retries or abandons one. Every action needs the
 * operator token and an operator id (header x-operator-id) and is audited: a row in execution_operator_actions, and
 * for an abandon the execution.order.rejected event carrying the operator as actor.
 */
export class OperatorApi {
  constructor(
    private readonly db: Kysely<ExecutionDb>,
    private readonly executor: IntentExecutor,
    private readonly token: string | undefined,
  ) {}

  async list(req: OperatorRequest): Promise<Answer> {
    const denied = this.authorize(req, false);
    if (denied) return denied;
    const filter = req.query.filter ?? 'stuck';
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1000);
    if (filter === 'stuck') {
      const olderThanMs = Number(req.query.olderThanMs ?? 60_000);
      if (!Number.isFinite(olderThanMs) || olderThanMs < 0) return problem(400, 'Bad request', 'olderThanMs must be a non-negative number');
      return { status: 200, body: { intents: await listForOperator(this.db, { stuckBefore: new Date(Date.now() - olderThanMs), limit }) } };
    }
    if (filter === 'rejected') {
      const minAttempts = Number(req.query.minAttempts ?? 2);
      if (!Number.isInteger(minAttempts) || minAttempts < 0) return problem(400, 'Bad request', 'minAttempts must be a non-negative integer');
      const states: IntentState[] = ['REJECTED', 'RETRY_SCHEDULED', 'UNKNOWN', 'EXPIRED'];
      return { status: 200, body: { intents: await listForOperator(this.db, { minAttempts, states, limit }) } };
    }
    return problem(400, 'Bad request', 'filter must be stuck or rejected');
  }

  async get(intentId: string, req: OperatorRequest): Promise<Answer> {
    const denied = this.authorize(req, false);
    if (denied) return denied;
    if (!UUID_RE.test(intentId)) return problem(400, 'Bad request', 'intentId must be a UUID');
    const row = await findIntent(this.db, intentId);
    if (!row) return problem(404, 'Not found', `no intent ${intentId}`);
    return { status: 200, body: { intent: row, attempts: await attemptsOf(this.db, intentId) } };
  }

  async retry(intentId: string, req: OperatorRequest): Promise<Answer> {
    const denied = this.authorize(req, true);
    if (denied) return denied;
    if (!UUID_RE.test(intentId)) return problem(400, 'Bad request', 'intentId must be a UUID');
    const before = await findIntent(this.db, intentId);
    if (!before) return problem(404, 'Not found', `no intent ${intentId}`);
    await insertOperatorAction(this.db, { intentId, action: 'retry', operatorId: req.operatorId!, reason: reasonOf(req.body), stateBefore: before.state });
    const outcome = await this.executor.retryNow(intentId, req.operatorId!);
    if (outcome === 'not_allowed') return problem(409, 'Conflict', `intent is ${before.state}: only RETRY_SCHEDULED and UNKNOWN intents can be retried`);
    const after = await findIntent(this.db, intentId);
    return { status: 200, body: { intentId, stateBefore: before.state, state: after?.state } };
  }

  async abandon(intentId: string, req: OperatorRequest): Promise<Answer> {
    const denied = this.authorize(req, true);
    if (denied) return denied;
    if (!UUID_RE.test(intentId)) return problem(400, 'Bad request', 'intentId must be a UUID');
    const reason = reasonOf(req.body);
    if (!reason) return problem(400, 'Bad request', 'body.reason is required to abandon an intent');
    const before = await findIntent(this.db, intentId);
    if (!before) return problem(404, 'Not found', `no intent ${intentId}`);
    const outcome = await this.executor.abandon(intentId, req.operatorId!, reason);
    if (outcome !== 'abandoned') return problem(409, 'Conflict', `intent is ${before.state}: final or in-flight intents cannot be abandoned`);
    await insertOperatorAction(this.db, { intentId, action: 'abandon', operatorId: req.operatorId!, reason, stateBefore: before.state });
    return { status: 200, body: { intentId, stateBefore: before.state, state: 'ABANDONED' } };
  }

  async unflag(accountId: string, req: OperatorRequest): Promise<Answer> {
    const denied = this.authorize(req, true);
    if (denied) return denied;
    if (!UUID_RE.test(accountId)) return problem(400, 'Bad request', 'accountId must be a UUID');
    const removed = await unflagAccount(this.db, accountId);
    this.executor.flags.clear(accountId);
    await insertOperatorAction(this.db, { intentId: NIL_UUID, action: 'unflag', operatorId: req.operatorId!, reason: `account ${accountId}: ${reasonOf(req.body)}`, stateBefore: removed ? 'FLAGGED' : null });
    return { status: 200, body: { accountId, wasFlagged: removed } };
  }

  private authorize(req: OperatorRequest, needOperator: boolean): Answer | undefined {
    if (!this.token) return problem(404, 'Not found', 'the operator API is disabled (EXECUTION_OPERATOR_TOKEN is not set)');
    const given = /^Bearer\s+(.+)$/i.exec(req.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return problem(401, 'Unauthorized', 'a valid operator bearer token is required');
    if (needOperator && !/^[\w.@:-]{1,128}$/.test(req.operatorId ?? '')) return problem(400, 'Bad request', 'header x-operator-id is required (1-128 letters, digits, . _ @ : -)');
    return undefined;
  }
}

function reasonOf(body: unknown): string {
  const r = (body as { reason?: unknown } | null)?.reason;
  return typeof r === 'string' ? r.slice(0, 1000) : '';
}
