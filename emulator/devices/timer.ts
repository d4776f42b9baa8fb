// The timer (SPEC §2.5), IRQ 0: `out 0x40, eax` sets the period in units of the machine's clock
// (retired instructions); 0 stops it. The first tick comes one period after the write, then one
// every period. Reading port 0x40 returns the period.

import type { Device, IOBus } from './iobus.js';
import type { PIC } from './pic.js';
import type { Clock } from './clock.js';

export const TIMER_PORT = 0x40;
export const TIMER_IRQ = 0;

export class Timer implements Device {
  readonly name = 'timer';
  private period = 0;
  private next = Infinity;
  /** Ticks so far (for statistics). */
  ticks = 0;

  constructor(bus: IOBus, private readonly pic: PIC, private readonly clock: Clock) {
    bus.register(TIMER_PORT, 1, {
      read: () => this.period,
      write: (_port, _size, value) => this.program(value >>> 0),
    });
  }

  private program(period: number): void {
    this.period = period;
    this.next = period === 0 ? Infinity : this.clock.now() + period;
    this.clock.rescheduled();
  }

  /** When the next tick is due (Infinity when stopped). */
  nextEvent(): number {
    return this.next;
  }

  /** Fires the ticks due at time `now`. */
  advance(now: number): void {
    while (this.next <= now) {
      this.ticks++;
      this.pic.pulse(TIMER_IRQ);
      this.next += this.period;
    }
  }

  getState() {
    return { period: this.period, next: this.next, ticks: this.ticks };
  }
  setState(s: Record<string, unknown>) {
    this.period = s.period as number;
    this.next = s.next as number;
    this.ticks = s.ticks as number;
  }
}
