/** Reading docker-compose.yml the way `docker compose` does (merge keys, env_file, ${VAR:-default}). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readEnvFile } from './service-config';
import { repoPath } from './paths';

export function loadCompose(): any {
  return parse(readFileSync(repoPath('docker-compose.yml'), 'utf8'), { merge: true });
}

/** `${NAME:-default}` / `${NAME-default}` / `${NAME}` as compose interpolates them with an empty shell environment. */
export function interpolate(value: string, env: Record<string, string | undefined> = {}): string {
  return value.replace(/\$\{([A-Z0-9_]+)(:?-([^}]*))?\}/g, (_, name: string, _op: string, fallback: string | undefined) => env[name] || (fallback ?? ''));
}

/** The environment a compose service's container gets: env_file entries, then `environment` (which wins). */
export function composeServiceEnv(compose: any, service: string): Record<string, string> {
  const svc = compose.services[service];
  if (!svc) throw new Error(`docker-compose.yml: no service "${service}"`);
  const env: Record<string, string> = {};
  const files = svc.env_file === undefined ? [] : Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
  for (const f of files) Object.assign(env, readEnvFile(typeof f === 'string' ? f : f.path));
  const environment = svc.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(environment)
    ? environment.map((e: string) => [e.split('=')[0]!, e.split('=').slice(1).join('=')])
    : Object.entries(environment);
  for (const [k, v] of entries) env[k] = interpolate(v === null || v === undefined ? '' : String(v));
  return env;
}
