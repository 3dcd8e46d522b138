import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { Registry } from 'prom-client';
import { jsonCodec } from '../codec';
import { PermanentError } from '../errors';
import { DeadLetterHeaders } from '../headers';
import { silentLogger } from '../logger';
import { EventProducer } from '../producer';
import { waitFor } from '../test-support/fake-kafka';
import { createTopics, readRaw, testKafka, uniqueName } from '../test-support/kafka-int';
import { KafkaEventContext, KafkaEventTransport } from './kafka-event-transport';
import { MessagingModule } from './messaging.module';

const kafka = testKafka('nest-transport-int');
const topic = uniqueName('risk.approved');
const received: Array<{ payload: any; key: string | null; topic: string; attempt: number }> = [];
const RECEIVED = Symbol('received');

@Controller()
class ApprovalsController {
  constructor(
    @Inject(RECEIVED) private readonly sink: typeof received,
    private readonly producer: EventProducer,
  ) {}

  @EventPattern(topic)
  async onApproved(@Payload() event: { intentId: string; volume: number }, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (event.volume <= 0) throw new PermanentError(`volume must be positive, got ${event.volume}`);
    this.sink.push({ payload: event, key: ctx.getKey(), topic: ctx.getTopic(), attempt: ctx.getAttempt() });
    // handlers publish through the injected producer
    await this.producer.publish(`${topic}.out`, ctx.getKey(), { seen: event.intentId });
  }
}

@Module({
  imports: [MessagingModule.forRoot({ kafka, codec: jsonCodec, registry: new Registry(), logger: silentLogger })],
  controllers: [ApprovalsController],
  providers: [{ provide: RECEIVED, useValue: received }],
})
class AppModule {}

describe('KafkaEventTransport in a Nest microservice', () => {
  it('delivers decoded events to @EventPattern handlers and dead-letters what they reject', async () => {
    await createTopics(kafka, [
      { topic, partitions: 3 },
      { topic: `${topic}.out`, partitions: 1 },
    ]);
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
      strategy: new KafkaEventTransport({ kafka, groupId: uniqueName('execution'), codec: jsonCodec, registry: new Registry(), logger: silentLogger }),
      logger: false,
    });
    await app.listen();
    const producer = app.get(EventProducer);
    try {
      await producer.publish(topic, 'acc-1', { intentId: 'i-1', volume: 0.1 });
      await producer.publish(topic, 'acc-2', { intentId: 'i-2', volume: 0 });
      await producer.publish(topic, 'acc-1', { intentId: 'i-3', volume: 0.2 });

      await waitFor(() => received.length === 2, 30_000, 'two events');
      expect(received).toEqual([
        { payload: { intentId: 'i-1', volume: 0.1 }, key: 'acc-1', topic, attempt: 1 },
        { payload: { intentId: 'i-3', volume: 0.2 }, key: 'acc-1', topic, attempt: 1 },
      ]);
      const [dead] = await readRaw(kafka, `${topic}.dlq`, 1);
      expect(dead!.headers![DeadLetterHeaders.errorClass]!.toString()).toBe('PermanentError');
      expect(JSON.parse(dead!.value!.toString())).toEqual({ intentId: 'i-2', volume: 0 });
      const out = await readRaw(kafka, `${topic}.out`, 2);
      expect(out.map((m) => JSON.parse(m.value!.toString()).seen)).toEqual(['i-1', 'i-3']);
    } finally {
      await app.close();
    }
  });
});
