/**
 * Counts the decimal places of a number as it is written in its shortest round-trip form (`1e-7` has 7, `1.5e-10` has
 * 11), which is what a sender typed when the number came from JSON or text.
 */
export function decimalPlaces(n: number): number {
  if (!Number.isFinite(n)) return Number.POSITIVE_INFINITY;
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(n)));
  if (!m) return Number.POSITIVE_INFINITY;
  const fraction = m[2]?.length ?? 0;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  return Math.max(0, fraction - exponent);
}

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const NON_FINITE_TEXT = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Reads a number written as text the way alert templates render it (`1.0820`, `2350.5`, `-1e3`). Non-finite words
 * (`NaN`, `Infinity`) become NaN so the validator reports them as not finite; anything else non-numeric comes back
 * unchanged so the validator reports its type.
 */
export function numberFromText(text: string): number | string {
  const t = text.trim();
  if (NUMERIC_TEXT.test(t)) return Number(t);
  if (NON_FINITE_TEXT.test(t)) return Number.NaN;
  return text;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Parses an ISO 8601 instant that carries a zone (`Z` or an offset); returns epoch milliseconds or null. */
export function parseIsoInstant(text: string): number | null {
  if (!ISO_INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}
