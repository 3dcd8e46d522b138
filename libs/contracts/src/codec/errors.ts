/** Codes of ContractError, so callers decide on the class, never on message strings. */
export type ContractErrorCode =
  | 'WIRE_FORMAT'
  | 'UNKNOWN_SCHEMA'
  | 'WRONG_MESSAGE'
  | 'UNKNOWN_TOPIC'
  | 'INVALID_EVENT'
  | 'SCHEMA_INCOMPATIBLE'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_ERROR';

/**
 * Error of the contracts library. `retryable` is true only when trying again later may succeed (the registry was
 * unreachable); every other failure is permanent for the same input (a poison message goes to the DLQ).
 */
export class ContractError extends Error {
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bytes are not a Confluent-framed protobuf message (or the payload does not parse). */
export class WireFormatError extends ContractError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WIRE_FORMAT', message, false, options);
  }
}

/** The registry does not know the schema id in the bytes. */
export class UnknownSchemaError extends ContractError {
  constructor(readonly schemaId: number, message: string) {
    super('UNKNOWN_SCHEMA', message);
  }
}

/** The bytes carry a different message type than the topic's value type. */
export class WrongMessageError extends ContractError {
  constructor(message: string) {
    super('WRONG_MESSAGE', message);
  }
}

/** The topic is not in the TOPICS registry. */
export class UnknownTopicError extends ContractError {
  constructor(readonly topic: string, message: string) {
    super('UNKNOWN_TOPIC', message);
  }
}

/** A value to encode does not match its message type; `problems` names every offending field. */
export class InvalidEventError extends ContractError {
  constructor(
    readonly typeName: string,
    readonly problems: readonly string[],
  ) {
    super('INVALID_EVENT', `invalid ${typeName}: ${problems.join('; ')}`);
  }
}

/** The registry refused a schema as incompatible with the subject's earlier versions. */
export class SchemaIncompatibleError extends ContractError {
  constructor(readonly subject: string, message: string) {
    super('SCHEMA_INCOMPATIBLE', message);
  }
}

/** The registry could not be reached or answered 5xx: retry later. */
export class RegistryUnavailableError extends ContractError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REGISTRY_UNAVAILABLE', message, true, options);
  }
}

/** The registry answered with an unexpected client error. */
export class RegistryError extends ContractError {
  constructor(readonly status: number, message: string) {
    super('REGISTRY_ERROR', message);
  }
}
