import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { SimClock } from '../clock';
import type { Engine } from '../domain/engine';
import { iso } from '../domain/time';
import { handleAdmin } from './admin-routes';
import { handleAccountRoute } from './metaapi-routes';
import type { RateLimiter } from './rate-limit';
import { HttpError, sendError, sendJson, sendValidation } from './respond';

/** What every handler needs: the engine, the market clock and the admin settings. */
export interface SimContext {
  engine: Engine;
  clock: SimClock;
  rateLimiter: RateLimiter;
  adminToken?: string;
  startTime: number;
}

const MAX_BODY_BYTES = 1 << 20;
const ACCOUNT_PREFIX = ['', 'users', 'current', 'accounts'];

/** Reads and parses a JSON body; an empty body is `undefined`; malformed JSON is a 400 ValidationError. */
function bodyReader(req: IncomingMessage): () => Promise<unknown> {
  return () =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new HttpError('ValidationError', 'Request body too large', [{ parameter: 'body', message: `body must be at most ${MAX_BODY_BYTES} bytes` }]));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (size === 0) return resolve(undefined);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new HttpError('ValidationError', 'Malformed JSON body', [{ parameter: 'body', message: 'body must be valid JSON' }]));
        }
      });
      req.on('error', reject);
    });
}

async function route(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? undefined : new URLSearchParams(url.slice(q + 1));
  const segments = pathname.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  if (segments[segments.length - 1] === '' && segments.length > 2) segments.pop();
  const method = req.method ?? 'GET';
  const readBody = bodyReader(req);

  if (segments.length >= 6 && ACCOUNT_PREFIX.every((s, i) => segments[i] === s)) {
    const accountId = segments[4]!;
    const sim = ctx.engine.get(accountId);
    if (!sim) return sendError(res, 'NotFoundError', `Trading account with id ${accountId} not found`);
    const token = req.headers['auth-token'];
    if (token !== sim.account.config.token) return sendError(res, 'UnauthorizedError', 'Authorization failed', { details: 'E_AUTH' });
    return handleAccountRoute(ctx, sim, method, segments.slice(5), query, readBody, req, res);
  }
  if (segments[1] === 'admin') {
    if (ctx.adminToken !== undefined && req.headers['x-admin-token'] !== ctx.adminToken) {
      return sendError(res, 'UnauthorizedError', 'Admin token required (header x-admin-token)');
    }
    return handleAdmin(ctx, method, segments.slice(2), query, readBody, res);
  }
  if (segments[1] === 'health' && segments.length === 2) return sendJson(res, 200, { status: 'ok', time: iso(ctx.clock.now()) });
  sendError(res, 'NotFoundError', `Path not found: ${method} ${pathname}`);
}

/** Creates the simulator's HTTP server (not yet listening). Keep-alive connections are held 65 s. */
export function createSimServer(ctx: SimContext): Server {
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (err.error === 'ValidationError' && Array.isArray(err.details)) return sendValidation(res, err.details);
        return sendError(res, err.error, err.message, err.details !== undefined ? { details: err.details } : {});
      }
      sendError(res, 'InternalError', err instanceof Error ? err.message : String(err));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
