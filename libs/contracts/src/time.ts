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

/**
 * The current time in microseconds since the Unix epoch, with sub-millisecond resolution from the monotonic clock
 * (performance.timeOrigin + performance.now()). For adapters; domain code receives time as an argument.
 */
export function nowMicros(): Micros {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
