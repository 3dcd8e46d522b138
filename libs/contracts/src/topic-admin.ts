import { DLQ_SETTINGS, TOPICS, dlqTopic, isTopicName, type TopicName, type TopicSpec } from './topics';

/** The part of a kafkajs Admin that ensureTopics uses (kafkajs' Admin satisfies it). */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  createTopics(options: {
    validateOnly?: boolean;
    waitForLeaders?: boolean;
    timeout?: number;
    topics: {
      topic: string;
      numPartitions?: number;
      replicationFactor?: number;
      configEntries?: { name: string; value: string }[];
    }[];
  }): Promise<boolean>;
  /** Partition leaders of the given topics; when present, ensureTopics waits until every partition has one. */
  fetchTopicMetadata?(options: { topics: string[] }): Promise<{
    topics: { name: string; partitions: { partitionId: number; leader: number }[] }[];
  }>;
}

/** Options of ensureTopics. */
export interface EnsureTopicsOptions {
  /** Prefix of the physical topic names (tests use a unique one per suite). Default none. */
  prefix?: string;
  /** Default 1 (local broker); 3 in production. */
  replicationFactor?: number;
  /** min.insync.replicas; set only when given (2 in production with replication factor 3). */
  minInsyncReplicas?: number;
  /** Also create each topic's dead-letter topic. Default true. */
  includeDlq?: boolean;
  /** Overrides the registry's partition count of every topic (e.g. 1 or 3 for small tests). */
  partitions?: number;
  /** How long to wait for every new partition to have a leader. Default 60 s. */
  leaderTimeoutMs?: number;
}

/** One topic as ensureTopics creates it. */
export interface TopicDefinition {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: { name: string; value: string }[];
}

function configEntries(
  cleanupPolicy: 'delete' | 'compact',
  retentionMs: number,
  minInsyncReplicas: number | undefined,
): { name: string; value: string }[] {
  const entries = [
    { name: 'cleanup.policy', value: cleanupPolicy },
    { name: 'retention.ms', value: String(retentionMs) },
  ];
  if (cleanupPolicy === 'compact') {
    // Keep a deletion visible for a day before compaction may drop the tombstone.
    entries.push({ name: 'delete.retention.ms', value: String(24 * 60 * 60 * 1000) });
  }
  if (minInsyncReplicas !== undefined) entries.push({ name: 'min.insync.replicas', value: String(minInsyncReplicas) });
  return entries;
}

/** The topic definitions (with settings from TOPICS) that ensureTopics creates for the given logical topics. */
export function topicDefinitions(names: readonly TopicName[] = Object.keys(TOPICS) as TopicName[], options: EnsureTopicsOptions = {}): TopicDefinition[] {
  const prefix = options.prefix ?? '';
  const replicationFactor = options.replicationFactor ?? 1;
  const out: TopicDefinition[] = [];
  for (const name of names) {
    if (!isTopicName(name)) throw new Error(`ensureTopics: unknown topic "${String(name)}"`);
    const spec: TopicSpec = TOPICS[name];
    out.push({
      topic: `${prefix}${spec.name}`,
      numPartitions: options.partitions ?? spec.partitions,
      replicationFactor,
      configEntries: configEntries(spec.cleanupPolicy, spec.retentionMs, options.minInsyncReplicas),
    });
    if (options.includeDlq ?? true) {
      out.push({
        topic: dlqTopic(`${prefix}${spec.name}`),
        numPartitions: options.partitions ?? DLQ_SETTINGS.partitions,
        replicationFactor,
        configEntries: configEntries(DLQ_SETTINGS.cleanupPolicy, DLQ_SETTINGS.retentionMs, options.minInsyncReplicas),
      });
    }
  }
  return out;
}

/**
 * Creates the given topics (default: all) and their dead-letter topics with the registry's settings, skipping those
 * that exist. Idempotent and safe to run from several processes at once. Returns the names it created.
 * Existing topics are not altered: partition counts and configs of live topics change through operations, not here.
 */
export async function ensureTopics(
  admin: TopicAdmin,
  names?: readonly TopicName[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const wanted = topicDefinitions(names, options);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  try {
    // kafkajs' own leader wait gives up on the transient "does not host this topic-partition" a broker answers
    // right after creation; waitForLeaders below polls through it instead.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  } catch (err) {
    // Another process may have created some of them in between; only fail if any is still missing.
    const now = new Set(await admin.listTopics());
    const still = missing.filter((t) => !now.has(t.topic)).map((t) => t.topic);
    if (still.length > 0) {
      throw new Error(`ensureTopics: could not create ${still.join(', ')}: ${(err as Error).message}`, { cause: err });
    }
  }
  await waitForTopicLeaders(admin, missing.map((t) => t.topic), options.leaderTimeoutMs ?? 60_000);
  return missing.map((t) => t.topic);
}

/**
 * Polls until every partition of the given topics has a leader, or throws naming those still without one. Use it
 * after creating topics with `waitForLeaders: false`; an admin without fetchTopicMetadata is not waited on.
 */
export async function waitForTopicLeaders(
  admin: Pick<TopicAdmin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  if (!admin.fetchTopicMetadata) return;
  const deadline = Date.now() + timeoutMs;
  let pending = [...topics];
  let lastError: unknown;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: pending });
      const led = new Set(
        found
          .filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
          .map((t) => t.name),
      );
      pending = pending.filter((t) => !led.has(t));
      lastError = undefined;
    } catch (err) {
      // Metadata of a topic created a moment ago may not have reached the broker answering yet: not an error.
      lastError = err;
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`ensureTopics: no partition leader after ${timeoutMs} ms for ${pending.join(', ')}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
