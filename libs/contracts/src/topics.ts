/**
 * The topic registry: every Kafka topic of Tradebridge, its key, its value schema and its settings. Services,
 * ensureTopics, the codec and the AsyncAPI document all read this one table.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Partitions of the main-flow topics: the unit of parallelism across consumer replicas. */
export const MAIN_FLOW_PARTITIONS = 12;

/** Suffix of a topic's dead-letter topic. */
export const DLQ_SUFFIX = '.dlq';

/** Settings and meaning of one topic. */
export interface TopicSpec {
  /** Kafka topic name, stable forever. */
  readonly name: string;
  /** One-sentence meaning of the topic. */
  readonly description: string;
  /** What the (UTF-8 string) message key holds; ordering is guaranteed per key. */
  readonly key: string;
  /** Fully-qualified protobuf message name of the value, the first message of `protoFile`. */
  readonly valueType: string;
  /** Short message name of the value (the TypeScript type name). */
  readonly messageName: string;
  /** File under libs/contracts/proto holding the value schema: the topic name with `_` for `.`, e.g. risk_approved.proto. */
  readonly protoFile: string;
  /** Services that publish on the topic. */
  readonly producers: readonly string[];
  /** Services that consume the topic. */
  readonly consumers: readonly string[];
  readonly partitions: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /** retention.ms; -1 keeps messages forever (compacted topics keep the latest value per key). */
  readonly retentionMs: number;
  /** Name of the dead-letter topic poison messages of this topic go to. */
  readonly dlq: string;
}

function topic(spec: Omit<TopicSpec, 'dlq' | 'protoFile' | 'valueType'>): TopicSpec {
  const base = spec.name.replace(/\./g, '_');
  const pkg = `tradebridge.events.${base}.v1`;
  return Object.freeze({
    ...spec,
    valueType: `${pkg}.${spec.messageName}`,
    protoFile: `${base}.proto`,
    dlq: `${spec.name}${DLQ_SUFFIX}`,
  });
}

/** Every topic of Tradebridge, by name. */
export const TOPICS = Object.freeze({
  'signal.generated': topic({
    name: 'signal.generated',
    description: 'Signals accepted by the signal service, validated and stored.',
    key: 'signal source id (source_id): one source\'s open/modify/close stay in order',
    messageName: 'SignalGenerated',
    producers: ['signal'],
    consumers: ['risk', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'account.config': topic({
    name: 'account.config',
    description:
      'Configuration of every trading account (compacted: the latest value per key is the configuration; ' +
      'deleted accounts end with deleted=true, then a tombstone).',
    key: 'account id (account_id)',
    messageName: 'AccountConfigured',
    producers: ['risk'],
    consumers: ['risk', 'execution', 'sync', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'compact',
    retentionMs: -1,
  }),
  'risk.approved': topic({
    name: 'risk.approved',
    description: 'Order intents approved by risk: one message per order intent per account.',
    key: 'account id (account_id): one account\'s intents stay in order',
    messageName: 'OrderIntentApproved',
    producers: ['risk'],
    consumers: ['execution', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'risk.rejected': topic({
    name: 'risk.rejected',
    description: 'Signals risk refused to trade on an account, with a reason code.',
    key: 'account id (account_id)',
    messageName: 'OrderIntentRejected',
    producers: ['risk'],
    consumers: ['audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'risk.trading_state.changed': topic({
    name: 'risk.trading_state.changed',
    description:
      'Trading state (ACTIVE/REDUCING/HALTED) of the fleet, an account or a source (compacted: the latest value ' +
      'per key is the current state).',
    key: '"fleet", "account:<account id>" or "source:<source id>"',
    messageName: 'TradingStateChanged',
    producers: ['risk'],
    consumers: ['risk', 'execution', 'audit'],
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
  }),
  'execution.order.placed': topic({
    name: 'execution.order.placed',
    description: 'Orders the broker accepted: market orders filled, pending orders placed.',
    key: 'account id (account_id)',
    messageName: 'OrderPlaced',
    producers: ['execution'],
    consumers: ['risk', 'sync', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'execution.order.rejected': topic({
    name: 'execution.order.rejected',
    description: 'Intents that ended without a trade: final broker rejection, expiry, abandonment.',
    key: 'account id (account_id)',
    messageName: 'OrderRejected',
    producers: ['execution'],
    consumers: ['risk', 'sync', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'execution.position.changed': topic({
    name: 'execution.position.changed',
    description: 'Positions and pending orders execution modified, closed (fully or partly) or cancelled.',
    key: 'account id (account_id)',
    messageName: 'PositionChanged',
    producers: ['execution'],
    consumers: ['risk', 'sync', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'execution.attempt.recorded': topic({
    name: 'execution.attempt.recorded',
    description: 'Every trade request sent to a broker, with its platform code and timing.',
    key: 'account id (account_id)',
    messageName: 'AttemptRecorded',
    producers: ['execution'],
    consumers: ['sync', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'account.synced': topic({
    name: 'account.synced',
    description: 'Full account snapshots from the terminals with what changed, at least every few seconds.',
    key: 'account id (account_id)',
    messageName: 'AccountSynced',
    producers: ['sync'],
    consumers: ['risk', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 1 * DAY_MS,
  }),
  'account.connection.changed': topic({
    name: 'account.connection.changed',
    description: 'Connection state transitions of account terminals (CONNECTED/DEGRADED/DISCONNECTED).',
    key: 'account id (account_id)',
    messageName: 'AccountConnectionChanged',
    producers: ['sync'],
    consumers: ['risk', 'execution', 'audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
  }),
  'account.discrepancy.detected': topic({
    name: 'account.discrepancy.detected',
    description: 'Differences reconciliation found between the terminal and what execution reported.',
    key: 'account id (account_id)',
    messageName: 'DiscrepancyDetected',
    producers: ['sync'],
    consumers: ['audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
  }),
  'account.alert.raised': topic({
    name: 'account.alert.raised',
    description: 'Alerts on accounts or the fleet (margin level, disconnection, sync delay, rejection rate).',
    key: 'account id (account_id), or "fleet" for fleet-wide alerts',
    messageName: 'AlertRaised',
    producers: ['sync'],
    consumers: ['audit'],
    partitions: MAIN_FLOW_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
  }),
});

/** Name of a Tradebridge topic carrying events. */
export type TopicName = keyof typeof TOPICS;

/** Every event topic name, in registry order. */
export const TOPIC_NAMES = Object.freeze(Object.keys(TOPICS) as TopicName[]);

/** Name of a dead-letter topic. */
export type DlqTopicName = `${TopicName}${typeof DLQ_SUFFIX}`;

/** Settings of dead-letter topics: raw bytes of the failed message, no schema, kept long enough to be looked at. */
export const DLQ_SETTINGS = Object.freeze({
  partitions: 3,
  cleanupPolicy: 'delete' as const,
  retentionMs: 30 * DAY_MS,
});

/** True when `name` is a Tradebridge event topic. */
export function isTopicName(name: string): name is TopicName {
  return Object.prototype.hasOwnProperty.call(TOPICS, name);
}

/** Returns the spec of an event topic, or throws naming the unknown topic. */
export function topicSpec(name: string): TopicSpec {
  if (!isTopicName(name)) {
    throw new Error(`unknown topic "${name}": not in the TOPICS registry of @tradebridge/contracts`);
  }
  return TOPICS[name];
}

/**
 * Physical topic name for a logical one under an optional prefix. Tests use a unique prefix per suite so every
 * suite gets fresh topics (and, through TopicNameStrategy, fresh registry subjects).
 */
export function physicalTopic(name: TopicName | DlqTopicName, prefix = ''): string {
  return `${prefix}${name}`;
}

/** Dead-letter topic of a topic (prefix included if the topic has one). */
export function dlqTopic(topicName: string): string {
  return `${topicName}${DLQ_SUFFIX}`;
}
