import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const API_KEY = /^tbk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A freshly generated secret with what is stored of it; the clear text is shown once and never stored. */
export interface GeneratedSecret {
  readonly clearText: string;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export interface GeneratedApiKey extends GeneratedSecret {
  /** The public part of the key, stored in clear to find the source. */
  readonly keyId: string;
}

/**
 * Hashes a secret with its salt. The secrets are 256 random bits, so a salted SHA-256 cannot be brute-forced and a
 * slow KDF would only cost latency on every request.
 */
export function hashSecret(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(salt: Buffer, hash: Buffer, presented: string): boolean {
  const candidate = hashSecret(salt, presented);
  return candidate.length === hash.length && timingSafeEqual(candidate, hash);
}

/** Generates an API key `tbk_<key id>_<secret>`. */
export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  return { keyId, clearText: `tbk_${keyId}_${secret}`, salt, hash: hashSecret(salt, secret) };
}

/** Generates a webhook secret for TradingView alerts. */
export function generateWebhookSecret(): GeneratedSecret {
  const clearText = `tbw_${randomBytes(32).toString('base64url')}`;
  const salt = randomBytes(16);
  return { clearText, salt, hash: hashSecret(salt, clearText) };
}

/** Splits an API key into its public id and secret part; null when it is not shaped like one of ours. */
export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const m = API_KEY.exec(key);
  return m && m[1] !== undefined && m[2] !== undefined ? { keyId: m[1], secret: m[2] } : null;
}
