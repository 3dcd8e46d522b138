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

/** Tells whether an instant falls inside one of the weekly sessions (broker time). */
export function inSession(sessions: WeeklySessions, ms: number): boolean {
  const local = ms + BROKER_OFFSET_MS;
  const minute = ((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  const day = sessions[new Date(local).getUTCDay()] ?? [];
  return day.some((s) => minute >= s.from && minute < s.to);
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
