import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A secret reference names no secret this process can read. The message names the reference, never a value. */
export class SecretNotFoundError extends Error {
  constructor(readonly ref: string, detail: string) {
    super(`secret "${ref}" not found: ${detail}`);
    this.name = 'SecretNotFoundError';
  }
}

const REF_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$/;

/** The environment variable that holds the secret `ref`: SYNC_SECRET_ + the ref upper-cased, other characters as `_`. */
export function secretEnvName(ref: string): string {
  return `SYNC_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Resolves `credentials_secret_ref` of an account configuration to the API token: first the file `<secretsDir>/<ref>`
 * (how Kubernetes mounts Secret keys), then the environment variable `secretEnvName(ref)`. Values go to the bridge
 * only; nothing here logs them.
 */
export class SecretResolver {
  constructor(
    private readonly secretsDir: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  resolve(ref: string): string {
    if (!REF_RE.test(ref) || ref.includes('..')) throw new SecretNotFoundError(ref, 'the reference must be letters, digits, . _ / - (no "..")');
    if (this.secretsDir) {
      try {
        const value = readFileSync(path.join(this.secretsDir, ref), 'utf8').trim();
        if (value.length > 0) return value;
      } catch {
        // not a file: try the environment
      }
    }
    const value = this.env[secretEnvName(ref)]?.trim();
    if (value) return value;
    throw new SecretNotFoundError(ref, `no file in the secrets directory and no ${secretEnvName(ref)} in the environment`);
  }
}
