/** SQLSTATE for a unique or primary-key constraint violation. */
export const PG_UNIQUE_VIOLATION = '23505';
/** SQLSTATE raised by CREATE DATABASE when the database already exists. */
export const PG_DUPLICATE_DATABASE = '42P04';
/** SQLSTATE raised when connecting to a database that does not exist. */
export const PG_INVALID_CATALOG_NAME = '3D000';
/** SQLSTATE raised when a serializable transaction must be retried. */
export const PG_SERIALIZATION_FAILURE = '40001';
/** SQLSTATE raised when the lock_timeout expires. */
export const PG_LOCK_NOT_AVAILABLE = '55P03';

/** Returns the SQLSTATE of a pg error, or undefined for anything else. */
export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Tells whether `err` is a unique violation, optionally of one named constraint; this is how
 * idempotent inserts recognise "already recorded" without parsing messages.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (pgErrorCode(err) !== PG_UNIQUE_VIOLATION) return false;
  if (constraint === undefined) return true;
  return (err as { constraint?: unknown }).constraint === constraint;
}
