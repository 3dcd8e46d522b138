import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpAnswer } from './answer';
import type { IngestRequest } from './ingest';

/** Arrival time (epoch microseconds) of each raw request, recorded by the first onRequest hook. */
const arrivals = new WeakMap<object, number>();

/** Records the arrival time of a request; called once, from the earliest hook. */
export function recordArrival(raw: object, receivedAtUs: number): void {
  arrivals.set(raw, receivedAtUs);
}

/** Reads what the handlers need from a Fastify request (the body stays the raw text the parser kept). */
export function toIngestRequest(req: FastifyRequest): IngestRequest {
  return {
    headers: req.headers,
    contentType: req.headers['content-type'] ?? null,
    rawBody: typeof req.body === 'string' ? req.body : null,
    query: (req.query ?? {}) as Record<string, unknown>,
    receivedAtUs: arrivals.get(req.raw) ?? Math.round((performance.timeOrigin + performance.now()) * 1000),
  };
}

/** Sends a framework-independent answer. */
export function send(reply: FastifyReply, answer: HttpAnswer): void {
  reply.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  void reply.send(answer.body);
}
