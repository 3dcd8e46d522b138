/** The result of decoding a message: the registered type, the registry's schema id and the decoded value. */
export interface DecodedEvent<T = any> {
  readonly typeName: string;
  readonly schemaId: number;
  readonly value: T;
}

/**
 * Turns event objects into message bytes and back. The contracts library implements it with the schema registry
 * (Confluent wire format); tests may use {@link jsonCodec}. decode must throw for bytes it cannot read: the consumer
 * sends such messages to the dead-letter topic, unless the error says trying later may succeed (a RetryableError or
 * an error with `retryable: true`, e.g. the registry is unreachable): then the consumer keeps retrying the decode
 * with backoff, holding that key back, and dead-letters nothing.
 */
export interface EventCodec {
  encode(topic: string, value: object): Promise<Buffer>;
  decode(topic: string, data: Buffer): Promise<DecodedEvent>;
}

/** A codec that writes plain JSON objects; for tests and tools, never for service topics. */
export const jsonCodec: EventCodec = {
  async encode(_topic, value) {
    return Buffer.from(JSON.stringify(value), 'utf8');
  },
  async decode(_topic, data) {
    const value: unknown = JSON.parse(data.toString('utf8'));
    if (value === null || typeof value !== 'object') throw new Error('JSON message is not an object');
    return { typeName: 'json', schemaId: 0, value };
  },
};
