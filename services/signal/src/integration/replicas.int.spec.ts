import { createLogger } from '@tradebridge/observability';
import { MIGRATIONS_DIR, Harness, openBody } from './harness';
import { startSignalService, type RunningSignalService } from '../service';

describe('two replicas on one database and topic', () => {
  let h: Harness;
  let second: RunningSignalService;
  beforeAll(async () => {
    h = await Harness.start();
    second = await startSignalService({ config: h.config, logger: createLogger({ serviceName: 'signal', level: 'silent' }), migrationsDir: MIGRATIONS_DIR });
  });
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  it('given submissions spread over both replicas (duplicates included), when their relays compete, then every signal is published exactly once, in order per source', async () => {
    const source = await h.createSource();
    const auth = { authorization: `Bearer ${source.apiKey}` };
    const post = (url: string, i: number) =>
      fetch(`${url}/v1/signals`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(openBody(`rep-${i}`)) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { signalId: string } }),
      );
    const answers = [];
    for (let i = 0; i < 30; i += 1) {
      // Each signal goes to both replicas at once: one stores it, the other answers with the original id.
      answers.push(await Promise.all([post(h.url, i), post(second.url, i)]));
    }
    for (const [a, b] of answers) {
      expect([a?.status, b?.status].sort()).toEqual([200, 201]);
      expect(a?.body.signalId).toBe(b?.body.signalId);
    }
    expect(await h.settledTopicCount()).toBe(30);
    await h.waitForEvents(30);
    expect(h.events.map((e) => e.value.externalId)).toEqual(Array.from({ length: 30 }, (_, i) => `rep-${i}`));
  });
});
