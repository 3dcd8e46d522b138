import { createHash } from 'node:crypto';

/** Namespace of every id the signal service derives (a fixed random UUID; never change it). */
const SIGNAL_NAMESPACE = '3f0c7a52-6a0e-4d7b-9a51-1c2f9d1b8e47';

/** Derives a name-based (version 5) UUID, so the same logical thing gets the same id on every replay. */
export function uuidV5(name: string, namespace: string = SIGNAL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The event id of the `signal.generated` event for a signal. Derived from the signal id alone, so a republish after a
 * crash carries the same event id and consumers deduplicate it by construction.
 */
export function signalGeneratedEventId(signalId: string): string {
  return uuidV5(`signal.generated:${signalId}`);
}
