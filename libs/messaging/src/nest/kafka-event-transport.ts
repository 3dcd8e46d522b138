import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { ConsumerRunner, type ConsumedEvent, type ConsumerRunnerOptions } from '../consumer-runner';
import { PermanentError } from '../errors';
import type { MessageHeaders } from '../headers';

/** What `@Ctx()` gives a Kafka event handler: where the message came from and which attempt this is. */
export class KafkaEventContext extends BaseRpcContext<[ConsumedEvent]> {
  /** The whole consumed event (value, key, headers, offsets). */
  getEvent(): ConsumedEvent {
    return this.args[0];
  }
  getTopic(): string {
    return this.args[0].topic;
  }
  getPartition(): number {
    return this.args[0].partition;
  }
  getOffset(): string {
    return this.args[0].offset;
  }
  getKey(): string | null {
    return this.args[0].key;
  }
  getHeaders(): MessageHeaders {
    return this.args[0].headers;
  }
  getTypeName(): string {
    return this.args[0].typeName;
  }
  getAttempt(): number {
    return this.args[0].attempt;
  }
  /** Aborted when the message will be redelivered elsewhere (partition revoked, shutdown timed out). */
  getSignal(): AbortSignal {
    return this.args[0].signal;
  }
}

/** Settings of the transport: those of the consumer runner; topics default to every @EventPattern registered. */
export interface KafkaEventTransportOptions extends Omit<ConsumerRunnerOptions, 'topics' | 'handler'> {
  readonly topics?: readonly string[];
}

/** Symbol identifying this transport in Nest (`transportId`). */
export const KAFKA_EVENT_TRANSPORT = Symbol('tradebridge.kafka-event-transport');

/** Status the transport reports on Nest's `status` observable; `failed` means nothing is consumed any more. */
export type KafkaEventTransportStatus = 'connected' | 'disconnected' | 'failed';

/**
 * A NestJS transport strategy that runs `@EventPattern('<topic>')` handlers on the project's {@link ConsumerRunner}:
 * payloads are decoded by the codec from the original Buffers, messages with the same key are handled in order and
 * different keys in parallel, failures are retried and then dead-lettered, and close() drains before disconnecting.
 * A handler receives the decoded value as `@Payload()` and a {@link KafkaEventContext} as `@Ctx()`.
 */
export class KafkaEventTransport extends Server<Record<string, never>, KafkaEventTransportStatus> implements CustomTransportStrategy {
  override readonly transportId = KAFKA_EVENT_TRANSPORT;
  private runner: ConsumerRunner | undefined;

  constructor(private readonly options: KafkaEventTransportOptions) {
    super();
  }

  override async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics =
        this.options.topics ??
        [...this.getHandlers()].filter(([, handler]) => handler.isEventHandler).map(([pattern]) => pattern);
      if (topics.length === 0) throw new Error('KafkaEventTransport: no @EventPattern handlers and no topics configured');
      this.runner = new ConsumerRunner({
        ...this.options,
        topics,
        handler: (event) => this.dispatch(event),
        onFatalError: (error) => {
          this._status$.next('failed');
          this.options.onFatalError?.(error);
        },
      });
      await this.runner.start();
      this._status$.next('connected');
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Drains in-flight events, commits, then disconnects (see ConsumerRunner.stop). */
  override async close(): Promise<void> {
    await this.runner?.stop();
    this._status$.next('disconnected');
  }

  override on(): never {
    throw new Error('KafkaEventTransport does not emit events; use unwrap() for the kafkajs consumer');
  }

  /** The consumer runner once listening (its `status` suits a readiness check). */
  get consumerRunner(): ConsumerRunner | undefined {
    return this.runner;
  }

  /** Returns the kafkajs consumer once listening. */
  override unwrap<T = Consumer>(): T {
    if (!this.runner) throw new Error('KafkaEventTransport is not listening yet');
    return this.runner.kafkaConsumer as T;
  }

  private async dispatch(event: ConsumedEvent): Promise<void> {
    const handler = this.getHandlerByPattern(event.topic);
    if (!handler) throw new PermanentError(`no @EventPattern handler for topic ${event.topic}`);
    const ctx = new KafkaEventContext([event]);
    await new Promise<void>((resolve, reject) => {
      this.onProcessingStartHook(this.transportId, ctx, async () => {
        try {
          const result = await handler(event.value, ctx);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          this.onProcessingEndHook?.(this.transportId, ctx);
          resolve();
        } catch (error) {
          reject(asError(error));
        }
      });
    });
  }
}

// Nest's default RPC exception filter replaces unknown errors with { status: 'error', message }; RetryableError and
// PermanentError pass through unchanged (they are RpcExceptions whose getError() is the error itself).
function asError(error: unknown): unknown {
  if (error instanceof Error) return error;
  if (error !== null && typeof error === 'object' && 'message' in error) {
    return new Error(`event handler failed: ${String((error as { message: unknown }).message)}`);
  }
  return error;
}
