/** Microseconds since the Unix epoch, the unit of every *_at_us field. */
export type Micros = number;

/** Microseconds since the Unix epoch of a Date (millisecond precision). */
export function toMicros(date: Date): Micros {
  return date.getTime() * 1000;
}

/** Date of a microsecond timestamp (sub-millisecond digits dropped). */
export function fromMicros(micros: Micros): Date {
  return new Date(Math.floor(micros / 1000));
}

let anchorMs = performance.timeOrigin;

/**
 * The current time in microseconds since the Unix epoch, with sub-millisecond resolution from the monotonic clock,
 * kept within a millisecond of the wall clock (re-anchored when NTP or a person moves the clock), so timestamps of
 * different processes stay comparable. For adapters; domain code receives time as an argument.
 */
export function nowMicros(): Micros {
  const mono = performance.now();
  const wall = Date.now();
  let ms = anchorMs + mono;
  if (Math.abs(ms - wall) > 1) {
    anchorMs = wall - mono;
    ms = wall;
  }
  return Math.round(ms * 1000);
}
