import type { Kysely } from 'kysely';
import type { AuditDb } from '../../adapters/postgres/audit.table';
import {
  accountTimelinePage,
  signalAcceptedAtUs,
  signalTimelinePage,
  type PageCursor,
  type TimelineRow,
} from '../../adapters/postgres/trace.repository';
import { isoMicros } from '../../domain/canonical';
import { msBetween, stepDetails, stepKind, type TimelineStep } from '../../domain/timeline';

/** A page of a timeline; nextCursor is null on the last page. */
export interface TimelinePage {
  readonly steps: readonly TimelineStep[];
  readonly nextCursor: string | null;
}

/** Encodes a page position as an opaque, URL-safe cursor. */
export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.atUs, c.seq]), 'utf8').toString('base64url');
}

/** Decodes a cursor; undefined when it is not one this service issued. */
export function decodeCursor(text: string): PageCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string' && /^\d{1,20}$/.test(x))) {
      return { atUs: v[0] as string, seq: v[1] as string };
    }
  } catch {
    // not a cursor
  }
  return undefined;
}

function signalAccepted(row: TimelineRow): number | null {
  const p = row.payload ?? {};
  const direct = p['signalAcceptedAtUs'] ?? (p['latency'] as Record<string, unknown> | undefined)?.['signalAcceptedAtUs'];
  if (typeof direct === 'number' && direct > 0) return direct;
  if (row.logicalTopic === 'signal.generated' && typeof p['acceptedAtUs'] === 'number') return p['acceptedAtUs'];
  return null;
}

function page(rows: TimelineRow[], limit: number, toStep: (row: TimelineRow) => TimelineStep): TimelinePage {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    steps: shown.map(toStep),
    nextCursor: more && last ? encodeCursor({ atUs: String(last.occurredAtUs), seq: last.seq }) : null,
  };
}

/** Reads timelines out of the audit store for the trace API. */
export class TraceQueries {
  constructor(private readonly db: Kysely<AuditDb>) {}

  /**
   * A page of a signal's timeline with each step's latency from the signal's acceptance and from the previous step of
   * the same account; undefined when audit has never seen the signal.
   */
  async signalTrace(signalId: string, limit: number, after: PageCursor | null): Promise<(TimelinePage & { acceptedAt: string | null }) | undefined> {
    const [acceptedUs, rows] = await Promise.all([
      signalAcceptedAtUs(this.db, signalId),
      signalTimelinePage(this.db, signalId, after, limit + 1),
    ]);
    if (rows.length === 0 && after === null) return undefined;
    const result = page(rows, limit, (row) => {
      const kind = stepKind(row.logicalTopic, true);
      const isSignal = kind === 'signal.accepted';
      const stepAt = isSignal && acceptedUs !== undefined ? acceptedUs : row.occurredAtUs;
      const previous = isSignal ? null : (row.previousAtUs ?? (row.accountId === null ? null : (acceptedUs ?? null)));
      return {
        seq: row.seq,
        step: kind,
        topic: row.logicalTopic,
        eventId: row.eventId,
        accountId: row.accountId,
        intentId: row.intentIds.length === 1 ? row.intentIds[0]! : ((row.payload?.['intentId'] as string | undefined) || null),
        occurredAt: isoMicros(stepAt),
        sinceAcceptedMs: acceptedUs === undefined ? null : msBetween(acceptedUs, stepAt),
        sincePreviousMs: previous === null ? null : msBetween(previous, row.occurredAtUs),
        details: stepDetails(kind, row.payload, row.intentIds),
      };
    });
    return { ...result, acceptedAt: acceptedUs === undefined ? null : isoMicros(acceptedUs) };
  }

  /** A page of an account's events in [from, to), each with its latency from the acceptance of its signal if any. */
  async accountTimeline(accountId: string, from: Date, to: Date, limit: number, after: PageCursor | null): Promise<TimelinePage> {
    const rows = await accountTimelinePage(this.db, accountId, from.toISOString(), to.toISOString(), after, limit + 1);
    let previous: number | null = null;
    return page(rows, limit, (row) => {
      const kind = stepKind(row.logicalTopic, false);
      const accepted = signalAccepted(row);
      const step: TimelineStep = {
        seq: row.seq,
        step: kind,
        topic: row.logicalTopic,
        eventId: row.eventId,
        accountId: row.accountId,
        intentId: (row.payload?.['intentId'] as string | undefined) || null,
        occurredAt: isoMicros(row.occurredAtUs),
        sinceAcceptedMs: accepted === null ? null : msBetween(accepted, row.occurredAtUs),
        sincePreviousMs: previous === null ? null : msBetween(previous, row.occurredAtUs),
        details: stepDetails(kind, row.payload),
      };
      previous = row.occurredAtUs;
      return step;
    });
  }
}
