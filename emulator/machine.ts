// The toy86 machine (SPEC §2.6, §2.7): memory, the I/O bus, the CPU and the devices wired
// together, ELF32 boot, and the run loop that owns time. This is the one embedding API, used by
// the command line, the debugger, the web terminal and the tests.
//
// Time is the instruction count: one unit per retired instruction and one per exception or
// interrupt delivered. Devices act at given counts, so a run is the same every time.

import { CPU, CpuStop, type ExceptionInfo } from './cpu/cpu.js';
import { S, FL, CR } from './cpu/state.js';
import { IOBus, type Device } from './devices/iobus.js';
import { Serial, COM1_IRQ } from './devices/serial.js';
import { DebugConsole } from './devices/debugcon.js';
import { PowerPort } from './devices/power.js';
import { PIC } from './devices/pic.js';
import { Timer } from './devices/timer.js';
import { Disk, SECTOR, type DiskImage, type DiskFault } from './devices/disk.js';
import type { Clock, TimedDevice } from './devices/clock.js';
import { physRead32, PTE } from './mmu/mmu.js';
import { readElf, type ElfFile } from '../tools/asm/elf.js';

export { SECTOR };

export const MiB = 1024 * 1024;
export const DEFAULT_MEM = 16 * MiB;
export const MIN_MEM = 1 * MiB;
export const MAX_MEM = 512 * MiB;

/** Boot record (SPEC §2.6): words magic, memory bytes, disk sectors, command-line address. */
export const BOOT_MAGIC = 0x70796f74;
export const BOOT_RECORD = 0x9000;
export const BOOT_CMDLINE = 0x9100;
export const BOOT_CMDLINE_MAX = 0xa000 - BOOT_CMDLINE - 1;
/** The stack pointer a kernel starts with: just below the boot record. */
export const BOOT_STACK = BOOT_RECORD;

/** How many units the CPU runs between looks at the devices when nothing is due sooner. */
const SLICE = 1 << 20;

export interface MachineOptions {
  /** RAM in bytes (default 16 MiB; 1 MiB to 512 MiB, a multiple of 4 KiB). */
  memSize?: number;
  /** TLB entries (default 64) and ways (default 4). */
  tlbEntries?: number;
  tlbWays?: number;
  /** Bytes the guest writes to COM1. */
  onSerialOutput?: (byte: number) => void;
  /** Bytes the guest writes to the debug console (port 0xE9). */
  onDebugOutput?: (byte: number) => void;
  /** The disk's backing store (none: no disk is attached). */
  disk?: DiskImage | null;
  /** Latency of a disk request in units of the clock (default 50,000). */
  diskLatency?: number;
  /** Sectors that fail with a media error (fault injection; docs/devices.md). */
  diskFaults?: DiskFault[];
}

export const DEFAULT_DISK_LATENCY = 50_000;

export type StopReason =
  | { kind: 'poweroff'; code: number }
  | { kind: 'triple-fault' }
  | { kind: 'halted' }
  | { kind: 'limit' }
  | { kind: 'idle' }
  /** Stopped before executing the instruction at a breakpoint. */
  | { kind: 'breakpoint'; addr: number }
  /** Stopped after the instruction that made a watched access. */
  | { kind: 'watchpoint'; addr: number; write: boolean }
  /** Stopped after delivering an exception the stopOnException hook asked for. */
  | { kind: 'exception'; vector: number };

/** A mistake in the host's inputs (a bad option, kernel file or memory size): one clear line. */
export class MachineError extends Error {}

export interface Snapshot {
  readonly clock: number;
  readonly idleClock: number;
  readonly regs: Int32Array;
  readonly state: Int32Array;
  readonly mem: Uint8Array;
  readonly mmu: Int32Array[];
  readonly mmuStamps: Float64Array[];
  readonly codePage: number;
  readonly mmuStats: Float64Array;
  readonly cpu: { shadowUntil: number; stop: CpuStop };
  readonly devices: Record<string, unknown>;
  readonly stopped: StopReason | null;
}

export class Machine implements Clock {
  readonly memSize: number;
  readonly mem8: Uint8Array;
  readonly mem32: Int32Array;
  readonly io = new IOBus();
  readonly cpu: CPU;
  readonly pic: PIC;
  readonly timer: Timer;
  readonly serial: Serial;
  readonly disk: Disk;
  readonly devices: Device[] = [];
  private readonly timed: TimedDevice[];
  /** True while the CPU executes a slice (devices then read the time from the CPU). */
  private inSlice = false;
  /** The instruction count (SPEC §2.7). */
  clock = 0;
  /** The part of the clock that passed while the CPU was halted (HLT skips to the next event). */
  idleClock = 0;
  private stopped: StopReason | null = null;
  /** Symbols of the loaded kernel (for the debugger and reports). */
  kernel: ElfFile | null = null;

  constructor(opts: MachineOptions = {}) {
    const size = opts.memSize ?? DEFAULT_MEM;
    if (!Number.isInteger(size) || size < MIN_MEM || size > MAX_MEM || size % 4096 !== 0) {
      throw new MachineError(`memory size must be a multiple of 4 KiB from 1 MiB to 512 MiB (got ${size} bytes)`);
    }
    const entries = opts.tlbEntries ?? 64;
    const ways = opts.tlbWays ?? Math.min(4, entries);
    const pow2 = (x: number) => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
    if (!pow2(entries) || entries > 4096) throw new MachineError(`TLB entries must be a power of two from 1 to 4096 (got ${entries})`);
    if (!pow2(ways) || ways > entries) throw new MachineError(`TLB ways must be a power of two no larger than the entries (got ${ways})`);
    this.memSize = size;
    // RAM, then 64 bytes for the CPU's straddling-fetch buffer (never visible to the guest).
    this.mem8 = new Uint8Array(size + 64);
    this.mem32 = new Int32Array(this.mem8.buffer);
    const pm = { ramSize: size, mem8: this.mem8, mem32: this.mem32 };
    this.cpu = new CPU(pm, this.io, { entries, ways });
    this.pic = new PIC(this.io);
    this.timer = new Timer(this.io, this.pic, this);
    this.serial = new Serial(this.io, opts.onSerialOutput ?? (() => {}), (level) => this.pic.setLevel(COM1_IRQ, level));
    const latency = opts.diskLatency ?? DEFAULT_DISK_LATENCY;
    if (!Number.isInteger(latency) || latency < 1) throw new MachineError(`disk latency must be a whole number of instructions, at least 1 (got ${latency})`);
    this.disk = new Disk(this.io, this.pic, this, pm, opts.disk ?? null, latency, opts.diskFaults ?? []);
    this.devices.push(this.pic, this.timer, this.serial, this.disk);
    this.cpu.intrPending = () => this.pic.pending() >= 0;
    this.devices.push(new DebugConsole(this.io, opts.onDebugOutput ?? (() => {})));
    this.devices.push(new PowerPort(this.io, (code) => this.powerOff(code)));
    this.timed = [this.timer, this.disk];
  }

  // ---- time (Clock, for the devices) ----------------------------------------------------------

  /** The current time: inside a slice, the time at which the executing instruction retires. */
  now(): number {
    return this.inSlice ? this.cpu.clockBase + this.cpu.state[S.NNOW] + 1 : this.clock;
  }

  /** A device's next event moved: end the current slice after this instruction. */
  rescheduled(): void {
    if (this.inSlice) {
      const st = this.cpu.state;
      if (st[S.LIMIT] > st[S.NNOW] + 1) st[S.LIMIT] = st[S.NNOW] + 1;
    }
  }

  /** When the next device event is due. */
  private nextEvent(): number {
    let t = Infinity;
    for (const d of this.timed) t = Math.min(t, d.nextEvent());
    return t;
  }

  private advanceDevices(): void {
    for (const d of this.timed) d.advance(this.clock);
  }

  /** Delivers a pending hardware interrupt if the CPU takes one now (IF = 1, no STI shadow). */
  private deliverInterrupt(): void {
    const cpu = this.cpu;
    if ((cpu.state[S.FLAGS] & FL.IF) === 0 || this.clock < cpu.shadowUntil || this.pic.pending() < 0) return;
    const vector = this.pic.acknowledge();
    cpu.clockBase = this.clock;
    cpu.state[S.NNOW] = 0; // the delivery's accesses happen now (the TLB's LRU stamps)
    cpu.interrupt(vector);
    this.clock++;
    if (this.onInterrupt) this.onInterrupt(vector);
  }

  /** Called after each hardware interrupt is delivered (tracing). */
  onInterrupt: ((vector: number) => void) | null = null;
  /** When set, the machine runs one instruction at a time and calls this before each (tracing). */
  onStep: ((eip: number) => void) | null = null;
  private lastStop: StopReason | null = null;

  // ---- breakpoints and watchpoints (SPEC §2.7) ------------------------------------------------

  addBreakpoint(addr: number): void {
    this.cpu.breakpoints.add(addr >>> 0);
    this.cpu.debugChanged();
  }
  removeBreakpoint(addr: number): void {
    this.cpu.breakpoints.delete(addr >>> 0);
    this.cpu.debugChanged();
  }
  /** Watches [addr, addr + len) for writes, reads, or both. */
  addWatchpoint(addr: number, len: number, access: { read: boolean; write: boolean }): void {
    this.cpu.watchpoints.push({ addr: addr >>> 0, len, read: access.read, write: access.write });
    this.cpu.debugChanged();
  }
  removeWatchpoint(addr: number): void {
    const w = this.cpu.watchpoints;
    for (let i = w.length - 1; i >= 0; i--) if (w[i].addr === addr >>> 0) w.splice(i, 1);
    this.cpu.debugChanged();
  }

  // ---- boot ---------------------------------------------------------------------------------

  /**
   * Loads an ELF32 kernel as QEMU's -kernel does (SPEC §2.6): each PT_LOAD at its physical
   * address, the rest of p_memsz zeroed; EIP = e_entry (converted to physical when it lies in a
   * segment's virtual range), paging off, CPL 0, IF = 0, EAX = the boot magic, EBX = the boot
   * record, ESP = just below the boot record.
   */
  loadKernel(image: Uint8Array, cmdline = '', what = 'kernel'): void {
    const elf = readElf(image, what);
    if (elf.segments.length === 0) throw new MachineError(`${what}: no loadable segments`);
    let entry = elf.entry >>> 0;
    for (const seg of elf.segments) {
      const start = seg.paddr >>> 0;
      const end = start + seg.memsz;
      if (end > this.memSize) {
        throw new MachineError(`${what}: segment at physical 0x${start.toString(16)} (0x${seg.memsz.toString(16)} bytes) does not fit in ${this.memSize / MiB} MiB of RAM`);
      }
      if (start < 0xa000 && end > BOOT_RECORD) {
        throw new MachineError(`${what}: segment at physical 0x${start.toString(16)} overlaps the boot record at 0x9000–0x9fff`);
      }
      this.mem8.set(image.subarray(seg.offset, seg.offset + seg.filesz), start);
      this.mem8.fill(0, start + seg.filesz, end);
      const v = seg.vaddr >>> 0;
      if (entry >= v && entry < v + seg.memsz) entry = start + (entry - v);
    }
    const cmd = new TextEncoder().encode(cmdline);
    if (cmd.length > BOOT_CMDLINE_MAX) throw new MachineError(`the kernel command line is longer than ${BOOT_CMDLINE_MAX} bytes`);
    this.writePhys32(BOOT_RECORD, BOOT_MAGIC);
    this.writePhys32(BOOT_RECORD + 4, this.memSize);
    this.writePhys32(BOOT_RECORD + 8, this.disk.sectors);
    this.writePhys32(BOOT_RECORD + 12, BOOT_CMDLINE);
    this.mem8.set(cmd, BOOT_CMDLINE);
    this.mem8[BOOT_CMDLINE + cmd.length] = 0;

    const cpu = this.cpu;
    cpu.reset();
    cpu.regs[0] = BOOT_MAGIC;
    cpu.regs[3] = BOOT_RECORD;
    cpu.regs[4] = BOOT_STACK;
    cpu.eip = entry | 0;
    this.kernel = elf;
    this.stopped = null;
  }

  // ---- running ------------------------------------------------------------------------------

  /**
   * Runs for at most `budget` units of time, or until the machine stops (power-off, triple fault,
   * HLT with IF = 0) or goes idle (halted with nothing scheduled that could wake it: only input
   * from the host can). Device events happen at their exact times; hardware interrupts are taken
   * between instructions.
   */
  run(budget = Infinity): StopReason {
    const r = this.runInner(budget);
    this.lastStop = r;
    return r;
  }

  private runInner(budget: number): StopReason {
    const cpu = this.cpu;
    const st = cpu.state;
    const end = this.clock + budget;
    // Continuing from a breakpoint runs its instruction instead of stopping there again.
    const last = this.lastStop;
    if (last && last.kind === 'breakpoint' && last.addr === st[S.EIP] >>> 0) cpu.resumeFrom = last.addr;
    while (!this.stopped) {
      // The budget first: an interrupt due exactly at its end is delivered by the next run.
      if (this.clock >= end) return { kind: 'limit' };
      this.deliverInterrupt();
      if (cpu.stop === CpuStop.TripleFault) { this.stopped = { kind: 'triple-fault' }; break; }
      if (this.clock >= end) return { kind: 'limit' };
      if (st[S.HALTED]) {
        if ((st[S.FLAGS] & FL.IF) === 0) { this.stopped = { kind: 'halted' }; break; }
        // Idle time passes at once: the clock jumps to the next device event (SPEC §2.2).
        const next = this.nextEvent();
        if (next === Infinity) return { kind: 'idle' };
        const to = Math.min(next, end);
        this.idleClock += to - this.clock;
        this.clock = to;
        this.advanceDevices();
        continue;
      }
      const tf = (st[S.FLAGS] & FL.TF) !== 0;
      const step = tf || this.onStep !== null;
      let slice = step ? 1 : Math.max(1, Math.min(end, this.nextEvent(), this.clock + SLICE) - this.clock);
      // Still in an STI shadow begun by an earlier run: end the slice where the shadow ends.
      if (cpu.shadowUntil > this.clock && slice > cpu.shadowUntil - this.clock) slice = cpu.shadowUntil - this.clock;
      if (this.onStep) this.onStep(st[S.EIP] >>> 0);
      cpu.clockBase = this.clock;
      this.inSlice = true;
      const used = cpu.execute(slice);
      this.inSlice = false;
      this.clock += used;
      if ((cpu.stop as CpuStop) === CpuStop.TripleFault) { this.stopped = { kind: 'triple-fault' }; break; }
      if (tf && used > 0 && !cpu.exceptionDelivered && !this.stopped && !st[S.HALTED] && cpu.breakHit < 0) {
        // The single-step trap after an instruction that began with TF set (SDM 17.3.1.4).
        cpu.raise(1, -1);
        cpu.clockBase = this.clock;
        st[S.NNOW] = 0;
        this.clock += cpu.deliverPending(0);
      }
      this.advanceDevices();
      if (cpu.breakHit >= 0) return { kind: 'breakpoint', addr: cpu.breakHit };
      if (cpu.watchHit) return { kind: 'watchpoint', addr: cpu.watchHit.addr, write: cpu.watchHit.write };
      if (cpu.exceptionStop) return { kind: 'exception', vector: cpu.lastException.vector };
    }
    return this.stopped!;
  }

  /**
   * Whether input from the host could end the current HLT: COM1's receive interrupt is enabled
   * in the UART and not masked at the interrupt controller.
   */
  canWake(): boolean {
    return (this.cpu.state[S.FLAGS] & FL.IF) !== 0 && this.serial.interruptEnabled && (this.pic.registers().mask & (1 << COM1_IRQ)) === 0;
  }

  /** Why the machine stopped, or null while it can run. */
  get stopReason(): StopReason | null {
    return this.stopped;
  }

  powerOff(code: number): void {
    this.stopped = { kind: 'poweroff', code };
    this.cpu.state[S.LIMIT] = 0;
  }

  // ---- inspection (SPEC §2.7) ---------------------------------------------------------------

  readPhys8(addr: number): number {
    const a = addr >>> 0;
    return a < this.memSize ? this.mem8[a] : 0xff;
  }
  writePhys8(addr: number, v: number): void {
    const a = addr >>> 0;
    if (a < this.memSize) this.mem8[a] = v;
  }
  readPhys32(addr: number): number {
    return physRead32({ ramSize: this.memSize, mem8: this.mem8, mem32: this.mem32 }, addr);
  }
  writePhys32(addr: number, v: number): void {
    for (let i = 0; i < 4; i++) this.writePhys8(addr + i, v >> (8 * i));
  }
  readPhys(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length).fill(0xff);
    const a = addr >>> 0;
    if (a < this.memSize) out.set(this.mem8.subarray(a, Math.min(this.memSize, a + length)));
    return out;
  }
  writePhys(addr: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.writePhys8(addr + i, data[i]);
  }

  /**
   * The page walk for a linear address under the current CR3, without touching the TLB, the
   * A/D bits or anything else: the physical address, or null when the address is not mapped.
   */
  translate(vaddr: number): number | null {
    const st = this.cpu.state;
    const a = vaddr >>> 0;
    if ((st[S.CR0] & CR.PG) === 0) return a;
    const pde = this.readPhys32(((st[S.CR3] & ~0xfff) | ((a >>> 22) << 2)) >>> 0);
    if ((pde & PTE.P) === 0) return null;
    if (pde & PTE.PS && st[S.CR4] & CR.PSE) return ((pde & 0xffc00000) | (a & 0x3fffff)) >>> 0;
    const pte = this.readPhys32(((pde & ~0xfff) | (((a >>> 12) & 0x3ff) << 2)) >>> 0);
    if ((pte & PTE.P) === 0) return null;
    return ((pte & ~0xfff) | (a & 0xfff)) >>> 0;
  }

  /** The last exception the CPU delivered. */
  get lastException(): ExceptionInfo {
    return this.cpu.lastException;
  }

  // ---- snapshots ----------------------------------------------------------------------------

  /**
   * The whole machine's state. `reuse`, an older snapshot of this machine that is no longer
   * wanted (or a buffer of the RAM's size), gives its memory buffer to the new one: copying into
   * it is several times faster than allocating a zeroed one (the debugger's history takes many).
   */
  snapshot(reuse?: { readonly mem: Uint8Array }): Snapshot {
    const m = this.cpu.mmu;
    const devices: Record<string, unknown> = {};
    for (const d of this.devices) devices[d.name] = d.getState();
    let mem: Uint8Array;
    if (reuse && reuse.mem.length === this.memSize) { mem = reuse.mem; mem.set(this.mem8.subarray(0, this.memSize)); }
    else mem = this.mem8.slice(0, this.memSize);
    return {
      clock: this.clock,
      idleClock: this.idleClock,
      regs: this.cpu.regs.slice(),
      state: this.cpu.state.slice(),
      mem,
      mmu: [m.tagRS, m.tagWS, m.tagRU, m.tagWU, m.addend, m.softPage, m.tlbPage, m.tlbFrame, m.tlbFlags].map((a) => a.slice()),
      mmuStamps: [m.tlbStamp.slice(), m.softUse.slice()],
      codePage: m.codePage,
      mmuStats: m.stats.slice(),
      cpu: { shadowUntil: this.cpu.shadowUntil, stop: this.cpu.stop },
      devices,
      stopped: this.stopped ? { ...this.stopped } : null,
    };
  }

  restore(s: Snapshot): void {
    if (s.mem.length !== this.memSize) throw new MachineError('snapshot is of a machine with a different memory size');
    const m = this.cpu.mmu;
    this.clock = s.clock;
    this.idleClock = s.idleClock;
    this.cpu.regs.set(s.regs);
    this.cpu.state.set(s.state);
    this.mem8.set(s.mem);
    [m.tagRS, m.tagWS, m.tagRU, m.tagWU, m.addend, m.softPage, m.tlbPage, m.tlbFrame, m.tlbFlags].forEach((a, i) => a.set(s.mmu[i]));
    m.tlbStamp.set(s.mmuStamps[0]);
    m.softUse.set(s.mmuStamps[1]);
    m.codePage = s.codePage;
    m.stats.set(s.mmuStats);
    this.cpu.setCPL(this.cpu.state[S.CPL]);
    this.cpu.shadowUntil = s.cpu.shadowUntil;
    this.cpu.stop = s.cpu.stop;
    for (const d of this.devices) d.setState(s.devices[d.name] as Record<string, unknown>);
    this.stopped = s.stopped ? { ...s.stopped } : null;
    this.lastStop = null;
    // Pages watched now must not keep fast-path entries the snapshot had.
    if (this.cpu.watchpoints.length) this.cpu.debugChanged();
  }
}
