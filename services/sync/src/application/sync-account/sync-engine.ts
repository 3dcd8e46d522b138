import type { ConnectionSnapshot, Deal, OrderState, TerminalConnection } from '@tradebridge/bridge';
import { isConnectivityError } from '@tradebridge/bridge';
import type { AccountSynced, SyncChange } from '@tradebridge/contracts';
import type { SyncAccountSettings } from '../../adapters/metatrader/account-settings';
import type { PersistedSyncState } from '../../adapters/postgres/sync.repository';
import { advanceCursor, initialCursor, queryFrom, type DealCursor } from '../../domain/deal-cursor';
import { diffSnapshots, looksLikeEmptyRestart } from '../../domain/diff';
import { fingerprint, shouldPublish } from '../../domain/publish';
import { firstDue, nextDue } from '../../domain/schedule';
import type { TerminalState } from '../../domain/terminal-state';
import { buildAccountSynced } from './mapping';
import type { SyncMetrics } from './metrics';

/** Timing of the sync loop. */
export interface SyncTiming {
  /** Interval between two syncs of one account. */
  readonly intervalMs: number;
  /** A sync that has not completed by then is abandoned for this cycle (the account is skipped until it settles). */
  readonly deadlineMs: number;
  /** account.synced is published at least this often, even when nothing changed. */
  readonly heartbeatMs: number;
  /** Syncs running at once across all accounts. */
  readonly maxConcurrency: number;
  /** History deals are read whenever the snapshot changed, and otherwise every this many cycles. */
  readonly historyEveryCycles: number;
  /** How far back history is read for an account never synced before. */
  readonly initialHistoryLookbackMs: number;
  /** Overlap of consecutive history reads. */
  readonly historyOverlapMs: number;
  /** Cycles an "all positions vanished without a closing deal" answer is held back before it is believed. */
  readonly maxSuspectCycles: number;
  /** Sync state is written to Postgres this often. */
  readonly persistIntervalMs: number;
}

/** What the engine needs from the outside world. */
export interface SyncEnginePorts {
  /** Opens (or reuses) the account's connection through the bridge's ConnectionManager. */
  connect(settings: SyncAccountSettings): Promise<TerminalConnection>;
  /** Closes the account's connection. */
  disconnect(settings: SyncAccountSettings): void;
  loadState(accountId: string): Promise<PersistedSyncState | undefined>;
  saveStates(states: readonly (PersistedSyncState & { snapshot: TerminalState; cursor: DealCursor; lastSyncedAt: Date })[]): Promise<void>;
  publishSynced(event: AccountSynced): Promise<void>;
  /** Called after every accepted snapshot (reconciliation, alerts, health). */
  onSynced(result: SyncResult): void;
  /** Epoch ms wall clock. */
  now(): number;
  newEventId(): string;
  log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void;
}

/** One accepted sync of one account. */
export interface SyncResult {
  readonly accountId: string;
  readonly state: TerminalState;
  readonly changes: readonly SyncChange[];
  readonly syncDelayMs: number;
  readonly syncedAtMs: number;
  readonly published: boolean;
  /** The account's accepted syncs so far, this one included (counts cycles for tests and diagnostics). */
  readonly cycle: number;
  /** The account.synced published for this sync, if any. */
  readonly event?: AccountSynced;
}

/** What the engine knows about one account it syncs. */
export interface AccountRuntime {
  readonly settings: SyncAccountSettings;
  terminal?: TerminalConnection;
  connecting?: Promise<void>;
  dueMs: number;
  timer?: NodeJS.Timeout;
  running: boolean;
  active: boolean;
  loaded: boolean;
  previous?: TerminalState;
  cursor?: DealCursor;
  sequence: number;
  lastFingerprint?: string;
  lastPublishedAtMs?: number;
  lastSyncedAtMs?: number;
  lastSyncDelayMs?: number;
  lastError?: string;
  /** Accepted syncs since this replica took the account. */
  cycles: number;
  cyclesSinceHistory: number;
  suspectCycles: number;
  dirty: boolean;
  intents: ReadonlyMap<string, string>;
  recentlyClosed: Map<string, number>;
}

const RECENTLY_CLOSED_MS = 60 * 60_000;
const CLOSE_KINDS = new Set<SyncChange['kind']>([
  'SYNC_CHANGE_KIND_POSITION_CLOSED',
  'SYNC_CHANGE_KIND_STOP_LOSS_HIT',
  'SYNC_CHANGE_KIND_TAKE_PROFIT_HIT',
  'SYNC_CHANGE_KIND_STOP_OUT',
]);

class DeadlineExceeded extends Error {}

/**
 * Syncs the accounts this replica owns: every account on its own jittered 1 Hz grid (its phase comes from its id, so
 * the load spreads over the interval), at most `maxConcurrency` syncs at once, a deadline per sync (a slow terminal
 * is skipped, never waited for: its next cycle starts only when the slow one has settled), and one account.synced
 * per change or heartbeat with the full snapshot and what changed.
 */
export class SyncEngine {
  private readonly accounts = new Map<string, AccountRuntime>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private persistTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly observers = new Set<(result: SyncResult) => void>();

  constructor(
    private readonly timing: SyncTiming,
    private readonly ports: SyncEnginePorts,
    private readonly metrics: SyncMetrics,
  ) {}

  start(): void {
    this.persistTimer = setInterval(() => void this.persist(), this.timing.persistIntervalMs);
    this.persistTimer.unref();
  }

  /** Calls `listener` after every accepted sync; returns the function that removes it. */
  observe(listener: (result: SyncResult) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** Starts (or reconfigures) syncing an account. */
  add(settings: SyncAccountSettings): void {
    const existing = this.accounts.get(settings.accountId);
    if (existing && existing.settings.fingerprint === settings.fingerprint) {
      if (!existing.active) this.activate(existing);
      return;
    }
    if (existing) this.remove(settings.accountId);
    const rt: AccountRuntime = {
      settings,
      dueMs: 0,
      running: false,
      active: false,
      loaded: false,
      sequence: 0,
      cycles: 0,
      cyclesSinceHistory: 0,
      suspectCycles: 0,
      dirty: false,
      intents: new Map(),
      recentlyClosed: new Map(),
    };
    this.accounts.set(settings.accountId, rt);
    this.metrics.owned.set(this.accounts.size);
    this.activate(rt);
  }

  /** Stops syncing an account (revoked, disabled, deleted) and closes its connection; its state is saved first. */
  remove(accountId: string): void {
    const rt = this.accounts.get(accountId);
    if (!rt) return;
    this.deactivate(rt);
    this.accounts.delete(accountId);
    this.metrics.owned.set(this.accounts.size);
    if (rt.dirty && rt.previous && rt.cursor) void this.saveOne(rt);
    this.ports.disconnect(rt.settings);
  }

  /** Pauses every account at once (a rebalance began: the new owner must not find us still polling). */
  pauseAll(): void {
    for (const rt of this.accounts.values()) this.deactivate(rt);
    void this.persist();
  }

  /** Resumes paused accounts that remain ours. */
  resume(accountIds: Iterable<string>): void {
    for (const id of accountIds) {
      const rt = this.accounts.get(id);
      if (rt && !rt.active) this.activate(rt);
    }
  }

  /** Our intent ids by clientId for an account (from execution's reports), used to label positions and changes. */
  setIntents(accountId: string, intents: ReadonlyMap<string, string>): void {
    const rt = this.accounts.get(accountId);
    if (rt) rt.intents = intents;
  }

  has(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  ids(): string[] {
    return [...this.accounts.keys()];
  }

  runtime(accountId: string): AccountRuntime | undefined {
    return this.accounts.get(accountId);
  }

  runtimes(): IterableIterator<AccountRuntime> {
    return this.accounts.values();
  }

  connection(accountId: string): ConnectionSnapshot | undefined {
    return this.accounts.get(accountId)?.terminal?.snapshot();
  }

  /** Positions this engine saw close on the account's terminal within the last hour. */
  recentlyClosed(accountId: string): ReadonlySet<string> {
    const rt = this.accounts.get(accountId);
    if (!rt) return new Set();
    const now = this.ports.now();
    for (const [id, at] of rt.recentlyClosed) if (now - at > RECENTLY_CLOSED_MS) rt.recentlyClosed.delete(id);
    return new Set(rt.recentlyClosed.keys());
  }

  /** Stops every account and writes their state. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.persistTimer) clearInterval(this.persistTimer);
    for (const rt of this.accounts.values()) this.deactivate(rt);
    await this.persist();
    for (const id of [...this.accounts.keys()]) this.remove(id);
  }

  /** Writes the state of every account that changed since the last write, in one batch. */
  async persist(): Promise<void> {
    const dirty = [...this.accounts.values()].filter((rt) => rt.dirty && rt.previous && rt.cursor && rt.lastSyncedAtMs !== undefined);
    if (dirty.length === 0) return;
    for (const rt of dirty) rt.dirty = false;
    try {
      await this.ports.saveStates(dirty.map((rt) => this.persisted(rt)));
    } catch (error) {
      for (const rt of dirty) rt.dirty = true;
      this.ports.log('warn', { error: (error as Error).message, accounts: dirty.length }, 'sync state not saved; retrying at the next interval');
    }
  }

  private persisted(rt: AccountRuntime) {
    return {
      accountId: rt.settings.accountId,
      sequence: rt.sequence,
      snapshot: rt.previous!,
      cursor: rt.cursor!,
      lastSyncedAt: new Date(rt.lastSyncedAtMs!),
      ...(rt.lastPublishedAtMs !== undefined ? { lastPublishedAt: new Date(rt.lastPublishedAtMs) } : {}),
    };
  }

  private async saveOne(rt: AccountRuntime): Promise<void> {
    try {
      await this.ports.saveStates([this.persisted(rt)]);
    } catch (error) {
      this.ports.log('warn', { accountId: rt.settings.accountId, error: (error as Error).message }, 'sync state of a released account not saved');
    }
  }

  private activate(rt: AccountRuntime): void {
    if (this.stopped) return;
    rt.active = true;
    // A reload on every (re)activation: another replica may have synced the account in between.
    rt.loaded = false;
    rt.dueMs = firstDue(rt.settings.accountId, this.timing.intervalMs, this.ports.now());
    this.schedule(rt);
  }

  private deactivate(rt: AccountRuntime): void {
    rt.active = false;
    if (rt.timer) clearTimeout(rt.timer);
    rt.timer = undefined;
  }

  private schedule(rt: AccountRuntime): void {
    if (!rt.active || this.stopped) return;
    const delay = Math.max(0, rt.dueMs - this.ports.now());
    rt.timer = setTimeout(() => this.fire(rt), delay);
  }

  private fire(rt: AccountRuntime): void {
    rt.timer = undefined;
    if (!rt.active) return;
    const due = rt.dueMs;
    const next = nextDue(due, this.timing.intervalMs, this.ports.now());
    rt.dueMs = next.dueMs;
    if (next.skipped > 0) this.metrics.skipped.inc({ reason: 'overrun' }, next.skipped);
    this.schedule(rt);
    if (rt.running) {
      this.metrics.skipped.inc({ reason: 'still_running' });
      return;
    }
    rt.running = true;
    void this.cycle(rt, due).finally(() => {
      rt.running = false;
    });
  }

  private async acquire(): Promise<void> {
    if (this.running < this.timing.maxConcurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** One sync of one account. The concurrency slot is released at the deadline; the account stays busy until its reads settle. */
  private async cycle(rt: AccountRuntime, dueMs: number): Promise<void> {
    await this.acquire();
    let released = false;
    const releaseOnce = () => {
      if (!released) {
        released = true;
        this.release();
      }
    };
    const work = this.syncOnce(rt, dueMs);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded()), this.timing.deadlineMs);
    });
    try {
      await Promise.race([work, deadline]);
      this.metrics.cycles.inc({ outcome: 'ok' });
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        this.metrics.cycles.inc({ outcome: 'deadline' });
        rt.lastError = `sync deadline of ${this.timing.deadlineMs} ms exceeded`;
        releaseOnce();
        await work.catch(() => undefined);
      } else {
        this.metrics.cycles.inc({ outcome: isConnectivityError(error) || (error as Error).name === 'CircuitOpenError' ? 'unreachable' : 'error' });
        rt.lastError = (error as Error).message;
      }
    } finally {
      clearTimeout(timer);
      releaseOnce();
    }
  }

  private async ensureConnected(rt: AccountRuntime): Promise<TerminalConnection> {
    if (rt.terminal) return rt.terminal;
    rt.connecting ??= this.ports.connect(rt.settings).then(
      (t) => {
        rt.terminal = t;
        rt.connecting = undefined;
      },
      (error: unknown) => {
        rt.connecting = undefined;
        throw error;
      },
    );
    await rt.connecting;
    return rt.terminal!;
  }

  private async syncOnce(rt: AccountRuntime, dueMs: number): Promise<void> {
    const accountId = rt.settings.accountId;
    if (!rt.loaded) {
      const stored = await this.ports.loadState(accountId);
      if (stored) {
        rt.sequence = Math.max(rt.sequence, stored.sequence);
        if (stored.snapshot) rt.previous = stored.snapshot;
        if (stored.cursor) rt.cursor = stored.cursor;
        if (stored.lastPublishedAt) rt.lastPublishedAtMs = stored.lastPublishedAt.getTime();
        if (rt.previous) rt.lastFingerprint = fingerprint(rt.previous);
      }
      rt.loaded = true;
    }
    const terminal = await this.ensureConnected(rt);
    const startedAtMs = this.ports.now();
    const [account, positions, orders] = await Promise.all([terminal.getAccountInfo(), terminal.getPositions(), terminal.getOrders()]);
    const state: TerminalState = { account, positions, orders };
    const fp = fingerprint(state);
    const baseline = rt.previous === undefined;
    let cursor = rt.cursor ?? initialCursor(startedAtMs, this.timing.initialHistoryLookbackMs);
    let newDeals: Deal[] = [];
    rt.cyclesSinceHistory++;
    const structureChanged = !rt.previous || structureOf(rt.previous) !== structureOf(state) || rt.previous.account.balance !== account.balance;
    if (baseline || structureChanged || rt.cyclesSinceHistory >= this.timing.historyEveryCycles) {
      const deals = await terminal.getDealsByTimeRange({ from: new Date(queryFrom(cursor, this.timing.historyOverlapMs)), to: new Date(this.ports.now() + 60_000) });
      const advanced = advanceCursor(cursor, deals, this.timing.historyOverlapMs);
      cursor = advanced.cursor;
      newDeals = baseline && !rt.cursor ? [] : advanced.newDeals;
      rt.cyclesSinceHistory = 0;
    }
    if (!baseline && looksLikeEmptyRestart(rt.previous, state, newDeals) && rt.suspectCycles < this.timing.maxSuspectCycles) {
      rt.suspectCycles++;
      this.metrics.skipped.inc({ reason: 'suspect_empty' });
      this.ports.log('warn', { accountId, suspectCycles: rt.suspectCycles }, 'terminal answered no positions and no deal closed them: holding the snapshot back');
      return;
    }
    rt.suspectCycles = 0;
    const orderOutcomes = await this.vanishedOrderOutcomes(terminal, rt.previous, state);
    const intentOf = (clientId: string | undefined) => (clientId ? rt.intents.get(clientId) ?? '' : '');
    const changes = diffSnapshots({ previous: rt.previous, current: state, newDeals, orderOutcomes, intentOf, atMs: startedAtMs });
    const syncedAtMs = this.ports.now();
    if (!rt.active) return; // revoked while reading: the next owner reports it
    for (const c of changes) if (CLOSE_KINDS.has(c.kind) && c.positionId) rt.recentlyClosed.set(c.positionId, syncedAtMs);
    const decision = shouldPublish({ changed: changes.length > 0 || newDeals.length > 0 || fp !== rt.lastFingerprint, lastPublishedAtMs: rt.lastPublishedAtMs, nowMs: syncedAtMs, heartbeatMs: this.timing.heartbeatMs });
    const syncDelayMs = Math.max(0, syncedAtMs - dueMs);
    let event: AccountSynced | undefined;
    if (decision.publish) {
      event = buildAccountSynced({
        eventId: this.ports.newEventId(),
        accountId,
        sequence: rt.sequence + 1,
        heartbeat: decision.heartbeat,
        state,
        changes,
        newDeals,
        syncDelayMs,
        startedAtMs,
        syncedAtMs,
        intentOf,
      });
      await this.ports.publishSynced(event);
      rt.sequence += 1;
      rt.lastPublishedAtMs = syncedAtMs;
      this.metrics.published.inc({ heartbeat: String(decision.heartbeat) });
    }
    rt.previous = state;
    rt.cursor = cursor;
    rt.lastFingerprint = fp;
    rt.lastSyncedAtMs = syncedAtMs;
    rt.lastSyncDelayMs = syncDelayMs;
    rt.lastError = undefined;
    rt.dirty = true;
    rt.cycles++;
    this.metrics.delay.observe(syncDelayMs);
    const result: SyncResult = { accountId, state, changes, syncDelayMs, syncedAtMs, published: decision.publish, cycle: rt.cycles, ...(event ? { event } : {}) };
    this.ports.onSynced(result);
    for (const o of this.observers) o(result);
  }

  /** History state of pending orders that left the book (one lookup per vanished order; rare). */
  private async vanishedOrderOutcomes(terminal: TerminalConnection, previous: TerminalState | undefined, current: TerminalState): Promise<Map<string, OrderState>> {
    const out = new Map<string, OrderState>();
    if (!previous) return out;
    const now = new Set(current.orders.map((o) => o.id));
    const gone = previous.orders.filter((o) => !now.has(o.id));
    await Promise.all(
      gone.map(async (o) => {
        try {
          const history = await terminal.getHistoryOrdersByTicket(o.id);
          const h = history.find((x) => x.id === o.id);
          if (h) out.set(o.id, h.state);
        } catch {
          // unknown: the diff infers the outcome from deals and the expiry time
        }
      }),
    );
    return out;
  }

  /** For tests and the benchmark: how many syncs run right now. */
  get inFlight(): number {
    return this.running;
  }
}

/** Ids of positions and orders: when they differ, history is read in the same cycle. */
function structureOf(s: TerminalState): string {
  return `${s.positions.map((p) => `${p.id}:${p.volume}`).join(',')}|${s.orders.map((o) => o.id).join(',')}`;
}
