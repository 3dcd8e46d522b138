import type { TradingTerminal } from '@tradebridge/bridge';
import type { MessagingLogger } from '@tradebridge/messaging';
import type { Kysely } from 'kysely';
import { trailingStopLoss } from '../../domain/adjust';
import type { ExecutionDb } from '../../adapters/postgres/execution.table';
import { deleteTrailingStop, listTrailingStops, setTrailingStopLoss } from '../../adapters/postgres/orders.repository';
import type { AccountDirectory, AccountView } from '../accounts/account-directory';
import type { MarketData } from '../execute-intent/support';

/** Settings of the trailing-stop keeper. */
export interface TrailingOptions {
  readonly db: Kysely<ExecutionDb>;
  readonly accounts: AccountDirectory;
  readonly terminals: { terminalFor(view: AccountView): Promise<TradingTerminal> };
  readonly market: MarketData;
  readonly logger: MessagingLogger;
  readonly intervalMs: number;
}

/**
 * Keeps service-side trailing stops: every interval, for each trailing position, moves its stop-loss behind the
 * price when that improves it (never back), and forgets positions that are closed.
 */
export class TrailingStopKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: TrailingOptions) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async tick(): Promise<void> {
    const { db, accounts, terminals, market, logger } = this.options;
    const rows = await listTrailingStops(db);
    const positionsByAccount = new Map<string, Promise<readonly { id: string; stopLoss?: number }[]>>();
    for (const row of rows) {
      const view = accounts.get(row.account_id);
      if (!view) continue;
      try {
        const terminal = await terminals.terminalFor(view);
        let positions = positionsByAccount.get(row.account_id);
        if (!positions) {
          positions = terminal.getPositions();
          positionsByAccount.set(row.account_id, positions);
        }
        const position = (await positions).find((p) => p.id === row.position_id);
        if (!position) {
          await deleteTrailingStop(db, row.account_id, row.position_id);
          continue;
        }
        const [price, spec] = await Promise.all([market.price(row.account_id, terminal, row.symbol, true), market.spec(row.account_id, terminal, row.symbol)]);
        const current = position.stopLoss ?? (row.stop_loss === null ? undefined : Number(row.stop_loss));
        const next = trailingStopLoss({ side: row.side, bid: price.bid, ask: price.ask, distance: Number(row.distance), ...(current === undefined ? {} : { currentStopLoss: current }), digits: spec.digits });
        if (next === undefined) continue;
        const result = await terminal.modifyPosition({ intentId: `trail:${row.position_id}:${next}`, positionId: row.position_id, stopLoss: next });
        if (result.status === 'success') await setTrailingStopLoss(db, row.account_id, row.position_id, next);
        else logger.warn({ accountId: row.account_id, positionId: row.position_id, code: result.codeId }, 'trailing stop not moved');
      } catch (error) {
        logger.warn({ accountId: row.account_id, positionId: row.position_id, error: (error as Error).message }, 'trailing stop check failed');
      }
    }
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.options.logger.error({ error: (error as Error).message }, 'trailing round failed'))
        .finally(() => {
          this.running = undefined;
          this.arm();
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
