import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafkaLogCreator, jsonLogger, type MessagingLogger } from './logger';

/** Settings for {@link createKafkaClient}. */
export interface KafkaClientOptions {
  /** Bootstrap brokers, e.g. ['127.0.0.1:9092']. */
  readonly brokers: readonly string[];
  /** Names this process in broker logs and quotas, e.g. 'execution-service'. */
  readonly clientId: string;
  readonly logger?: MessagingLogger;
  /** Extra kafkajs settings (ssl, sasl, ...), applied last. */
  readonly overrides?: Partial<KafkaConfig>;
}

/** Creates a kafkajs client whose logs go to `logger` (warnings and errors only). */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = options.logger ?? jsonLogger('warn', options.clientId);
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    ...options.overrides,
  });
}
