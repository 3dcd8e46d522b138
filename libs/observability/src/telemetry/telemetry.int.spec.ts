import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

// The fixture runs in its own Node process: instrumentation patches modules through Node's loader, which
// Jest replaces with its own, so only a real process shows what a service gets.
const FIXTURE = path.resolve(__dirname, '../../test/fixtures/traced-service.cjs');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}
interface ExportedSpans {
  resource: Record<string, unknown>;
  spans: OtlpSpan[];
}

/** A stand-in OpenTelemetry collector: keeps every OTLP/HTTP JSON trace export it receives. */
async function startCollector(): Promise<{ url: string; exports: ExportedSpans[]; server: Server }> {
  const exports: ExportedSpans[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) {
          const resource = Object.fromEntries(
            (rs.resource?.attributes ?? []).map((a: any) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.boolValue]),
          );
          exports.push({ resource, spans: (rs.scopeSpans ?? []).flatMap((s: any) => s.spans ?? []) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('collector has no port');
  return { url: `http://127.0.0.1:${address.port}`, exports, server };
}

/** Starts the fixture service and resolves with its port once it listens. */
function startService(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL, HOSTNAME: 'fixture-host', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture did not start within 30 s; stderr:\n${stderr}`)), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{"port":'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, port: JSON.parse(line).port, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fixture did not stop within 20 s of SIGTERM')), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('startTelemetry in a service process', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(async () => {
    await new Promise((resolve) => collector.server.close(resolve));
  });

  it('without an OTLP endpoint, still continues the caller\'s trace over HTTP', async () => {
    const service = await startService({});
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/trace`, {
        headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      });
      expect(await response.json()).toEqual({ traceId: CALLER_TRACE });

      const fresh = (await (await fetch(`http://127.0.0.1:${service.port}/trace`)).json()) as { traceId: string | null };
      expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(fresh.traceId).not.toBe(CALLER_TRACE);
    } finally {
      await stop(service.child);
    }
  });

  it('with an OTLP endpoint, exports the HTTP and pg spans of the trace with the service resource, flushed on SIGTERM', async () => {
    // given a service exporting to the collector
    const service = await startService({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });

    // when a traced request comes in and the service is then stopped
    const response = await fetch(`http://127.0.0.1:${service.port}/trace`, {
      headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
    });
    expect(response.status).toBe(200);
    await fetch(`http://127.0.0.1:${service.port}/healthz`);
    await stop(service.child);

    // then the spans of that trace reached the collector before the process exited
    const exported = collector.exports.flatMap((e) => e.spans.map((span) => ({ span, resource: e.resource })));
    const inTrace = exported.filter(({ span }) => span.traceId === CALLER_TRACE);
    const server = inTrace.find(({ span }) => span.kind === 2 && span.parentSpanId === CALLER_SPAN);
    expect(server).toBeDefined();
    expect(server!.resource).toMatchObject({
      'service.name': 'traced-fixture',
      'service.version': '1.2.3',
      'service.namespace': 'tradebridge',
      'service.instance.id': 'fixture-host',
    });
    const query = inTrace.find(({ span }) => span.kind === 3 && /^pg\.query/.test(span.name));
    expect(query?.span.parentSpanId).toBe(server!.span.spanId);
    // and the /healthz probe made no server span: the traced request's is the only one
    expect(exported.filter(({ span }) => span.kind === 2)).toHaveLength(1);
  });
});
