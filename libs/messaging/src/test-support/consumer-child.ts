// A consumer in its own process, for the crash test: it reports every handler start and end on stdout as JSON lines
// so the parent can SIGKILL it while handlers are in flight.
import { ConsumerRunner } from '../consumer-runner';
import { jsonCodec } from '../codec';
import { createKafkaClient } from '../kafka-client';
import { silentLogger } from '../logger';

const brokers = process.env.CHILD_BROKERS!.split(',');
const topic = process.env.CHILD_TOPIC!;
const groupId = process.env.CHILD_GROUP!;
const handlerMs = Number(process.env.CHILD_HANDLER_MS ?? '100');

const report = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

const runner = new ConsumerRunner({
  kafka: createKafkaClient({ brokers, clientId: 'messaging-crash-child', logger: silentLogger }),
  groupId,
  topics: [topic],
  codec: jsonCodec,
  logger: silentLogger,
  maxConcurrency: 4,
  // short, so the group notices the SIGKILL quickly (6 s is the broker's minimum)
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 10_000,
  handler: async (event) => {
    report({ type: 'start', partition: event.partition, offset: event.offset, seq: event.value.seq });
    await new Promise((resolve) => setTimeout(resolve, handlerMs));
    report({ type: 'done', partition: event.partition, offset: event.offset, seq: event.value.seq });
  },
});

runner.start().then(
  () => report({ type: 'ready' }),
  (error) => {
    report({ type: 'error', message: String(error) });
    process.exit(1);
  },
);
