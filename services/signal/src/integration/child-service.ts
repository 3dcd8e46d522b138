import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from '@tradebridge/devstack';

const SERVICE_DIR = path.resolve(__dirname, '..', '..');

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The real service in its own process (src/main.ts compiled on load), as it runs in production. */
export class ChildService {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly nodeArgs: readonly string[] = [],
  ) {}

  /** CPU time the service process has used so far (user + system), in milliseconds; Linux only, else NaN. */
  cpuTimeMs(): number {
    const pid = this.child?.pid;
    if (pid === undefined) return Number.NaN;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
      return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
    } catch {
      return Number.NaN;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [...this.nodeArgs, '-r', path.join(SERVICE_DIR, '..', '..', 'tools', 'register-ts.cjs'), path.join(SERVICE_DIR, 'src', 'main.ts')], {
      env: { ...process.env, ...this.env, SIGNAL_HTTP_HOST: '127.0.0.1', SIGNAL_HTTP_PORT: String(this.port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    await waitFor(
      async () => {
        if (exited) throw new Error('the signal service exited during start');
        return (await fetch(`${this.url}/readyz`)).status === 200;
      },
      { timeoutMs: 60_000, message: 'signal service ready' },
    );
  }

  /** Kills the process (SIGKILL: no shutdown hooks, no draining) or stops it (SIGTERM), and waits for its exit. */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.child = null;
  }
}
