import { createHash } from 'node:crypto';

/**
 * Encoding of the clientId tag: `TB` + the first 14 characters of the RFC 4648 base32 (A-Z, 2-7, no padding) of
 * SHA-256(intent id as UTF-8). 16 characters, 70 bits of hash: at a billion intents per account the chance of any
 * collision is about 2^-11, and a lookup is always per account. Plain ASCII, so MT4's latin1 comments carry it.
 */
export const CLIENT_ID_PREFIX = 'TB';
const HASH_CHARS = 14;

/** Length of every clientId produced by `clientIdFor`. */
export const CLIENT_ID_LENGTH = CLIENT_ID_PREFIX.length + HASH_CHARS;

/** MetaApi's limit for clientId and comment together (the stricter of the documented values). */
export const MAX_CLIENT_ID_AND_COMMENT = 26;

/** Longest comment that fits beside a clientId. */
export const MAX_COMMENT_LENGTH = MAX_CLIENT_ID_AND_COMMENT - CLIENT_ID_LENGTH;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Derives the short, deterministic clientId a trade for this intent carries, e.g. `TBK5QX...` (16 characters). */
export function clientIdFor(intentId: string): string {
  if (intentId.length === 0) throw new RangeError('intentId must not be empty');
  const digest = createHash('sha256').update(intentId, 'utf8').digest();
  return CLIENT_ID_PREFIX + base32(digest).slice(0, HASH_CHARS);
}

/** True when the string has the shape `clientIdFor` produces. */
export function isBridgeClientId(value: string): boolean {
  return value.length === CLIENT_ID_LENGTH && value.startsWith(CLIENT_ID_PREFIX) && /^[A-Z2-7]+$/.test(value.slice(2));
}

/** Returns why a comment cannot travel beside a clientId, or undefined when it can. */
export function commentProblem(comment: string, platform: 'mt4' | 'mt5'): string | undefined {
  if (comment.length > MAX_COMMENT_LENGTH) {
    return `must be at most ${MAX_COMMENT_LENGTH} characters (clientId and comment share ${MAX_CLIENT_ID_AND_COMMENT}), got ${comment.length}`;
  }
  // MT4 stores comments as latin1; anything else would be mangled by the terminal.
  if (platform === 'mt4' && [...comment].some((ch) => ch.charCodeAt(0) > 0xff)) return 'must be latin1 on MT4 accounts';
  return undefined;
}

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
