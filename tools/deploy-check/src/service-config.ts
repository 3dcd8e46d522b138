/** The environment variables each service reads, taken from its config.ts (the keys of its zod schema). */
import { readFileSync } from 'node:fs';
import { repoPath } from './paths';

export const SERVICES = ['signal', 'risk', 'execution', 'sync', 'audit'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Secrets among them: set only from Kubernetes Secrets (secretKeyRef), never in a ConfigMap. */
export const SECRET_VARIABLES: Readonly<Record<ServiceName, readonly string[]>> = {
  signal: ['DATABASE_URL', 'SIGNAL_ADMIN_TOKEN'],
  risk: ['DATABASE_URL'],
  execution: ['DATABASE_URL', 'EXECUTION_OPERATOR_TOKEN'],
  sync: ['DATABASE_URL'],
  audit: ['DATABASE_URL'],
};

/** Read by libs/observability's telemetry (startTelemetry) in every service besides the config schema. */
export const TELEMETRY_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'DEPLOYMENT_ENVIRONMENT'] as const;

/**
 * The keys of the zod object passed to defineConfig in services/<name>/src/config.ts: every `NAME: field(...)` line
 * of upper-case snake names inside `z.object({ ... })`.
 */
export function configVariables(service: ServiceName): string[] {
  const source = readFileSync(repoPath('services', service, 'src', 'config.ts'), 'utf8');
  const start = source.search(/z\s*\.object\(/);
  if (start < 0) throw new Error(`services/${service}/src/config.ts: no z.object( schema found`);
  const body = source.slice(start);
  const end = body.search(/\n\s*\}\)/);
  const names = [...body.slice(0, end).matchAll(/^\s+([A-Z][A-Z0-9_]*)\s*:/gm)].map((m) => m[1]!);
  if (names.length === 0) throw new Error(`services/${service}/src/config.ts: no variables found in the schema`);
  return [...new Set(names)];
}

/** Reads a KEY=value env file (comments and blank lines skipped), as compose and kustomize do. */
export function readEnvFile(relativePath: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(repoPath(relativePath), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${relativePath}: "${line}" is not KEY=value`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
