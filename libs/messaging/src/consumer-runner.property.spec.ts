import fc from 'fast-check';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { jsonCodec } from './codec';
import { ConsumerRunner } from './consumer-runner';
import { PermanentError } from './errors';
import { silentLogger } from './logger';
import { FakeKafka, waitFor } from './test-support/fake-kafka';

const topic = 'execution.order.placed';

// Random keys, handler delays and failures, delivered in random batch sizes over two partitions: the runner must
// finish every message exactly once (handled or dead-lettered), keep per-key order, and never commit past an
// unfinished offset.
describe('ConsumerRunner properties (with a fake kafkajs)', () => {
  it('finishes every message once, in key order, committing only completed prefixes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            partition: fc.integer({ min: 0, max: 1 }),
            key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
            delayMs: fc.integer({ min: 0, max: 3 }),
            poison: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        async (messages, batchSize, maxConcurrency) => {
          const kafka = new FakeKafka();
          const finished = new Map<string, number>(); // partition:offset -> times
          const perKey = new Map<string, number[]>(); // key -> offsets in handling order, per partition
          const running = new Set<string>();
          const sameKeyOverlaps: string[] = [];
          const runner = new ConsumerRunner({
            kafka: kafka as unknown as Kafka,
            groupId: 'g',
            topics: [topic],
            codec: jsonCodec,
            registry: new Registry(),
            logger: silentLogger,
            maxConcurrency,
            retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 },
            handler: async (event) => {
              const id = `${event.partition}:${event.key}`;
              if (running.has(id)) sameKeyOverlaps.push(`${id}@${event.offset}`); // recorded: a throw would count as a handler failure
              running.add(id);
              if (event.attempt === 1) perKey.set(id, [...(perKey.get(id) ?? []), Number(event.offset)]);
              await new Promise((resolve) => setTimeout(resolve, event.value.delayMs));
              running.delete(id);
              if (event.value.poison) throw new PermanentError('poison');
              finished.set(`${event.partition}:${event.offset}`, (finished.get(`${event.partition}:${event.offset}`) ?? 0) + 1);
            },
          });
          const deadLettered = (partition: number, offset: number) =>
            kafka
              .sent(`${topic}.dlq`)
              .some((d) => d.headers['dlq-original-partition'] === String(partition) && d.headers['dlq-original-offset'] === String(offset));
          // at the moment of every commit, each offset below it is finished (handled or dead-lettered)
          const commit = kafka.consumerFake.commitOffsets.bind(kafka.consumerFake);
          const commitsPastUnfinished: string[] = []; // recorded, not thrown: the runner treats a throwing commit as a broker error
          kafka.consumerFake.commitOffsets = async (offsets) => {
            for (const { partition, offset } of offsets) {
              for (let o = 0; o < Number(offset); o += 1) {
                if (!finished.has(`${partition}:${o}`) && !deadLettered(partition, o)) commitsPastUnfinished.push(`${partition}:${o} < ${offset}`);
              }
            }
            return commit(offsets);
          };
          await runner.start();
          // offsets per partition in arrival order
          const byPartition = new Map<number, Array<{ offset: number; key: string; value: string }>>();
          for (const m of messages) {
            const list = byPartition.get(m.partition) ?? [];
            list.push({ offset: list.length, key: m.key, value: JSON.stringify({ delayMs: m.delayMs, poison: m.poison }) });
            byPartition.set(m.partition, list);
          }
          const deliveries = [...byPartition].map(async ([partition, list]) => {
            for (let i = 0; i < list.length; i += batchSize) await kafka.consumerFake.deliver(topic, partition, list.slice(i, i + batchSize));
          });
          await Promise.all(deliveries);
          for (const [partition, list] of byPartition) {
            await waitFor(() => kafka.committed(topic, partition) === String(list.length), 5_000, `partition ${partition} committed`);
          }
          await runner.stop();

          const dead = kafka.sent(`${topic}.dlq`);
          for (const [partition, list] of byPartition) {
            for (const { offset } of list) {
              const handled = finished.get(`${partition}:${offset}`) ?? 0;
              const deadCopies = dead.filter(
                (d) => d.headers['dlq-original-partition'] === String(partition) && d.headers['dlq-original-offset'] === String(offset),
              ).length;
              expect(handled + deadCopies).toBe(1);
            }
          }
          for (const offsets of perKey.values()) expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
          expect(commitsPastUnfinished).toEqual([]);
          expect(sameKeyOverlaps).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
