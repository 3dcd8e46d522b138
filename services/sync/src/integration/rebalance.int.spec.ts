import { randomUUID } from 'node:crypto';
import { waitFor } from '@tradebridge/devstack';
import type { SyncResult } from '../application/sync-account/sync-engine';
import type { RunningSyncService } from '../service';
import { SyncHarness, type TestAccount } from './harness';

jest.setTimeout(180_000);

describe('two sync replicas in one consumer group', () => {
  let h: SyncHarness;
  let accounts: TestAccount[];

  beforeAll(async () => {
    h = await SyncHarness.start();
    accounts = await h.addAccounts(Array.from({ length: 12 }, (_, i) => ({ simId: `r${i}` })));
    for (const a of accounts) {
      const r = await h.terminal(a).placeMarketOrder({ intentId: randomUUID(), symbol: 'EURUSD', side: 'buy', volume: 0.1 });
      expect(r.status).toBe('success');
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('split the accounts without overlap, and the survivor takes every account over when the other stops, continuing each sequence', async () => {
    const all = accounts.map((a) => a.accountId).sort();
    const log: Array<{ replica: 'A' | 'B'; result: SyncResult }> = [];
    const bothActive = new Set<string>();
    const watch = (replica: 'A' | 'B', s: RunningSyncService) => s.engine.observe((result) => log.push({ replica, result }));

    const a = await h.startReplica();
    watch('A', a);
    await waitFor(() => all.every((id) => (a.engine.runtime(id)?.cycles ?? 0) >= 1), { timeoutMs: 60_000, message: 'A syncs every account' });

    let b: RunningSyncService | undefined;
    const sampler = setInterval(() => {
      if (!b) return;
      for (const id of all) if (a.engine.runtime(id)?.active && b.engine.runtime(id)?.active) bothActive.add(id);
    }, 5);
    try {
      b = await h.startReplica();
      watch('B', b);
      const replicaB = b;
      // The group splits the 12 partitions of account.config; each replica syncs the accounts of its partitions.
      await waitFor(
        () => {
          const ia = a.engine.ids();
          const ib = replicaB.engine.ids();
          const union = [...new Set([...ia, ...ib])].sort();
          const synced = all.every((id) => ((ia.includes(id) ? a : replicaB).engine.runtime(id)?.cycles ?? 0) >= 1);
          return ia.length > 0 && ib.length > 0 && ia.length + ib.length === all.length && JSON.stringify(union) === JSON.stringify(all) && synced;
        },
        { timeoutMs: 60_000, message: 'accounts split between A and B' },
      );
      expect(a.ownership.partitions().filter((p) => replicaB.ownership.partitions().includes(p))).toEqual([]);
      expect(a.ownership.partitions().length + replicaB.ownership.partitions().length).toBe(12);
      const movedLater = a.engine.ids();
      const lastSeqOfA = new Map(movedLater.map((id) => [id, a.engine.runtime(id)!.sequence]));

      // A stops (SIGTERM path): B takes every account over.
      await h.stopReplica(a);
      await waitFor(() => all.every((id) => (replicaB.engine.runtime(id)?.cycles ?? 0) >= 2), { timeoutMs: 60_000, message: 'B syncs every account' });

      // Never polled by both: per account, accepted syncs go A...A then B...B, never back and forth.
      for (const id of all) {
        const owners = log.filter((e) => e.result.accountId === id).sort((x, y) => x.result.syncedAtMs - y.result.syncedAtMs).map((e) => e.replica);
        const switches = owners.filter((o, i) => i > 0 && o !== owners[i - 1]);
        expect({ id, switches }).toEqual({ id, switches: switches.length === 0 ? [] : ['B'] });
      }
      expect([...bothActive]).toEqual([]);

      // The taken-over accounts continue: the first sync on B is no false "opened", and B's first account.synced
      // carries the sequence after A's last one (A saved its state before leaving the group).
      for (const id of movedLater) {
        const firstOnB = log.find((e) => e.replica === 'B' && e.result.accountId === id)!.result;
        expect(firstOnB.changes.filter((c) => c.kind === 'SYNC_CHANGE_KIND_POSITION_OPENED')).toEqual([]);
      }
      await waitFor(() => movedLater.every((id) => log.some((e) => e.replica === 'B' && e.result.accountId === id && e.result.event)), { timeoutMs: 30_000, message: 'B publishes for every moved account' });
      for (const id of movedLater) {
        const firstPublishedOnB = log.find((e) => e.replica === 'B' && e.result.accountId === id && e.result.event)!.result.event!;
        expect(Number(firstPublishedOnB.sequence)).toBeGreaterThan(lastSeqOfA.get(id)!);
        await waitFor(() => h.of('account.synced', id).some((e) => e.meta.eventId === firstPublishedOnB.meta.eventId), { message: 'B event on Kafka' });
        const seqs = h.of('account.synced', id).map((e) => Number(e.sequence));
        expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
      }
    } finally {
      clearInterval(sampler);
    }
  });
});
