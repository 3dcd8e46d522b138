import { createHash } from 'node:crypto';

/**
 * Namespace of every Tradebridge name-based UUID (RFC 9562 version 5). Fixed forever: changing it would change every
 * deterministic id and break deduplication across replays.
 */
export const TRADEBRIDGE_ID_NAMESPACE = '6f1c2b1e-4d3a-5b7e-9c2d-7a1e0f3b8c41';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in its canonical textual form. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Version-5 (SHA-1, name-based) UUID of `name` in `namespace`, per RFC 9562. */
export function uuidV5(name: string, namespace: string = TRADEBRIDGE_ID_NAMESPACE): string {
  if (!isUuid(namespace)) throw new Error(`uuidV5: namespace "${namespace}" is not a UUID`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(Buffer.from(name, 'utf8'))
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function requireId(field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${field} must be a non-empty string`);
}

/**
 * Deterministic UUID for a kind of thing and the parts that identify it: the same inputs give the same id forever.
 * Parts are JSON-encoded so ("a:b", "c") and ("a", "b:c") never collide.
 */
export function deterministicId(kind: string, ...parts: readonly (string | number)[]): string {
  requireId('kind', kind);
  return uuidV5(JSON.stringify([kind, ...parts]));
}

/**
 * Order-intent id of a signal on an account: the same signal, account and leg give the same id forever, so a
 * replayed signal deduplicates by construction. `leg` numbers the orders one signal opens on one account (one per
 * take-profit level when split), starting at 0.
 */
export function intentId(signalId: string, accountId: string, leg = 0): string {
  requireId('signalId', signalId);
  requireId('accountId', accountId);
  if (!Number.isSafeInteger(leg) || leg < 0) throw new Error(`leg must be a non-negative integer, got ${leg}`);
  return deterministicId('intent', signalId, accountId, leg);
}

/**
 * Deterministic event id for an event that must keep its id across replays and retries: the topic plus the parts
 * that identify the logical event (e.g. eventId('risk.approved', intentId)).
 */
export function eventId(topic: string, ...parts: readonly (string | number)[]): string {
  requireId('topic', topic);
  if (parts.length === 0) throw new Error('eventId needs at least one identifying part');
  return deterministicId(`event:${topic}`, ...parts);
}
