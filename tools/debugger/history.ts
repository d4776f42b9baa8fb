// Time travel (docs/debugger.md, "Reverse execution"): snapshots of the whole machine taken every
// `interval` instructions executed (idle time does not count; by default as many as the RAM has
// bytes, defaultInterval) as it runs, and a log of everything that came from outside the guest —
// console input, and the debugger's own writes to registers and memory — each with the
// instruction count at which it happened (SPEC §2.7). Any earlier moment is reached by restoring
// the nearest snapshot before it and running forward, delivering the logged events at their
// counts: the machine is deterministic, so the run retraces the original exactly.
//
// A position is a count of *busy* units: the machine's clock less its idle time (clock jumps while
// halted). Each instruction retired and each exception or interrupt delivered is one busy unit, so
// stepi moves it by one in either direction; the moment of a busy count is the first clock value
// at which the machine reaches it.

import type { Machine, Snapshot } from '../../emulator/machine.js';
import { S } from '../../emulator/cpu/state.js';

export type LogEvent =
  | { clock: number; kind: 'input'; bytes: number[] }
  | { clock: number; kind: 'reg'; name: string; value: number }
  | { clock: number; kind: 'mem'; phys: number; bytes: Uint8Array };

export interface Snap {
  clock: number;
  busy: number;
  /** Not halted: the snapshot's clock is the first moment of its busy count. */
  canonical: boolean;
  /** How many logged events its state includes. */
  applied: number;
  state: Snapshot;
}

/**
 * The default instructions between snapshots: as many as the RAM has bytes (16,777,216 for 16 MiB),
 * at least 200,000. A snapshot copies the RAM (0.6 to 2 ms for 16 MiB) while the interpreter runs
 * 250 to 350 M instructions a second, so the copies cost a run about 3% whatever the size; going
 * back restores one and re-runs at most an interval (about 50 ms for 16 MiB). `npm run bench` has
 * the figures (tools/bench/debugger.ts).
 */
export function defaultInterval(memSize: number): number {
  return Math.max(200_000, memSize);
}

export class History {
  readonly events: LogEvent[] = [];
  /** Events the machine's current state includes. */
  applied = 0;
  readonly snaps: Snap[] = [];
  /** The furthest clock the machine has reached in this history, and its busy count. */
  frontier = 0;
  frontierBusy = 0;
  readonly maxSnaps: number;
  /** A dropped snapshot whose memory buffer the next one reuses (Machine.snapshot). */
  private spare: Snapshot | null = null;

  /**
   * setRegister applies a logged register write; restored() is called after a snapshot is
   * restored (the debugger re-applies its own settings to the machine).
   */
  constructor(private readonly m: Machine, private readonly setRegister: (name: string, v: number) => void,
              private readonly restored: () => void, readonly interval: number, maxBytes: number) {
    this.maxSnaps = Math.max(4, Math.floor(maxBytes / m.memSize));
  }

  busy(): number {
    return this.m.clock - this.m.idleClock;
  }

  /** The first snapshot: the start of the history. */
  start(): void {
    this.take();
  }

  get first(): Snap {
    return this.snaps[0];
  }

  private take(): void {
    const m = this.m;
    let i = this.snaps.length;
    while (i > 0 && this.snaps[i - 1].clock > m.clock) i--;
    if (i > 0 && this.snaps[i - 1].clock === m.clock && this.snaps[i - 1].applied === this.applied) return;
    // A dropped snapshot's buffer, or a new one that need not be zeroed first (it is copied over).
    const buffer = this.spare ?? { mem: Buffer.allocUnsafeSlow(m.memSize) };
    const snap: Snap = { clock: m.clock, busy: this.busy(), canonical: !m.cpu.state[S.HALTED], applied: this.applied, state: m.snapshot(buffer) };
    this.spare = null;
    this.snaps.splice(i, 0, snap);
    this.thin();
  }

  /**
   * Keeps at most maxSnaps snapshots: drops the one whose neighbours are closest, weighted by its
   * age, so that recent history stays dense and old history grows sparse (the first stays).
   */
  private thin(): void {
    while (this.snaps.length > this.maxSnaps) {
      let best = -1, cost = Infinity;
      for (let i = 1; i < this.snaps.length - 1; i++) {
        const c = (this.snaps[i + 1].busy - this.snaps[i - 1].busy) / (this.frontierBusy - this.snaps[i].busy + this.interval);
        if (c < cost) { cost = c; best = i; }
      }
      if (best < 0) break;
      this.spare = this.snaps.splice(best, 1)[0].state;
    }
  }

  private apply(e: LogEvent): void {
    switch (e.kind) {
      case 'input': this.m.serial.receive(e.bytes); break;
      case 'reg': this.setRegister(e.name, e.value); break;
      case 'mem': this.m.writePhys(e.phys, e.bytes); break;
    }
  }

  /** Delivers the logged events due at or before the current clock. */
  applyDue(): void {
    while (this.applied < this.events.length && this.events[this.applied].clock <= this.m.clock) {
      this.apply(this.events[this.applied]);
      this.applied++;
    }
  }

  /** The clock of the next logged event, or Infinity. */
  nextEventClock(): number {
    return this.applied < this.events.length ? this.events[this.applied].clock : Infinity;
  }

  /**
   * Something from outside the guest happens now: the history from here on changes, so what was
   * logged or snapshotted after this moment is dropped; then the event is applied and logged.
   */
  record(e: { kind: 'input'; bytes: number[] } | { kind: 'reg'; name: string; value: number } | { kind: 'mem'; phys: number; bytes: Uint8Array }): void {
    const now = this.m.clock;
    this.truncate();
    const ev = { ...e, clock: now } as LogEvent;
    this.events.push(ev);
    this.apply(ev);
    this.applied++;
  }

  /** Forgets the future: events not yet applied, snapshots after now. */
  truncate(): void {
    const now = this.m.clock;
    this.events.splice(this.applied);
    for (let i = this.snaps.length - 1; i > 0; i--) if (this.snaps[i].clock > now) this.spare = this.snaps.splice(i, 1)[0].state;
    this.frontier = now;
    this.frontierBusy = this.busy();
  }

  /**
   * After any run: events now due, a snapshot when one is due (in new history only: re-running
   * old history keeps the snapshots it has, thinned or not), and the frontier.
   */
  afterRun(): void {
    this.applyDue();
    const prev = this.snapAtOrBefore(this.m.clock);
    if (this.busy() > this.frontierBusy && this.busy() - prev.busy >= this.interval && !this.m.stopReason) this.take();
    if (this.m.clock > this.frontier) { this.frontier = this.m.clock; this.frontierBusy = this.busy(); }
  }

  private snapAtOrBefore(clock: number): Snap {
    let s = this.snaps[0];
    for (const x of this.snaps) if (x.clock <= clock) s = x; else break;
    return s;
  }

  /**
   * The most a run may take now: up to the next logged event or existing snapshot, and no more
   * busy units than are left before the next snapshot is due (idle time is not snapshotted).
   */
  bound(want: number): number {
    const now = this.m.clock;
    const prev = this.snapAtOrBefore(now);
    const next = this.snaps.find((s) => s.clock > now);
    const due = this.busy() >= this.frontierBusy ? Math.max(1, prev.busy + this.interval - this.busy()) : Infinity;
    const limit = Math.min(next ? next.clock - now : Infinity, this.nextEventClock() - now, this.busyBudget(due));
    return Math.max(1, Math.min(want, limit));
  }

  /** The latest snapshot from which busy count `target` can be reached by running forward. */
  snapFor(target: number): Snap {
    let best = this.snaps[0];
    for (const s of this.snaps) if (s.busy < target || (s.busy === target && s.canonical)) best = s;
    return best;
  }

  /** Restores a snapshot and the events its moment includes. */
  restore(s: Snap): void {
    this.m.restore(s.state);
    // The snapshot's soft TLB may hold pages watched since: they must take the slow path again.
    this.restored();
    this.m.cpu.resumeFrom = -1;
    this.applied = s.applied;
    this.applyDue();
  }

  /** When the next device event is due (the timer, the disk), for runs that must skip idle time. */
  nextDeviceEvent(): number {
    return Math.min(this.m.timer.nextEvent(), this.m.disk.nextEvent());
  }

  /**
   * The budget that takes the machine `units` busy units further at most: idle time that must
   * pass before the next device event is added when the CPU is halted with nothing pending.
   */
  busyBudget(units: number): number {
    const m = this.m;
    let budget = units;
    if (m.cpu.state[S.HALTED] && m.pic.pending() < 0) {
      const next = this.nextDeviceEvent();
      if (next !== Infinity) budget += Math.max(0, next - m.clock);
    }
    return budget;
  }

  /**
   * Runs forward, silently, until the busy count reaches `target` (or the machine stops). Stops
   * the hooks ask for (breakpoints, watchpoints) are run through.
   */
  runToBusy(target: number): void {
    const m = this.m;
    while (this.busy() < target && !m.stopReason) {
      const r = m.run(this.bound(this.busyBudget(target - this.busy())));
      this.afterRun();
      if (r.kind === 'idle') break;
    }
  }

  /** Goes to busy count `target` (in the past or the future): restore, then run forward. */
  goTo(target: number): void {
    const s = this.snapFor(target);
    this.restore(s);
    this.runToBusy(target);
  }
}
