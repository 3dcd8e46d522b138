/**
 * Formats epoch microseconds as an ISO 8601 UTC instant with six fractional digits
 * (`2026-11-23T07:38:16.123456Z`), the precision PostgreSQL's timestamptz keeps.
 */
export function isoFromEpochMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const subMs = Math.round(micros - ms * 1000);
  const base = new Date(ms).toISOString(); // ...SS.mmmZ
  return `${base.slice(0, -1)}${String(Math.min(subMs, 999)).padStart(3, '0')}Z`;
}
