import { createHash } from 'node:crypto';

const NUL = String.fromCharCode(0);

/** A JSON value as PostgreSQL jsonb stores it and hands it back. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Turns a decoded event into plain JSON that survives a round trip through jsonb unchanged: bytes become base64,
 * non-finite numbers become null, bigints become strings, NUL characters (which jsonb refuses) are dropped and
 * undefined members are left out. What is stored is exactly what was hashed.
 */
export function toJsonSafe(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.includes(NUL) ? value.split(NUL).join('') : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k.split(NUL).join('')] = toJsonSafe(v);
    }
    return out;
  }
  return String(value);
}

/**
 * Canonical JSON text of a JSON value: object keys sorted by code unit, no whitespace, numbers as JavaScript prints
 * them. The same value read back from jsonb gives the same text, whatever order jsonb keeps the keys in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}

/** Hash of the row before the first one: 32 zero bytes. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** sha256(prevHash || UTF-8 bytes of the canonical content): the chained hash of one row. */
export function chainHash(prevHash: Buffer, canonicalContent: string): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalContent, 'utf8').digest();
}

/** ISO 8601 UTC text of a microsecond timestamp with all six fractional digits, as the verifier reads it back. */
export function isoMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const frac = String(Math.round(micros - ms * 1000)).padStart(3, '0');
  const base = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${base.slice(0, 23)}${frac}Z`;
}
