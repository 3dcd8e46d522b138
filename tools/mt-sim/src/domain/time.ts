import type { Session, WeeklySessions } from './types';

/** Broker server time is UTC+2 without daylight saving, so the forex week runs Monday 00:00 to Friday 24:00. */
export const BROKER_OFFSET_MS = 2 * 3600_000;
export const DAY_MS = 86_400_000;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Formats an instant as MetaApi's brokerTime, "YYYY-MM-DD HH:mm:ss.SSS" in broker time. */
export function brokerTime(ms: number): string {
  const d = new Date(ms + BROKER_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** Formats an instant as an ISO-8601 UTC string. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Returns the instant of the broker-time midnight that starts the broker day containing `ms`. */
export function brokerDayStart(ms: number): number {
  const local = ms + BROKER_OFFSET_MS;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - BROKER_OFFSET_MS;
}

/** Returns the broker-time weekday (0 = Sunday) of an instant. */
export function brokerWeekday(ms: number): number {
  return new Date(ms + BROKER_OFFSET_MS).getUTCDay();
}

/** Broker-time weekday (0 = Sunday) and minute of the day (fractional) of an instant. */
export function brokerClock(ms: number): { weekday: number; minute: number } {
  const local = ms + BROKER_OFFSET_MS;
  const dayIndex = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday (weekday 4).
  return { weekday: (((dayIndex + 4) % 7) + 7) % 7, minute: (local - dayIndex * DAY_MS) / 60_000 };
}

/** Tells whether a broker weekday and minute fall inside one of the weekly sessions. */
export function inSessionAt(sessions: WeeklySessions, weekday: number, minute: number): boolean {
  const day = sessions[weekday];
  if (!day) return false;
  for (const s of day) if (minute >= s.from && minute < s.to) return true;
  return false;
}

/** Tells whether an instant falls inside one of the weekly sessions (broker time). */
export function inSession(sessions: WeeklySessions, ms: number): boolean {
  const { weekday, minute } = brokerClock(ms);
  return inSessionAt(sessions, weekday, minute);
}

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

const hhmm = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00.000`;

/** Renders weekly sessions as MetaApi's `{MONDAY: [{from: "HH:mm:ss.SSS", to}], ...}`. */
export function sessionsJson(sessions: WeeklySessions): Record<string, { from: string; to: string }[]> {
  const out: Record<string, { from: string; to: string }[]> = {};
  WEEKDAYS.forEach((name, i) => {
    const day = sessions[i] ?? [];
    if (day.length > 0) out[name] = day.map((s: Session) => ({ from: hhmm(s.from), to: hhmm(s.to) }));
  });
  return out;
}
