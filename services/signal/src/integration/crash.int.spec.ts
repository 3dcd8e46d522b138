import { waitFor } from '@tradebridge/devstack';
import { sql } from 'kysely';
import type { EventPublisher } from '../application/outbox/outbox-relay';
import { signalGeneratedEventId } from '../domain';
import { Harness, openBody } from './harness';

describe('a crash between storing and publishing loses nothing and duplicates nothing unrecognisably', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('given signals committed while the relay was down, when the service restarts, then each is published exactly once', async () => {
    h = await Harness.start({ startRelay: false });
    const source = await h.createSource();
    const auth = { authorization: `Bearer ${source.apiKey}` };
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) ids.push((await h.post('/v1/signals', openBody(`crash-${i}`), auth)).body.signalId);
    expect(await h.unpublishedCount()).toBe(10);
    expect(await h.topicMessageCount()).toBe(0);

    await h.stop(); // the process "dies" with 10 committed, unpublished signals
    await h.startService();

    expect(await h.settledTopicCount()).toBe(10);
    await h.waitForEvents(10);
    expect(h.events.map((e) => e.value.signalId).sort()).toEqual([...ids].sort());
    const statuses = await sql<{ status: string }>`select distinct status from signal.trading_signals`.execute(h.service.db);
    expect(statuses.rows).toEqual([{ status: 'published' }]);
  });

  it('given the broker acknowledged but the marks were never committed, when the relay retries, then the copies carry the same event id', async () => {
    let crashesLeft = 1;
    const crashAfterAck = (inner: EventPublisher): EventPublisher => ({
      async publish(topic, key, value, headers) {
        await inner.publish(topic, key, value, headers);
        if (crashesLeft > 0) {
          crashesLeft -= 1;
          throw new Error('simulated crash after the broker ack, before the outbox mark');
        }
      },
    });
    h = await Harness.start({ wrapPublisher: crashAfterAck });
    const source = await h.createSource();
    const res = await h.post('/v1/signals', openBody('ack-then-crash'), { authorization: `Bearer ${source.apiKey}` });
    expect(res.status).toBe(201);

    expect(await h.settledTopicCount()).toBe(2);
    await h.waitForEvents(2);
    const eventIds = new Set(h.events.map((e) => e.value.meta.eventId));
    expect(eventIds).toEqual(new Set([signalGeneratedEventId(res.body.signalId)]));
    const attempts = await sql<{ attempts: number }>`select attempts from signal.outbox`.execute(h.service.db);
    expect(attempts.rows).toEqual([{ attempts: 1 }]);
  });

  it('given the broker refuses for a while, when it recovers, then every signal is published once and none is lost', async () => {
    let failuresLeft = 3;
    const flakyBroker = (inner: EventPublisher): EventPublisher => ({
      async publish(topic, key, value, headers) {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('simulated broker outage');
        }
        await inner.publish(topic, key, value, headers);
      },
    });
    h = await Harness.start({ wrapPublisher: flakyBroker, env: { SIGNAL_OUTBOX_RETRY_DELAY_MS: '20' } });
    const source = await h.createSource();
    const auth = { authorization: `Bearer ${source.apiKey}` };
    await Promise.all(Array.from({ length: 5 }, (_, i) => h!.post('/v1/signals', openBody(`flaky-${i}`), auth)));
    await waitFor(() => failuresLeft === 0, { message: 'the outage' });
    expect(await h.settledTopicCount()).toBe(5);
  });

  it('given Kafka and the registry unreachable from boot on, when signals arrive, then they are accepted, and published once both are back', async () => {
    h = await Harness.start({ startRelay: false });
    await h.stop();
    await h.startService({ env: { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9/apis/ccompat/v7', KAFKA_BROKERS: '127.0.0.1:9', SIGNAL_OUTBOX_RETRY_DELAY_MS: '50' } });
    const source = await h.createSource();
    const auth = { authorization: `Bearer ${source.apiKey}` };
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => h!.post('/v1/signals', openBody(`offline-${i}`), auth)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect((await h.get('/readyz')).status).toBe(200);
    expect((await h.get(`/v1/signals/${answers[0]?.body.signalId}`, auth)).body.status).toBe('accepted');
    await waitFor(async () => {
      const r = await sql<{ attempts: number }>`select min(attempts) as attempts from signal.outbox`.execute(h!.service.db);
      return Number(r.rows[0]?.attempts) > 0;
    }, { message: 'the relay tried and failed' });
    await h.stop();

    await h.startService();
    expect(await h.settledTopicCount()).toBe(5);
    await h.waitForEvents(5);
    expect(new Set(h.events.map((e) => e.value.signalId))).toEqual(new Set(answers.map((a) => a.body.signalId)));
  });
});
