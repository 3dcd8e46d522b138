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

/** The environment variable that holds the secret `ref`: `envPrefix` + the ref upper-cased, other characters as `_`. */
export function secretEnvName(envPrefix: string, ref: string): string {
  return `${envPrefix}${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Where a SecretResolver looks. */
export interface SecretResolverOptions {
  /** Prefix of the environment variables holding secrets, e.g. `EXECUTION_SECRET_`. */
  readonly envPrefix: string;
  /** A directory with one file per secret reference (how Kubernetes mounts Secret keys); optional. */
  readonly secretsDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Resolves the credential reference of an account configuration (`credentials_secret_ref`) to the terminal's token:
 * first the file `<secretsDir>/<ref>`, then the environment variable `secretEnvName(envPrefix, ref)`. Values go to the
 * bridge only; nothing here logs them.
 */
export class SecretResolver {
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: SecretResolverOptions) {
    this.env = options.env ?? process.env;
  }

  resolve(ref: string): string {
    if (!REF_RE.test(ref) || ref.includes('..')) throw new SecretNotFoundError(ref, 'the reference must be letters, digits, . _ / - (no "..")');
    if (this.options.secretsDir) {
      try {
        const value = readFileSync(path.join(this.options.secretsDir, ref), 'utf8').trim();
        if (value.length > 0) return value;
      } catch {
        // not a file: try the environment
      }
    }
    const name = secretEnvName(this.options.envPrefix, ref);
    const value = this.env[name]?.trim();
    if (value) return value;
    throw new SecretNotFoundError(ref, `no file in the secrets directory and no ${name} in the environment`);
  }
}
