import { RegistryError, RegistryUnavailableError, SchemaIncompatibleError, UnknownSchemaError } from './errors';

/** Compatibility levels of the Confluent API. */
export type CompatibilityLevel =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

/** A schema as the registry stores it. */
export interface RegisteredSchema {
  schema: string;
  schemaType: string;
}

/** The registry operations the codec needs; SchemaRegistryClient implements them over the Confluent REST API. */
export interface SchemaRegistryApi {
  /** Registers a protobuf schema under a subject (idempotent) and returns its id. */
  register(subject: string, schema: string): Promise<number>;
  /** Id of a schema already registered under a subject, or undefined. */
  lookup(subject: string, schema: string): Promise<number | undefined>;
  /** The schema with an id. Throws UnknownSchemaError when there is none. */
  getSchemaById(id: number): Promise<RegisteredSchema>;
  /** The subject's own compatibility level, or undefined if it has none. */
  getCompatibility(subject: string): Promise<CompatibilityLevel | undefined>;
  setCompatibility(subject: string, level: CompatibilityLevel): Promise<void>;
}

/** Options of SchemaRegistryClient. */
export interface SchemaRegistryClientOptions {
  /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:18081/apis/ccompat/v7. */
  url: string;
  /** Per-request timeout. Default 5 s. */
  timeoutMs?: number;
  /** Attempts for requests that fail with a network error or 5xx. Default 3. */
  attempts?: number;
  /** Extra headers, e.g. authorization. */
  headers?: Record<string, string>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

interface HttpResult {
  status: number;
  body: unknown;
}

function errorCode(body: unknown): number | undefined {
  return typeof body === 'object' && body !== null && typeof (body as { error_code?: unknown }).error_code === 'number'
    ? (body as { error_code: number }).error_code
    : undefined;
}

function errorMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as { message?: unknown; detail?: unknown; title?: unknown };
    for (const v of [b.message, b.detail, b.title]) if (typeof v === 'string' && v) return v;
  }
  return typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body)?.slice(0, 500) ?? '';
}

/**
 * A small client for the Confluent schema-registry REST API (served by Apicurio under /apis/ccompat/v7 and by
 * Confluent Schema Registry). Written here rather than taken from @kafkajs/confluent-schema-registry because that
 * client's protobuf path omits the message indexes of the wire format, strips leading zero bytes when decoding, and
 * refuses to register under a subject whose compatibility differs from the one it was given.
 */
export class SchemaRegistryClient implements SchemaRegistryApi {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly headers: Record<string, string>;

  constructor(options: SchemaRegistryClientOptions) {
    if (!/^https?:\/\//.test(options.url)) {
      throw new Error(`schema registry url must be an http(s) URL, got "${options.url}"`);
    }
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.headers = { accept: `${CONTENT_TYPE}, application/json`, ...(options.headers ?? {}) };
  }

  async register(subject: string, schema: string): Promise<number> {
    const res = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      schemaType: 'PROTOBUF',
    });
    if (res.status === 200) return this.idOf(res.body, `register ${subject}`);
    if (res.status === 409 || errorCode(res.body) === 409) {
      throw new SchemaIncompatibleError(
        subject,
        `schema registry refused the schema for subject ${subject} as incompatible: ${errorMessage(res.body)}`,
      );
    }
    throw this.failure(res, `register a schema under subject ${subject}`);
  }

  async lookup(subject: string, schema: string): Promise<number | undefined> {
    const res = await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, {
      schema,
      schemaType: 'PROTOBUF',
    });
    if (res.status === 200) return this.idOf(res.body, `look up ${subject}`);
    if (res.status === 404) return undefined;
    throw this.failure(res, `look up a schema under subject ${subject}`);
  }

  async getSchemaById(id: number): Promise<RegisteredSchema> {
    const res = await this.request('GET', `/schemas/ids/${id}`);
    if (res.status === 404) {
      throw new UnknownSchemaError(id, `schema id ${id} is unknown to the schema registry at ${this.baseUrl}`);
    }
    if (res.status !== 200) throw this.failure(res, `fetch schema id ${id}`);
    const body = res.body as { schema?: unknown; schemaType?: unknown };
    if (typeof body?.schema !== 'string') {
      throw new RegistryError(res.status, `schema registry answered schema id ${id} without a schema text`);
    }
    return { schema: body.schema, schemaType: typeof body.schemaType === 'string' ? body.schemaType : 'AVRO' };
  }

  async getCompatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    const res = await this.request('GET', `/config/${encodeURIComponent(subject)}?defaultToGlobal=false`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.failure(res, `read the compatibility of subject ${subject}`);
    const body = res.body as { compatibilityLevel?: unknown; compatibility?: unknown };
    const level = body?.compatibilityLevel ?? body?.compatibility;
    return typeof level === 'string' ? (level.toUpperCase() as CompatibilityLevel) : undefined;
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const res = await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    if (res.status !== 200 && res.status !== 204) {
      throw this.failure(res, `set compatibility ${level} on subject ${subject}`);
    }
  }

  private idOf(body: unknown, what: string): number {
    const id = (body as { id?: unknown })?.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new RegistryError(200, `schema registry answered "${what}" without a numeric id: ${JSON.stringify(body)}`);
    }
    return id;
  }

  private failure(res: HttpResult, what: string): Error {
    const msg = `schema registry could not ${what}: HTTP ${res.status} ${errorMessage(res.body)}`;
    return res.status >= 500 ? new RegistryUnavailableError(msg) : new RegistryError(res.status, msg);
  }

  private async request(method: string, path: string, body?: unknown): Promise<HttpResult> {
    const url = `${this.baseUrl}${path}`;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      try {
        const res = await fetch(url, {
          method,
          headers: body === undefined ? this.headers : { ...this.headers, 'content-type': CONTENT_TYPE },
          body: body === undefined ? null : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: keep the text for the error message.
        }
        if (res.status >= 500 && attempt < this.attempts) {
          lastError = new RegistryUnavailableError(`HTTP ${res.status} ${errorMessage(parsed)}`);
        } else {
          return { status: res.status, body: parsed };
        }
      } catch (err) {
        lastError = err;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
    }
    throw new RegistryUnavailableError(
      `schema registry at ${this.baseUrl} unreachable for ${method} ${path} after ${this.attempts} attempts: ${
        (lastError as Error)?.message ?? String(lastError)
      }`,
      { cause: lastError },
    );
  }
}
