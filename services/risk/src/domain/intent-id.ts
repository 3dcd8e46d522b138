/**
 * Deterministic order-intent ids: the same signal and account give the same id forever, so replays and retries
 * deduplicate by construction. Name-based UUID (version 5, RFC 9562) over `signalId + '/' + accountId`.
 */
import { createHash } from 'node:crypto';

/** Namespace of Tradebridge order intents (a fixed random UUID; changing it would change every id). */
export const ORDER_INTENT_NAMESPACE = '6f1d9b1e-3c2a-5b8e-9a47-2d4c8e0b7f31';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** Returns the version-5 UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The order-intent id of a signal on an account. */
export function orderIntentId(signalId: string, accountId: string): string {
  return uuidV5(`${signalId}/${accountId}`, ORDER_INTENT_NAMESPACE);
}
