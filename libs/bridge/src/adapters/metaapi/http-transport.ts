import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';

/** Settings of the shared HTTP connection pool (one undici Agent = one keep-alive pool per host). */
export interface MetaApiAgentOptions {
  /** Time allowed to open a TCP/TLS connection; a request that cannot connect was never sent. Default 2 s. */
  readonly connectTimeoutMs?: number;
  /** How long an idle keep-alive socket is kept. Default 60 s. */
  readonly keepAliveTimeoutMs?: number;
  /**
   * Most sockets per host. Default 256: a dead account's hanging requests hold their own sockets until they time
   * out, and must never queue the healthy accounts' requests behind them on the same host.
   */
  readonly connectionsPerHost?: number;
}

/** Creates the keep-alive pool the MetaApi terminals of one process share (pass it as `dispatcher`). */
export function createMetaApiAgent(options: MetaApiAgentOptions = {}): Agent {
  return new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 2_000 },
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 60_000,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 60_000, 60_000),
    connections: options.connectionsPerHost ?? 256,
    pipelining: 1,
  });
}

let sharedAgent: Agent | undefined;

/** The process-wide pool used when a terminal is given no dispatcher. */
export function defaultMetaApiAgent(): Agent {
  sharedAgent ??= createMetaApiAgent();
  return sharedAgent;
}

/** An HTTP answer with its body parsed as JSON (undefined when empty, the raw text when not JSON). */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly rttMs: number;
}

/**
 * Why an exchange produced no answer. `not_sent`: no connection could be opened, the server never saw the request.
 * `timeout`: no complete answer in time after sending. `lost`: the connection failed after the request may have
 * been written.
 */
export type TransportFailureKind = 'not_sent' | 'timeout' | 'lost';

/** An HTTP exchange that ended without an answer. */
export class TransportFailure extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    readonly code: string | undefined,
    readonly rttMs: number,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${kind}${code ? ` (${code})` : ''}`, options);
    this.name = 'TransportFailure';
  }
}

// Errors raised while opening the connection: the request bytes never left this process.
const NOT_SENT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'ABORT_ERR']);

/** Classifies an undici/Node error from a request that got no answer. */
export function classifyTransportError(error: unknown): { kind: TransportFailureKind; code: string | undefined } {
  const code = errorCode(error);
  if (code && NOT_SENT_CODES.has(code)) return { kind: 'not_sent', code };
  const name = (error as { name?: string } | null)?.name;
  if ((code && TIMEOUT_CODES.has(code)) || name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', code: code ?? name };
  return { kind: 'lost', code };
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'string') return e.code;
  // Happy-eyeballs connects fail with an AggregateError whose members carry the codes.
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  if (e.cause) return errorCode(e.cause);
  return undefined;
}

/** One JSON-over-HTTP exchange with a hard deadline; never retried here. */
export async function exchange(
  dispatcher: Dispatcher,
  origin: string,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body: unknown,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const started = performance.now();
  // One deadline for the whole exchange (connect, send, headers, body), cleared as soon as it ends so a busy process
  // does not carry thousands of pending timers.
  const controller = new AbortController();
  const signal = controller.signal;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await dispatcher.request({
      origin,
      path,
      method,
      headers:
        body === undefined
          ? { 'auth-token': token, accept: 'application/json' }
          : { 'auth-token': token, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body: parseJson(text), rttMs: performance.now() - started };
  } catch (error) {
    const rttMs = performance.now() - started;
    const { kind, code } = signal.aborted && classifyTransportError(error).kind !== 'not_sent'
      ? { kind: 'timeout' as const, code: 'TIMEOUT' }
      : classifyTransportError(error);
    throw new TransportFailure(kind, code, rttMs, timeoutMs, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
