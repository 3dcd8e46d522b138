import { stdSerializers } from 'pino';

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Key names whose values never reach a log line, at any depth. Keys are compared after lower-casing and
 * removing `-` and `_`, and a key matches when it ends with an entry, so `metaApiToken`, `x-api-key`,
 * `DATABASE_PASSWORD` and `webhookSecret` are all caught while `idempotencyKey` and `tokenCount` are not.
 */
export const REDACTED_KEYS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'passwordhash',
  'secret',
  'token',
  'apikey',
  'apikeyhash',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'privatekey',
  'credential',
  'credentials',
  'sasl',
];

const normalise = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/** Builds the key test used by {@link redactObject}; `extraKeys` extend {@link REDACTED_KEYS}. */
export function secretKeyMatcher(extraKeys: readonly string[] = []): (key: string) => boolean {
  const suffixes = [...REDACTED_KEYS, ...extraKeys.map(normalise)];
  return (key) => {
    const k = normalise(key);
    return suffixes.some((suffix) => k.endsWith(suffix));
  };
}

const MAX_DEPTH = 10;

/**
 * Returns `value` with the values of secret keys replaced by {@link REDACTED}, at any depth. Objects that
 * contain nothing to redact are returned as they are, so a typical log line costs a walk and no copies.
 * Errors are first turned into pino's serialised form so their own properties are checked too.
 */
export function redactObject<T>(value: T, isSecretKey: (key: string) => boolean): T {
  return walk(value, isSecretKey, 0, new WeakSet()) as T;
}

function walk(value: unknown, isSecretKey: (key: string) => boolean, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);

  // pino's serialised error has its own prototype; spread it into a plain object so its fields are walked.
  if (value instanceof Error) return walk({ ...stdSerializers.err(value) }, isSecretKey, depth + 1, seen);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = walk(item, isSecretKey, depth + 1, seen);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;

  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : walk(item, isSecretKey, depth + 1, seen);
    if (redacted !== item) (copy ??= { ...value })[key] = redacted;
  }
  return copy ?? value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const TEXT_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // Authorization header values that ended up in a message or an error text.
  // At least 8 characters, so prose such as "Basic checks failed" is left alone.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, `$1 ${REDACTED}`],
  // Passwords inside URLs: postgres://user:secret@host, https://user:secret@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:@/\s"]+):[^@/\s"]+@/gi, `$1:${REDACTED}@`],
  // Credentials passed as query parameters.
  [/([?&](?:access_token|token|api_key|apikey|password|secret|auth-token|auth_token)=)[^&\s"]+/gi, `$1${REDACTED}`],
];

/**
 * Scrubs secrets that hide in free text (messages, error texts, URLs) rather than under a key: bearer and
 * basic credentials, passwords in URLs and credentials in query strings.
 */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
