import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { TraceQueries, TimelinePage } from '../../application/trace/trace-queries';
import { accountTimelineParams, traceParams } from './params';
import { ProblemError } from './problem';

export const TRACE_QUERIES = Symbol('TRACE_QUERIES');
export const CLOCK = Symbol('CLOCK');

/** The trace API: a signal's timeline across services, and an account's events over a time range. */
@Controller('v1')
export class TraceController {
  constructor(
    @Inject(TRACE_QUERIES) private readonly queries: TraceQueries,
    @Inject(CLOCK) private readonly now: () => Date,
  ) {}

  @Get('trace/:signalId')
  async trace(@Param('signalId') signalIdParam: string, @Query() query: Record<string, unknown>): Promise<unknown> {
    const p = traceParams(signalIdParam, query);
    if (p.errors.length > 0) throw ProblemError.invalidParameters(p.errors);
    const trace = await this.queries.signalTrace(p.signalId, p.limit, p.cursor);
    if (!trace) throw ProblemError.notFound(`no event of signal ${p.signalId} has reached the audit store`);
    return { signalId: p.signalId, acceptedAt: trace.acceptedAt, ...withLinks(trace) };
  }

  @Get('accounts/:id/timeline')
  async accountTimeline(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<unknown> {
    const p = accountTimelineParams(id, query, this.now());
    if (p.errors.length > 0) throw ProblemError.invalidParameters(p.errors);
    const page = await this.queries.accountTimeline(p.accountId, p.from, p.to, p.limit, p.cursor);
    return { accountId: p.accountId, from: p.from.toISOString(), to: p.to.toISOString(), ...withLinks(page) };
  }
}

function withLinks(page: TimelinePage): { steps: TimelinePage['steps']; nextCursor: string | null } {
  return { steps: page.steps, nextCursor: page.nextCursor };
}
