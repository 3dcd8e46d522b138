import { EventEmitter } from 'node:events';
import { ConfigError } from '../config/define-config';
import { EXIT_CONFIG, runService, type RunServiceOptions, type StartedService } from './run-service';

/** Records what the process would have done: exit codes, lines written, telemetry flushes, closes. */
class FakeProcess {
  readonly exits: number[] = [];
  readonly lines: Array<{ stream: string; line: string }> = [];
  readonly signals = new EventEmitter();
  flushes = 0;
  closes = 0;
  readonly telemetry = { exporting: false, shutdown: async () => void (this.flushes += 1) };

  options<C>(overrides: Partial<RunServiceOptions<C, StartedService>>): RunServiceOptions<C, StartedService> {
    return {
      name: 'demo',
      telemetry: this.telemetry,
      loadConfig: () => ({}) as C,
      start: async () => ({ url: 'http://127.0.0.1:1', close: async () => void (this.closes += 1) }),
      exit: (code) => void this.exits.push(code),
      signals: this.signals,
      write: (stream, line) => void this.lines.push({ stream, line }),
      ...overrides,
    };
  }

  /** Resolves once the process has exited (the stop runs asynchronously after the signal). */
  async exited(): Promise<void> {
    for (let i = 0; i < 100 && this.exits.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('runService', () => {
  it('given an invalid configuration, when booting, then it prints every violation and exits with EX_CONFIG without starting', async () => {
    const proc = new FakeProcess();
    let started = false;
    await runService(
      proc.options({
        loadConfig: () => {
          throw new ConfigError([{ variable: 'DEMO_PORT', problem: 'must be a port' }, { variable: 'DEMO_URL', problem: 'is required' }]);
        },
        start: async () => {
          started = true;
          return { close: async () => undefined };
        },
      }),
    );
    expect(proc.exits).toEqual([EXIT_CONFIG]);
    expect(started).toBe(false);
    expect(proc.lines.map((l) => l.stream)).toEqual(['stderr']);
    expect(proc.lines[0].line).toMatch(/DEMO_PORT: must be a port\n\s+DEMO_URL: is required/);
  });

  it('given a start that fails, when booting, then it reports the error, flushes telemetry and exits 1', async () => {
    const proc = new FakeProcess();
    const service = await runService(proc.options({ start: async () => Promise.reject(new Error('database unreachable')) }));
    expect(service).toBeUndefined();
    expect(proc.exits).toEqual([1]);
    expect(proc.flushes).toBe(1);
    expect(JSON.parse(proc.lines[0].line)).toMatchObject({ level: 'fatal', service: 'demo', error: 'database unreachable' });
  });

  it('given a running service, when SIGTERM arrives twice, then it closes once, flushes telemetry and exits 0', async () => {
    const proc = new FakeProcess();
    const service = await runService(proc.options({}));
    expect(service?.url).toBe('http://127.0.0.1:1');
    expect(JSON.parse(proc.lines[0].line)).toMatchObject({ level: 'info', msg: 'demo service ready', url: 'http://127.0.0.1:1' });

    proc.signals.emit('SIGTERM');
    proc.signals.emit('SIGINT');
    await proc.exited();

    expect(proc.closes).toBe(1);
    expect(proc.flushes).toBe(1);
    expect(proc.exits).toEqual([0]);
  });

  it('given a close that fails, when SIGINT arrives, then it reports the failure and exits 1', async () => {
    const proc = new FakeProcess();
    await runService(proc.options({ start: async () => ({ close: async () => Promise.reject(new Error('commit failed')) }) }));
    proc.signals.emit('SIGINT');
    await proc.exited();
    expect(proc.exits).toEqual([1]);
    expect(proc.lines.some((l) => l.stream === 'stderr' && /shutdown failed/.test(l.line))).toBe(true);
  });

  it('given handleSignals off, when SIGTERM arrives, then it leaves the shutdown to the service', async () => {
    const proc = new FakeProcess();
    await runService(proc.options({ handleSignals: false }));
    proc.signals.emit('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(proc.closes).toBe(0);
    expect(proc.exits).toEqual([]);
  });
});
