// Determinism (SPEC §2.7): time is the instruction count, so the same program, disk and console
// input (delivered at the same counts) give the same run, instruction for instruction — whatever
// the host does between `run` calls — and a snapshot restored into a fresh machine, or into the
// same machine later, has the same future as the original run.
//
// The workload, tests/machine/devices/det.s, has paging on with a small TLB, a timer ticking into
// a handler that prints, COM1 input by interrupt, and a disk write and read per round waited for
// with sti/hlt; the data it writes depends on the tick count, so an interrupt taken one
// instruction early or late changes the output. A run's state is compared by a SHA-256 over a
// canonical serialisation of snapshot() (typed arrays as bytes, objects by sorted keys, Maps by
// sorted keys), leaving out only what depends on how the host slices a run rather than on the
// machine: the interpreter's run-relative scratch words S.LIMIT (the current slice's budget) and
// S.NNOW (the count at its last out-of-line call), and the TLB hit counter (every slice begins by
// refilling the fetch window, which counts a hit).

import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, type MachineOptions, type Snapshot, type StopReason } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';
import { S } from '../../emulator/cpu/state.js';
import { TLBStat } from '../../emulator/mmu/mmu.js';
import { linkSources } from '../../tools/asm/index.js';
import { readElf } from '../../tools/asm/elf.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'devices');
const PARAM = 0x280000;
const LOG = 0x300000;

// ---- state hash ----------------------------------------------------------------------------------

/** Feeds a canonical serialisation of v to `put` (typed arrays as their bytes). */
function canon(v: unknown, put: (x: string | Uint8Array) => void): void {
  if (v === null || v === undefined) { put(`(${String(v)})`); return; }
  if (ArrayBuffer.isView(v)) {
    put(`${v.constructor.name}<${v.byteLength}>`);
    put(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return;
  }
  if (v instanceof Map) {
    const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    put('Map{');
    for (const k of keys) { put(`${String(k)}=`); canon(v.get(k), put); put(';'); }
    put('}');
    return;
  }
  if (Array.isArray(v)) {
    put('[');
    for (const x of v) { canon(x, put); put(','); }
    put(']');
    return;
  }
  if (typeof v === 'object') {
    put('{');
    for (const k of Object.keys(v).sort()) { put(`${k}:`); canon((v as Record<string, unknown>)[k], put); put(';'); }
    put('}');
    return;
  }
  put(`${typeof v}:${Object.is(v, -0) ? '-0' : String(v)}`);
}

/** The machine's state, without the slicing-dependent words named at the top of this file. */
function normalised(s: Snapshot): Record<string, unknown> {
  const state = s.state.slice();
  state[S.LIMIT] = 0;
  state[S.NNOW] = 0;
  const mmuStats = s.mmuStats.slice();
  mmuStats[TLBStat.HITS] = 0;
  return { ...s, state, mmuStats };
}

function hashOf(v: unknown): string {
  const h = createHash('sha256');
  canon(v, (x) => h.update(x));
  return h.digest('hex');
}

function stateHash(s: Snapshot): string {
  return hashOf(normalised(s));
}

/** Names the parts of two snapshots that differ (for failure messages). */
function diffParts(a: Snapshot, b: Snapshot): string[] {
  const na = normalised(a), nb = normalised(b);
  const diffs: string[] = [];
  for (const k of Object.keys(na).sort()) {
    if (hashOf(na[k]) === hashOf(nb[k])) continue;
    if (k === 'devices') {
      for (const d of Object.keys(na[k] as object)) {
        if (hashOf((na[k] as Record<string, unknown>)[d]) !== hashOf((nb[k] as Record<string, unknown>)[d])) diffs.push(`devices.${d}`);
      }
    } else diffs.push(k);
  }
  return diffs;
}

// ---- the workload ----------------------------------------------------------------------------------

const OPTS: MachineOptions = { memSize: 8 << 20, tlbEntries: 16, tlbWays: 4, diskLatency: 2000 };
const ROUNDS = 30;
const PARAMS = [ROUNDS, 997, 16];
const DISK = (() => {
  const d = new Uint8Array(32 * 512);
  for (let i = 0; i < d.length; i++) d[i] = (i * 7 + (i >> 9) * 3) & 0xff;
  return d;
})();
const INPUTS: { at: number; bytes: number[] }[] = [
  { at: 7_000, bytes: [0x68, 0x69] },
  { at: 60_001, bytes: [0x78] },
  { at: 123_457, bytes: [0x79, 0x7a] },
];

const images = new Map<string, Uint8Array>();
function image(name: string): Uint8Array {
  let img = images.get(name);
  if (!img) { img = linkSources([join(DIR, name)], { base: 0x100000 }); images.set(name, img); }
  return img;
}
const symbol = (name: string, sym: string) => readElf(image(name)).symbols.find((s) => s.name === sym)!.value;

/** A machine running det.s, with the console input of INPUTS delivered at their counts. */
class Run {
  readonly out: number[] = [];
  readonly m: Machine;
  /** The next input to deliver. */
  private next = 0;

  private constructor() {
    this.m = new Machine({ ...OPTS, disk: memoryDisk(DISK.slice()), onSerialOutput: (b) => { this.out.push(b); } });
  }

  static boot(): Run {
    const r = new Run();
    r.m.loadKernel(image('det.s'));
    PARAMS.forEach((v, i) => r.m.writePhys32(PARAM + 4 * i, v));
    return r;
  }

  /** A fresh machine (no kernel loaded) with the snapshot restored. */
  static restored(s: Snapshot): Run {
    const r = new Run();
    r.restore(s);
    return r;
  }

  /** Restores a snapshot; the input delivered up to its count is part of it. */
  restore(s: Snapshot): void {
    this.m.restore(s);
    this.next = INPUTS.findIndex((x) => x.at > s.clock);
    if (this.next < 0) this.next = INPUTS.length;
  }

  /**
   * Runs until the machine stops or the clock reaches `until`, in `run` calls of at most `step`
   * units; input is handed over as soon as the clock has reached its count.
   */
  drive(until = Infinity, step = Infinity): StopReason {
    const m = this.m;
    for (;;) {
      while (this.next < INPUTS.length && INPUTS[this.next].at <= m.clock) m.serial.receive(INPUTS[this.next++].bytes);
      if (m.clock >= until) return { kind: 'limit' };
      const target = Math.min(until, this.next < INPUTS.length ? INPUTS[this.next].at : Infinity);
      const r = m.run(Math.min(step, target - m.clock));
      if (r.kind !== 'limit') return r;
    }
  }

  text(from = 0): string {
    return String.fromCharCode(...this.out.slice(from));
  }
}

/** Far more than the workload needs (about 230,000): a run that gets lost stops here. */
const MAX_CLOCK = 3_000_000;

interface Outcome { stop: StopReason; clock: number; out: string; hash: string; snap: Snapshot }
function finish(r: Run, from = 0, step = Infinity): Outcome {
  const stop = r.drive(MAX_CLOCK, step);
  const snap = r.m.snapshot();
  return { stop, clock: r.m.clock, out: r.text(from), hash: stateHash(snap), snap };
}

/** The reference: det.s run once, split only where the input arrives. */
let reference: Outcome | null = null;
function ref(): Outcome {
  if (!reference) reference = finish(Run.boot());
  return reference;
}

function expectSameFuture(what: string, got: Outcome, want: Outcome, wantOut: string): void {
  expect(got.stop, `${what}: stop`).toEqual(want.stop);
  expect(got.out, `${what}: output`).toBe(wantOut);
  expect(got.clock, `${what}: instruction count`).toBe(want.clock);
  expect(got.hash === want.hash ? [] : diffParts(got.snap, want.snap), `${what}: final state (parts that differ)`).toEqual([]);
  expect(got.hash, `${what}: final state hash`).toBe(want.hash);
}

// ---- the tests -----------------------------------------------------------------------------------

describe('determinism (SPEC §2.7)', () => {
  it('the workload runs to the end, using the timer, COM1 in and out and the disk', () => {
    const r = ref();
    expect(r.stop).toEqual({ kind: 'poweroff', code: 0 });
    expect(r.out).toMatch(/DONE 00000001 00000000\n$/);
    expect(r.out).toContain('<h><i>');
    expect(r.out).toContain('<x>');
    expect(r.out).toContain('<y><z>');
    const word = (a: number) => new DataView(r.snap.mem.buffer).getUint32(a, true);
    expect(word(LOG), 'ticks').toBeGreaterThan(100);
    expect(word(LOG + 4), 'disk interrupts').toBe(2 * ROUNDS + 1);
    expect(word(LOG + 12), 'bytes received').toBe(5);
  });

  it('the same program run twice: the same instruction count, output and state, at every step of the way', () => {
    const a = Run.boot();
    const b = Run.boot();
    const hashesA: string[] = [];
    const hashesB: string[] = [];
    for (let until = 10_007; ; until += 10_007) {
      const ra = a.drive(until);
      const rb = b.drive(until);
      expect(rb).toEqual(ra);
      hashesA.push(`${a.m.clock} ${stateHash(a.m.snapshot())}`);
      hashesB.push(`${b.m.clock} ${stateHash(b.m.snapshot())}`);
      if (ra.kind !== 'limit') break;
    }
    expect(hashesB).toEqual(hashesA);
    expect(b.text()).toBe(a.text());
    expect(hashesA.length).toBeGreaterThan(10);
  });

  // How the host cuts a run into `run` calls (the CLI's chunks, the debugger's stepi, a snapshot
  // point) is not an input: it must not change the run.
  for (const step of [1, 2, 7, 1000, 65_536]) {
    it(`a run made of run(${step}) calls is the same run`, () => {
      const want = ref();
      const got = finish(Run.boot(), 0, step);
      expectSameFuture(`run(${step})`, got, want, want.out);
    });
  }

  describe('a snapshot restored has the same future', () => {
    // Snapshot points: fixed counts, and the first and a middle occurrence of each interesting
    // situation, found by single-stepping a probe run.
    const points = (() => {
      const found = new Map<string, number[]>();
      const note = (kind: string, clock: number) => {
        const l = found.get(kind) ?? [];
        l.push(clock);
        found.set(kind, l);
      };
      const probe = Run.boot();
      const m = probe.m;
      const rep = symbol('det.s', 'main.rep_copy');
      for (;;) {
        const r = probe.drive(m.clock + 1);
        if (r.kind !== 'limit' || m.clock > MAX_CLOCK) break;
        const pic = m.pic.registers();
        const timerPending = (pic.requests & ~pic.mask & 1) !== 0;
        const diskBusy = m.disk.nextEvent() !== Infinity;
        if (diskBusy && timerPending) note('disk request in flight and timer interrupt pending', m.clock);
        if (diskBusy && m.cpu.state[S.HALTED]) note('halted, disk request in flight', m.clock);
        if (timerPending && pic.inService !== 0) note('timer interrupt pending while an IRQ is in service', m.clock);
        if (timerPending && (m.cpu.state[S.FLAGS] & 0x200) === 0) note('timer interrupt pending with IF = 0', m.clock);
        if (m.cpu.shadowUntil > m.clock && m.pic.pending() >= 0) note('in the STI shadow with an interrupt pending', m.clock);
        if ((m.cpu.eip >>> 0) === rep && m.cpu.regs[1] > 0 && m.cpu.regs[1] < 128) note('in the middle of REP MOVSD', m.clock);
        if (m.serial.pending > 0) note('console input waiting', m.clock);
      }
      const list: [string, number][] = [
        ['the first instruction', 0], ['clock 1', 1], ['clock 5000', 5000], ['when input arrives', INPUTS[0].at],
        ['clock 100000', 100_000], ['clock 200001', 200_001],
      ];
      for (const [kind, clocks] of found) {
        list.push([`${kind} (first)`, clocks[0]]);
        list.push([`${kind} (middle)`, clocks[Math.floor(clocks.length / 2)]]);
      }
      return { list, found };
    })();

    it('finds every kind of snapshot point in the workload', () => {
      expect([...points.found.keys()].sort()).toEqual([
        'console input waiting',
        'disk request in flight and timer interrupt pending',
        'halted, disk request in flight',
        'in the STI shadow with an interrupt pending',
        'in the middle of REP MOVSD',
        'timer interrupt pending while an IRQ is in service',
        'timer interrupt pending with IF = 0',
      ]);
    });

    for (const [what, N] of points.list) {
      it(`at ${what}, clock ${N}: into a fresh machine, and into the same machine after it ran on`, () => {
        const want = ref();
        const a = Run.boot();
        a.drive(N);
        const at = a.m.clock;
        const outAt = a.out.length;
        const snap = a.m.snapshot();
        const h = stateHash(snap);
        expect(a.text(), 'output so far').toBe(want.out.slice(0, outAt));

        // The original, going on after the snapshot.
        const original = finish(a);
        expectSameFuture('the original after the snapshot', original, want, want.out);
        expect(stateHash(snap), 'the snapshot is a value: running on does not change it').toBe(h);

        // A fresh machine.
        const fresh = Run.restored(snap);
        expect(fresh.m.clock).toBe(at);
        expect(stateHash(fresh.m.snapshot()), 'restore then snapshot gives the same state').toBe(h);
        expectSameFuture('a fresh machine', finish(fresh), want, want.out.slice(outAt));

        // The same machine, after it ran to the end.
        const outBefore = a.out.length;
        a.restore(snap);
        expect(a.m.clock).toBe(at);
        expect(a.m.stopReason).toBeNull();
        expectSameFuture('the same machine', finish(a, outBefore), want, want.out.slice(outAt));

        // And once more: a snapshot can be restored any number of times.
        expect(stateHash(snap)).toBe(h);
      });
    }
  });

  // ---- the run loop's own promises -------------------------------------------------------------

  it('run(budget) runs for at most budget units, even when an interrupt is due at the end', () => {
    // timer.s with P = 1000: find the clock T of the first tick, then stop a fresh machine at T,
    // where the tick's interrupt is due.
    const boot = () => {
      const m = new Machine({});
      m.loadKernel(image('timer.s'));
      [1000, 5, 0, 0, 0].forEach((v, i) => m.writePhys32(PARAM + 4 * i, v));
      return m;
    };
    const first = boot();
    first.run(10_000_000);
    const T = (first.readPhys32(LOG + 16) >>> 0) - 3;
    for (const N of [T - 1, T, T + 1]) {
      const m = boot();
      expect(m.run(N)).toEqual({ kind: 'limit' });
      expect(m.clock, `run(${N})`).toBe(N);
    }
  });

  it('STI holds interrupts off for exactly one instruction, however the run is split around it', () => {
    const boot = () => {
      const m = new Machine({});
      m.loadKernel(image('sti.s'));
      return m;
    };
    const whole = boot();
    expect(whole.run(1_000_000)).toEqual({ kind: 'poweroff', code: 0 });
    const t = whole.readPhys32(LOG) >>> 0;
    expect((whole.readPhys32(LOG + 4) >>> 0) - t, 'the handler read t + 7 (STI at t + 2, one NOP, the delivery)').toBe(7);
    const seen: string[] = [];
    const want: string[] = [];
    for (let split = t - 1; split <= t + 6; split++) {
      const m = boot();
      m.run(split);
      const stop = m.run(1_000_000);
      const ticks = m.readPhys32(LOG + 8);
      const at = ticks ? `taken at t + ${(m.readPhys32(LOG + 4) >>> 0) - 3 - t}` : 'never taken';
      seen.push(`run(t + ${split - t}) then run on: ${at}, ${JSON.stringify(stop)}`);
      want.push(`run(t + ${split - t}) then run on: taken at t + 4, {"kind":"poweroff","code":0}`);
    }
    expect(seen).toEqual(want);
  });
});
