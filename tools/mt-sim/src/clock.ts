import type { Engine } from './domain/engine';
import type { TriggerEvent } from './domain/triggers';

/** How market time moves: with the wall clock (plus any admin advance) or only when the admin API says so. */
export type ClockMode = 'real' | 'manual';

/** The simulator's market clock; the engine itself never reads the wall clock. */
export class SimClock {
  private offsetMs: number;

  /** `startTime` (real mode) shifts market time so that it starts there and then runs with the wall clock. */
  constructor(
    readonly mode: ClockMode,
    private readonly engine: Engine,
    private readonly startTime?: number,
  ) {
    this.offsetMs = this.initialOffset();
  }

  private initialOffset(): number {
    return this.mode === 'real' && this.startTime !== undefined ? this.startTime - Date.now() : 0;
  }

  /** Market time a reset starts from. */
  resetTime(): number {
    return this.mode === 'real' ? Date.now() + this.initialOffset() : (this.startTime ?? this.engine.now);
  }

  /** Current market time. */
  now(): number {
    return this.mode === 'real' ? Date.now() + this.offsetMs : this.engine.now;
  }

  /** Brings the engine up to the clock (real mode); a no-op for a manual clock. */
  sync(): void {
    if (this.mode === 'real') this.engine.advanceTo(Date.now() + this.offsetMs);
  }

  /** Moves market time forward by `ms`, processing every tick in between. */
  advance(ms: number, movePrices = true): TriggerEvent[] {
    this.sync();
    if (this.mode === 'real') this.offsetMs += ms;
    return this.engine.advanceTo(this.engine.now + ms, movePrices);
  }

  /** Moves market time forward to `time`; earlier times are refused. */
  setTime(time: number, movePrices = true): TriggerEvent[] {
    this.sync();
    if (time < this.engine.now) throw new RangeError('the market clock only moves forward');
    return this.advance(time - this.engine.now, movePrices);
  }

  /** Restarts at the start time after a reset. */
  restart(): void {
    this.offsetMs = this.initialOffset();
  }
}
