import type { Dispatcher } from 'undici';
import { clientIdFor } from '../../domain/client-id';
import { MetaApiTerminal } from './metaapi-terminal';

/** A hand-written dispatcher answering MetaApi paths from a table; records the paths asked. */
class TableDispatcher {
  readonly paths: string[] = [];
  constructor(private readonly answer: (path: string) => unknown) {}
  async request(options: { path: string }) {
    this.paths.push(options.path);
    const body = JSON.stringify(this.answer(options.path));
    return { statusCode: 200, headers: {}, body: { text: async () => body } };
  }
}

const mine = clientIdFor('intent-42');
const deal = (id: string, clientId: string) => ({ id, type: 'DEAL_TYPE_BUY', entryType: 'DEAL_ENTRY_IN', symbol: 'EURUSD', volume: 0.1, price: 1.1, profit: 0, time: '2026-01-05T10:00:00Z', clientId });
const order = (id: string, clientId?: string, comment?: string) => ({ id, type: 'ORDER_TYPE_BUY', state: 'ORDER_STATE_FILLED', symbol: 'EURUSD', volume: 0.1, time: '2026-01-05T10:00:00Z', clientId, comment });

function terminalOver(answer: (path: string) => unknown) {
  const dispatcher = new TableDispatcher(answer);
  const now = Date.parse('2026-01-05T12:00:00Z');
  const terminal = new MetaApiTerminal({ accountId: 'acc', token: 't', platform: 'mt5', baseUrl: 'http://sim', dispatcher: dispatcher as unknown as Dispatcher, now: () => now, historyLookbackMs: 3_600_000 });
  return { terminal, dispatcher };
}

describe('findByClientId', () => {
  it('given trades of several intents, then only those carrying the clientId (field or comment) are returned', async () => {
    const { terminal, dispatcher } = terminalOver((path) => {
      if (path.includes('/positions')) return [];
      if (path.includes('/orders')) return [];
      if (path.includes('/history-orders/')) return { historyOrders: [order('1', mine), order('2', 'TBOTHEROTHEROTHE'), order('3', undefined, `x ${mine}`)], synchronizing: false };
      return { deals: [deal('10', mine), deal('11', 'TBOTHEROTHEROTHE')], synchronizing: false };
    });
    const lookup = await terminal.findByClientId(mine);
    expect(lookup).toMatchObject({ found: true, complete: true });
    expect(lookup.historyOrders.map((o) => o.id)).toEqual(['1', '3']);
    expect(lookup.deals.map((d) => d.id)).toEqual(['10']);
    // the history window is the lookback before the injected now, to one minute after it
    expect(dispatcher.paths).toContain(`/users/current/accounts/acc/history-deals/time/${encodeURIComponent('2026-01-05T11:00:00.000Z')}/${encodeURIComponent('2026-01-05T12:01:00.000Z')}?offset=0&limit=1000`);
  });

  it('given a terminal whose history is still synchronizing, then "not found" is marked incomplete', async () => {
    const { terminal } = terminalOver((path) => {
      if (path.includes('/history-orders/')) return { historyOrders: [], synchronizing: true };
      if (path.includes('/history-deals/')) return { deals: [], synchronizing: false };
      return [];
    });
    expect(await terminal.findByClientId(mine)).toMatchObject({ found: false, complete: false });
  });

  it('given more than one page of history, then every page is read', async () => {
    const { terminal, dispatcher } = terminalOver((path) => {
      if (path.includes('/history-deals/')) {
        const offset = Number(/offset=(\d+)/.exec(path)![1]);
        const size = offset === 0 ? 1000 : 3;
        return { deals: Array.from({ length: size }, (_, i) => deal(String(offset + i), offset > 0 && i === 2 ? mine : 'TBOTHEROTHEROTHE')), synchronizing: false };
      }
      if (path.includes('/history-orders/')) return { historyOrders: [], synchronizing: false };
      return [];
    });
    const lookup = await terminal.findByClientId(mine);
    expect(lookup.deals.map((d) => d.id)).toEqual(['1002']);
    expect(dispatcher.paths.filter((p) => p.includes('/history-deals/'))).toHaveLength(2);
  });
});
