import { canonicalJson, chainHash, isoMicros, toJsonSafe, type JsonValue } from './canonical';

/** Topics whose key is not an account id: their account comes from the payload only. */
const NOT_ACCOUNT_KEYED = new Set(['signal.generated', 'risk.trading_state.changed']);

/** A Kafka message as the audit consumer read it, decoded when possible. */
export interface ReceivedMessage {
  /** Physical topic name. */
  readonly topic: string;
  /** Topic name without deployment prefix, e.g. risk.approved or risk.approved.dlq. */
  readonly logicalTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Headers as UTF-8 strings (repeated headers as arrays). */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** Kafka timestamp, milliseconds since the epoch. */
  readonly timestampMs: number;
  readonly deadLetter: boolean;
  /** The value bytes; null for a tombstone. */
  readonly raw: Buffer | null;
  /** The decoded value, or null (tombstone, or undecodable: then decodeError says why). */
  readonly decoded: { readonly typeName: string; readonly schemaId: number; readonly value: unknown } | null;
  readonly decodeError: string | null;
}

/** One row of audit.events before it takes its place in the chain. */
export interface AuditRecord {
  readonly eventId: string | null;
  readonly topic: string;
  readonly logicalTopic: string;
  readonly partition: number;
  readonly kafkaOffset: string;
  readonly messageKey: string | null;
  readonly eventType: string;
  readonly deadLetter: boolean;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly accountId: string | null;
  readonly intentIds: readonly string[];
  readonly producer: string | null;
  readonly schemaId: number | null;
  readonly schemaVersion: number | null;
  /** ISO text with microseconds, or null when the event carries no time. */
  readonly occurredAt: string | null;
  /** ISO text, millisecond precision. */
  readonly kafkaTimestamp: string;
  /** ISO text, millisecond precision. */
  readonly ingestedAt: string;
  readonly payload: JsonValue;
  readonly headers: JsonValue;
  /** Base64 of the original bytes, kept for dead letters and undecodable messages. */
  readonly rawValue: string | null;
  readonly decodeError: string | null;
}

/** A record placed in the chain. */
export interface ChainedRecord extends AuditRecord {
  readonly seq: string;
  readonly prevHash: Buffer;
  readonly rowHash: Buffer;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function collectIntentIds(logicalTopic: string, value: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.length > 0) ids.add(v);
  };
  add(value['intentId']);
  add(value['openingIntentId']);
  for (const id of (value['targetIntentIds'] as unknown[] | undefined) ?? []) add(id);
  if (logicalTopic.startsWith('account.synced')) {
    for (const c of (value['changes'] as Record<string, unknown>[] | undefined) ?? []) add(c['intentId']);
    const snapshot = value['snapshot'] as Record<string, unknown> | undefined;
    for (const p of (snapshot?.['positions'] as Record<string, unknown>[] | undefined) ?? []) add(p['intentId']);
    for (const o of (snapshot?.['orders'] as Record<string, unknown>[] | undefined) ?? []) add(o['intentId']);
  }
  return [...ids].sort();
}

function accountFromKey(logicalTopic: string, key: string | null): string | null {
  if (!key) return null;
  const base = logicalTopic.endsWith('.dlq') ? logicalTopic.slice(0, -4) : logicalTopic;
  if (base === 'risk.trading_state.changed') return key.startsWith('account:') ? key.slice('account:'.length) || null : null;
  if (NOT_ACCOUNT_KEYED.has(base) || key === 'fleet') return null;
  return key;
}

/**
 * The audit row of a message: envelope fields and the account as columns, the decoded value as JSON, the raw bytes
 * for dead letters and for what could not be decoded. `ingestedAt` comes in as an argument.
 */
export function toAuditRecord(message: ReceivedMessage, ingestedAt: Date): AuditRecord {
  const value = (message.decoded?.value ?? null) as Record<string, unknown> | null;
  const meta = (value?.['meta'] ?? null) as Record<string, unknown> | null;
  const occurredAtUs = typeof meta?.['occurredAtUs'] === 'number' && meta['occurredAtUs'] > 0 ? (meta['occurredAtUs'] as number) : null;
  const eventType = message.decoded ? message.decoded.typeName : message.raw === null ? 'tombstone' : 'undecodable';
  const keepRaw = message.raw !== null && (message.deadLetter || message.decoded === null);
  return {
    eventId: str(meta?.['eventId']),
    topic: message.topic,
    logicalTopic: message.logicalTopic,
    partition: message.partition,
    kafkaOffset: message.offset,
    messageKey: message.key,
    eventType,
    deadLetter: message.deadLetter,
    correlationId: str(meta?.['correlationId']) ?? str(value?.['signalId']),
    causationId: str(meta?.['causationId']),
    accountId: str(value?.['accountId']) ?? accountFromKey(message.logicalTopic, message.key),
    intentIds: value ? collectIntentIds(message.logicalTopic, value) : [],
    producer: str(meta?.['producer']),
    schemaId: message.decoded ? message.decoded.schemaId : null,
    schemaVersion: typeof meta?.['schemaVersion'] === 'number' ? (meta['schemaVersion'] as number) : null,
    occurredAt: occurredAtUs === null ? null : isoMicros(occurredAtUs),
    kafkaTimestamp: new Date(message.timestampMs).toISOString(),
    ingestedAt: ingestedAt.toISOString(),
    payload: value === null ? null : toJsonSafe(value),
    headers: toJsonSafe(message.headers),
    rawValue: keepRaw ? message.raw!.toString('base64') : null,
    decodeError: message.decodeError,
  };
}

/**
 * The canonical text a row's hash covers: every column but the hashes, in a fixed order. The verifier rebuilds it
 * from the stored row, so it must only use values that read back identically.
 */
export function canonicalRowContent(seq: string, r: AuditRecord): string {
  return canonicalJson([
    seq,
    r.eventId,
    r.topic,
    r.logicalTopic,
    r.partition,
    r.kafkaOffset,
    r.messageKey,
    r.eventType,
    r.deadLetter,
    r.correlationId,
    r.causationId,
    r.accountId,
    [...r.intentIds],
    r.producer,
    r.schemaId,
    r.schemaVersion,
    r.occurredAt,
    r.kafkaTimestamp,
    r.ingestedAt,
    r.payload,
    r.headers,
    r.rawValue,
    r.decodeError,
  ]);
}

/** Places records in the chain after the row (tailSeq, tailHash): consecutive seqs, each hash over the previous. */
export function chainRecords(tailSeq: bigint, tailHash: Buffer, records: readonly AuditRecord[]): ChainedRecord[] {
  let prev = tailHash;
  let seq = tailSeq;
  return records.map((r) => {
    seq += 1n;
    const rowHash = chainHash(prev, canonicalRowContent(seq.toString(), r));
    const chained: ChainedRecord = { ...r, seq: seq.toString(), prevHash: prev, rowHash };
    prev = rowHash;
    return chained;
  });
}

/** Drops repeats inside one batch: the same (topic, partition, offset), or the same event id outside dead letters. */
export function dedupeBatch(records: readonly AuditRecord[]): AuditRecord[] {
  const seenOffsets = new Set<string>();
  const seenIds = new Set<string>();
  const out: AuditRecord[] = [];
  for (const r of records) {
    const tpo = `${r.topic}\u0000${r.partition}\u0000${r.kafkaOffset}`;
    if (seenOffsets.has(tpo)) continue;
    if (!r.deadLetter && r.eventId !== null) {
      if (seenIds.has(r.eventId)) continue;
      seenIds.add(r.eventId);
    }
    seenOffsets.add(tpo);
    out.push(r);
  }
  return out;
}
