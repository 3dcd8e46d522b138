import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EventProducer, type EventProducerOptions } from '../producer';

/** Async form of the producer settings, for options that come from injected config. */
export interface MessagingModuleAsyncOptions {
  readonly imports?: DynamicModule['imports'];
  readonly inject?: any[];
  readonly useFactory: (...args: any[]) => EventProducerOptions | Promise<EventProducerOptions>;
}

class ProducerLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EventProducer) private readonly producer: EventProducer) {}

  // onApplicationShutdown runs after Nest has closed the microservice transports, so handlers draining at shutdown
  // can still publish.
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * Provides a connected {@link EventProducer} to the whole application (inject it by class) and disconnects it, after
 * flushing, when the application shuts down.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: EventProducerOptions): DynamicModule {
    return MessagingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: EventProducer,
          inject: options.inject ?? [],
          useFactory: async (...args: any[]) => {
            const producer = new EventProducer(await options.useFactory(...args));
            await producer.connect();
            return producer;
          },
        },
        ProducerLifecycle,
      ],
      exports: [EventProducer],
    };
  }
}
