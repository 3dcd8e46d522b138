import type { Engine } from './domain/engine';
import type { TriggerEvent } from './domain/triggers';

/** How market time moves: with the wall clock (plus any admin advance) or only when the admin API says so. */
export type ClockMode = 'real' | 'manual';

/** The simulator's market clock; the engine itself never reads the wall clock. */
export class SimClock {
  private offsetMs = 0;

  constructor(
    readonly mode: ClockMode,
    private readonly engine: Engine,
  ) {}

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

  /** Restarts at `startTime` after a reset. */
  restart(): void {
    this.offsetMs = 0;
  }
}
