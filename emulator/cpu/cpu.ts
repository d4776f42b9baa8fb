// The toy86 CPU (SPEC §2.1–§2.4): registers and state in typed arrays, the generated interpreter
// (codegen.ts) for the instruction stream, and the out-of-line parts it calls: the memory slow
// paths, exception and interrupt delivery (SDM vol. 3 ch. 6), IRETD, control registers, string
// instructions, multiply and divide, port I/O.
//
// Faults never throw: a failing step records the exception (raise) and returns a sentinel; the
// interpreter then calls deliverPending, which pushes the frame and enters the handler, or turns
// the fault into #DF, or stops the machine with a triple fault.

import { S, FL, CR, Vec, Sel } from './state.js';
import { carry, condition, getFlags, materialize, Lazy, sizeCode } from './flags.js';
import { buildInterpreter, type RunFunction } from './codegen.js';
import { MMU, Acc, SOFT_TLB_SIZE, TLBStat, type PhysMemory, type TLBGeometry } from '../mmu/mmu.js';
import { decode, MAX_INSN_LENGTH } from '../isa/encoding.js';
import { Rep, Str } from '../isa/table.js';

/** The I/O bus as the CPU sees it. */
export interface PortIO {
  read(port: number, size: number): number;
  write(port: number, size: number, value: number): void;
}

/** Why the CPU stopped by itself. */
export const enum CpuStop { None = 0, TripleFault = 1 }

/** Vectors that push an error code (SPEC §2.3). */
function hasErrorCode(v: number): boolean {
  return v === Vec.DF || v === Vec.GP || v === Vec.PF || v === 10 || v === 11 || v === 12 || v === 17;
}

/** Kinds of event delivered through the IDT. */
export const enum Event { Exception = 0, Software = 1, External = 2 }

export interface Watchpoint {
  addr: number;
  len: number;
  read: boolean;
  write: boolean;
}

export interface ExceptionInfo {
  vector: number;
  code: number;
  eip: number;
  cr2: number;
}

export class CPU {
  /** General registers 0–7 in IA-32 order; index 8 is always 0 (the "no register" of addresses). */
  readonly regs = new Int32Array(16);
  readonly state = new Int32Array(S.SIZE);
  readonly mmu: MMU;
  readonly mem8: Uint8Array;
  readonly mem32: Int32Array;
  /** A DataView of mem8, for the interpreter's 16- and 32-bit accesses. */
  readonly memView: DataView;
  readonly ramSize: number;
  /**
   * Index in mem8 of the scratch area after RAM: a 16-byte fetch buffer for instructions that
   * straddle pages, then two 16-byte slots for data accesses that do.
   */
  private readonly scratch: number;

  /** Current soft-TLB tags (user or supervisor set, by CPL). */
  tagR: Int32Array;
  tagW: Int32Array;
  /**
   * Set by fetch(): the window of mem8 indices the interpreter may fetch from directly (the
   * current code page less its last 16 bytes), or an empty window (start > end).
   */
  fetchStart = 0x7fffffff;
  fetchEnd = -1;

  /** The instruction count at the start of the current run (the machine's clock). */
  clockBase = 0;
  /** Interrupts are held off until the clock reaches this (the STI shadow). */
  shadowUntil = 0;
  stop: CpuStop = CpuStop.None;
  /** The last exception delivered (for the debugger and the machine's reports). */
  lastException: ExceptionInfo = { vector: -1, code: -1, eip: 0, cr2: 0 };
  /** Called after each exception is delivered (or escalates); for hooks and tracing. */
  onException: ((info: ExceptionInfo) => void) | null = null;
  /** Set when an exception was delivered during the current step (for TF single-step). */
  exceptionDelivered = false;

  /** Breakpoints: linear addresses at which execution stops before the instruction runs. */
  readonly breakpoints = new Set<number>();
  /** A breakpoint address to run through once (continuing from it). */
  resumeFrom = -1;
  /** Set when a breakpoint stopped the run. */
  breakHit = -1;
  /** Watchpoints on linear addresses; an access stops the run after its instruction. */
  readonly watchpoints: Watchpoint[] = [];
  /** The access that hit a watchpoint during this run, if any. */
  watchHit: { watch: Watchpoint; addr: number; write: boolean } | null = null;
  /** Asked after each exception is delivered; true stops the run before the handler's first instruction. */
  stopOnException: ((info: ExceptionInfo) => boolean) | null = null;
  /** Set when stopOnException stopped the run. */
  exceptionStop = false;

  private readonly run: RunFunction;

  constructor(pm: PhysMemory, readonly io: PortIO, tlb: TLBGeometry) {
    this.mem8 = pm.mem8;
    this.mem32 = pm.mem32;
    this.ramSize = pm.ramSize;
    this.scratch = pm.ramSize;
    this.mmu = new MMU(this.state, pm, tlb, () => this.clockBase + this.state[S.NNOW]);
    this.tagR = this.mmu.tagRS;
    this.tagW = this.mmu.tagWS;
    this.reset();
    this.memView = new DataView(this.mem8.buffer, this.mem8.byteOffset, this.mem8.byteLength);
    this.run = buildInterpreter(this);
  }

  /** Power-on state: flat ring 0, paging off, interrupts off (SPEC §2.6). */
  reset(): void {
    this.regs.fill(0);
    this.state.fill(0);
    this.state[S.FLAGS] = FL.ONE;
    this.state[S.CR0] = CR.PE;
    this.state[S.PEND_VEC] = -1;
    this.state[S.PEND_CODE] = -1;
    this.state[S.IDT_LIMIT] = 0xffff;
    this.stop = CpuStop.None;
    this.shadowUntil = 0;
    this.mmu.flush(true);
    this.setCPL(0);
  }

  /** Runs up to `limit` units of time (instructions and deliveries); returns how many were used. */
  execute(limit: number): number {
    this.exceptionDelivered = false;
    this.breakHit = -1;
    this.watchHit = null;
    this.exceptionStop = false;
    return this.run(limit);
  }

  /** Recomputes which pages must avoid the fast paths (after breakpoints or watchpoints change). */
  debugChanged(): void {
    const w = this.mmu.watchedPages;
    w.clear();
    for (const x of this.watchpoints) {
      for (let p = x.addr & ~0xfff; p <= ((x.addr + x.len - 1) & ~0xfff); p = (p + 4096) | 0) w.add(p | 0);
    }
    this.mmu.clearAllSoft();
  }

  /** Checks an allowed access against the watchpoints; a hit ends the run after this instruction. */
  private checkWatch(addr: number, bytes: number, write: boolean): void {
    for (const x of this.watchpoints) {
      if (write ? !x.write : !x.read) continue;
      const a = addr >>> 0, b = x.addr >>> 0;
      if (a < b + x.len && b < a + bytes) {
        this.watchHit = { watch: x, addr: a, write };
        this.state[S.LIMIT] = 0;
        return;
      }
    }
  }

  get eip(): number { return this.state[S.EIP]; }
  set eip(v: number) { this.state[S.EIP] = v; }
  get cpl(): number { return this.state[S.CPL]; }

  /** EFLAGS with the lazy flags folded in. */
  eflags(): number {
    return getFlags(this.state);
  }
  setEflags(v: number): void {
    this.state[S.LOP] = 0;
    this.state[S.FLAGS] = (v & FL.MODELLED) | FL.ONE;
  }
  carry(): number {
    return carry(this.state);
  }
  cond(cc: number): boolean {
    return condition(this.state, cc);
  }

  setCPL(cpl: number): void {
    this.state[S.CPL] = cpl;
    this.tagR = cpl === 3 ? this.mmu.tagRU : this.mmu.tagRS;
    this.tagW = cpl === 3 ? this.mmu.tagWU : this.mmu.tagWS;
  }

  // ---- memory -------------------------------------------------------------------------------

  /** Records an exception to deliver (vector, error code or -1). */
  raise(vector: number, code: number): void {
    this.state[S.PEND_VEC] = vector;
    this.state[S.PEND_CODE] = code;
  }

  private raisePF(): void {
    this.state[S.CR2] = this.mmu.faultAddr;
    this.raise(Vec.PF, this.mmu.faultCode);
  }

  /**
   * The memory slow path of the interpreter. Translates [addr, addr + bytes) for the current CPL
   * (or as supervisor) and returns an index into mem8: the RAM location when the access lies in
   * one RAM page, else a scratch slot (0 or 1) holding the bytes as read, byte by byte — stores to
   * a scratch index go through wslow. Returns -1 after raising #PF.
   */
  xslow(addr: number, bytes: number, write: number, slot: number, supervisor = false): number {
    const user = !supervisor && this.state[S.CPL] === 3;
    const last = (addr + bytes - 1) | 0;
    if (((last ^ addr) & ~0xfff) === 0) {
      // The soft TLB first, as the interpreter's fast path does (exceptions, IRETD, and accesses
      // from out-of-line instructions come here).
      const mmu = this.mmu;
      const s = (addr >>> 12) & (SOFT_TLB_SIZE - 1);
      const tags = user ? (write ? mmu.tagWU : mmu.tagRU) : (write ? mmu.tagWS : mmu.tagRS);
      if (tags[s] === (addr & ~0xfff)) {
        mmu.softUse[s] = this.clockBase + this.state[S.NNOW];
        mmu.stats[TLBStat.HITS]++;
        return (addr + mmu.addend[s]) | 0;
      }
    }
    const acc = write ? Acc.Write : Acc.Read;
    const p = this.mmu.translate(addr, acc, user);
    if (p < 0) { this.raisePF(); return -1; }
    if (this.watchpoints.length && !supervisor) this.checkWatch(addr, bytes, write !== 0);
    if (((last ^ addr) & ~0xfff) === 0 && p + bytes <= this.ramSize) return p;
    if (((last ^ addr) & ~0xfff) !== 0 && this.mmu.translate(last & ~0xfff, acc, user) < 0) {
      this.mmu.faultAddr = last & ~0xfff;
      this.raisePF();
      return -1;
    }
    const s = this.scratch + 16 + 16 * slot;
    const m = this.mem8;
    for (let i = 0; i < bytes; i++) {
      const q = this.mmu.translate((addr + i) | 0, Acc.Read, user);
      m[s + i] = q >= 0 && q < this.ramSize ? m[q] : 0xff;
    }
    return s;
  }

  /** Writes an allowed access byte by byte (after xslow gave a scratch slot); outside RAM is dropped. */
  wslow(addr: number, bytes: number, value: number, supervisor = false): void {
    const user = !supervisor && this.state[S.CPL] === 3;
    for (let i = 0; i < bytes; i++) {
      const p = this.mmu.translate((addr + i) | 0, Acc.Write, user);
      if (p >= 0 && p < this.ramSize) this.mem8[p] = value >> (8 * i);
    }
  }

  /**
   * Reads with the CPU's rights; on a fault returns 0 and sets `faulted`. A sequence of reads
   * clears `faulted` first; after a fault the rest of the sequence reads nothing, so that CR2
   * and the error code are those of the first access that failed.
   */
  faulted = false;
  read(addr: number, bytes: number, supervisor = false): number {
    if (this.faulted) return 0;
    const p = this.xslow(addr, bytes, 0, 0, supervisor);
    if (p < 0) { this.faulted = true; return 0; }
    const m = this.mem8;
    if (bytes === 1) return (m[p] << 24) >> 24;
    if (bytes === 2) return ((m[p] | (m[p + 1] << 8)) << 16) >> 16;
    return m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
  }
  /** Writes an access already known to be allowed (probe first). */
  writeAllowed(addr: number, bytes: number, v: number, supervisor = false): void {
    const p = this.xslow(addr, bytes, 1, 0, supervisor);
    if (p < 0 || p >= this.ramSize) { this.wslow(addr, bytes, v, supervisor); return; }
    const m = this.mem8;
    m[p] = v;
    if (bytes > 1) m[p + 1] = v >> 8;
    if (bytes > 2) { m[p + 2] = v >> 16; m[p + 3] = v >> 24; }
  }
  /** Checks that [addr, addr + bytes) may be accessed (write: 1), raising #PF if not. */
  probe(addr: number, bytes: number, write: number, supervisor = false): boolean {
    for (let off = 0; off < bytes; off += 4096) {
      if (this.xslow((addr + off) | 0, Math.min(4, bytes - off), write, 1, supervisor) < 0) return false;
    }
    return this.xslow((addr + bytes - 1) | 0, 1, write, 1, supervisor) >= 0;
  }

  /**
   * Instruction fetch for the interpreter's slow path: returns the index in mem8 of the
   * instruction's bytes (in RAM, or copied into the scratch buffer when they straddle a page or
   * lie outside RAM), or -1 after raising #PF on the first byte that cannot be fetched.
   */
  fetch(eip: number): number {
    const mmu = this.mmu;
    let cacheable = true;
    if (this.breakpoints.size) {
      const a = eip >>> 0;
      if (this.breakpoints.has(a)) {
        if (this.resumeFrom !== a) { this.breakHit = a; return -2; }
        this.resumeFrom = -1;
      }
      // A page with a breakpoint is fetched through here, instruction by instruction.
      for (const b of this.breakpoints) if (((b ^ a) & ~0xfff) === 0) { cacheable = false; break; }
    }
    const user = this.state[S.CPL] === 3;
    const page = eip & ~0xfff;
    const entered = mmu.codePage !== page;
    if (entered) {
      // The page left behind was last used by the previous instruction.
      mmu.touch(mmu.codePage, this.clockBase + this.state[S.NNOW] - 1);
      mmu.codePage = page;
    }
    // Fetch rights are read rights (32-bit paging has no execute-disable): the soft TLB's read
    // tags answer for a page the TLB holds.
    const s = (eip >>> 12) & (SOFT_TLB_SIZE - 1);
    let p: number;
    if (this.tagR[s] === page) {
      // A fetch counts as a TLB hit when it enters a page: how often fetch() is called depends
      // on how the run is sliced, and the counters must not.
      if (entered) mmu.stats[TLBStat.HITS]++;
      p = (eip + mmu.addend[s]) | 0;
    } else {
      p = mmu.translate(eip, Acc.Fetch, user);
      if (p < 0) { this.raisePF(); return -1; }
    }
    const off = eip & 0xfff;
    if (off <= 4096 - MAX_INSN_LENGTH && p + MAX_INSN_LENGTH <= this.ramSize) {
      if (cacheable) {
        this.fetchStart = p - off;
        this.fetchEnd = p - off + 4096 - MAX_INSN_LENGTH;
      } else {
        this.fetchStart = 0x7fffffff;
        this.fetchEnd = -1;
      }
      return p;
    }
    // Copy byte by byte, as far as the decoder reads; the first unfetchable byte faults.
    this.fetchStart = 0x7fffffff;
    this.fetchEnd = -1;
    const m = this.mem8;
    const base = this.scratch;
    m.fill(0, base, base + MAX_INSN_LENGTH);
    let failed = false;
    decode((i) => {
      if (failed || i - eip >= MAX_INSN_LENGTH) return -1;
      const a = (i) | 0;
      const q = this.mmu.translate(a, Acc.Fetch, user);
      if (q < 0) { failed = true; return -1; }
      const b = q < this.ramSize ? m[q] : 0xff;
      m[base + ((a - eip) | 0)] = b;
      return b;
    }, eip);
    if (failed) { this.raisePF(); return -1; }
    return base;
  }

  // ---- exceptions and interrupts (SDM 6.12, SPEC §2.3) ----------------------------------------

  /** Delivers the pending exception at the current EIP (the faulting instruction); returns n + 1. */
  deliverPending(n: number): number {
    const st = this.state;
    const v = st[S.PEND_VEC];
    const code = st[S.PEND_CODE];
    if (v < 0) return n + 1;
    st[S.PEND_VEC] = -1;
    st[S.PEND_CODE] = -1;
    this.deliver(v, code, st[S.EIP], Event.Exception);
    return n + 1;
  }

  /** After a delivery: lets the debugger stop before the handler runs. */
  private afterDelivery(info: ExceptionInfo): void {
    if (this.stopOnException && this.stopOnException(info)) {
      this.exceptionStop = true;
      this.state[S.LIMIT] = 0;
    }
  }

  /** INT n / INT3 (traps: the return address is the next instruction). */
  softwareInterrupt(vector: number, next: number, n: number): number {
    if (!this.deliver(vector, -1, next, Event.Software)) {
      // The INT itself faulted (gate DPL, a missing gate, or a page fault while pushing):
      // deliver that fault against the INT instruction.
      return this.deliverPending(n);
    }
    return n + 1;
  }

  /** A hardware interrupt, delivered between instructions. */
  interrupt(vector: number): void {
    this.state[S.HALTED] = 0;
    this.deliver(vector, -1, this.state[S.EIP], Event.External);
  }

  /**
   * Enters the handler of `vector` through the IDT. For exceptions and external interrupts a
   * failure becomes #DF (and a failure during #DF a triple fault); for INT n it is a fault of
   * the INT instruction, left pending, and false is returned.
   */
  private deliver(vector: number, code: number, retEip: number, kind: Event): boolean {
    const st = this.state;
    if (kind === Event.Exception && !hasErrorCode(vector)) code = -1;
    this.exceptionDelivered = true;
    if (this.enter(vector, code, retEip, kind)) {
      if (kind !== Event.External) this.report(vector, code, retEip);
      return true;
    }
    if (kind === Event.Software) return false;
    // Delivery failed with a pending fault: escalate.
    st[S.PEND_VEC] = -1;
    if (vector === Vec.DF) { this.tripleFault(); return true; }
    this.report(vector, code, retEip);
    if (!this.enter(Vec.DF, 0, retEip, Event.Exception)) this.tripleFault();
    else this.report(Vec.DF, 0, retEip);
    return true;
  }

  private report(vector: number, code: number, eip: number): void {
    const e = this.lastException;
    e.vector = vector; e.code = code; e.eip = eip; e.cr2 = this.state[S.CR2];
    if (this.onException) this.onException(e);
    this.afterDelivery(e);
  }

  private tripleFault(): void {
    this.stop = CpuStop.TripleFault;
    this.state[S.PEND_VEC] = -1;
    this.state[S.LIMIT] = 0;
  }

  /** #GP for an unusable gate: error code vector × 8 + 2 (IDT), + 1 when external. */
  private gateFault(vector: number, ext: number): boolean {
    this.raise(Vec.GP, ((vector << 3) | 2 | ext) & 0xffff);
    return false;
  }

  /** The gate, stack switch and frame of one delivery; false (with a fault pending) on failure. */
  private enter(vector: number, code: number, retEip: number, kind: Event): boolean {
    const st = this.state;
    const ext = kind === Event.Software ? 0 : 1;
    if (vector * 8 + 7 > st[S.IDT_LIMIT]) return this.gateFault(vector, ext);
    this.faulted = false;
    const gateAddr = (st[S.IDT_BASE] + vector * 8) | 0;
    const lo = this.read(gateAddr, 4, true);
    const hi = this.read((gateAddr + 4) | 0, 4, true);
    if (this.faulted) return false;
    const attr = (hi >> 8) & 0xff;
    const type = attr & 0x1f;
    const present = (attr & 0x80) !== 0;
    const dpl = (attr >> 5) & 3;
    const selector = (lo >>> 16) & 0xffff;
    if (!present || (type !== 0x0e && type !== 0x0f) || selector !== Sel.KCODE) return this.gateFault(vector, ext);
    if (kind === Event.Software && st[S.CPL] > dpl) return this.gateFault(vector, ext);
    const target = (lo & 0xffff) | (hi & 0xffff0000);

    const flags = this.eflags();
    const fromUser = st[S.CPL] === 3;
    let esp = this.regs[4];
    if (fromUser) {
      esp = this.read((st[S.TR] + 4) | 0, 4, true);
      if (this.faulted) return false;
    }
    // The frame, from the highest address down: [SS, ESP,] EFLAGS, CS, EIP[, error code].
    const words = (fromUser ? 5 : 3) + (code >= 0 ? 1 : 0);
    const top = (esp - 4 * words) | 0;
    if (!this.probe(top, 4 * words, 1, true)) return false;
    let at = esp;
    if (fromUser) {
      at = (at - 4) | 0; this.writeAllowed(at, 4, Sel.UDATA, true);
      at = (at - 4) | 0; this.writeAllowed(at, 4, this.regs[4], true);
    }
    at = (at - 4) | 0; this.writeAllowed(at, 4, flags, true);
    at = (at - 4) | 0; this.writeAllowed(at, 4, fromUser ? Sel.UCODE : Sel.KCODE, true);
    at = (at - 4) | 0; this.writeAllowed(at, 4, retEip, true);
    if (code >= 0) { at = (at - 4) | 0; this.writeAllowed(at, 4, code, true); }

    materialize(st);
    st[S.FLAGS] &= ~(FL.TF | (type === 0x0e ? FL.IF : 0));
    this.regs[4] = top;
    this.setCPL(0);
    st[S.EIP] = target;
    st[S.HALTED] = 0;
    return true;
  }

  /** IRETD (SDM IRET, protected mode, flat segments): returns the new n. */
  iret(n: number): number {
    const st = this.state;
    const cpl = st[S.CPL];
    const esp = this.regs[4];
    this.faulted = false;
    const eip = this.read(esp, 4);
    const cs = this.read((esp + 4) | 0, 4) & 0xffff;
    const fl = this.read((esp + 8) | 0, 4);
    if (this.faulted) return this.deliverPending(n);
    const newCpl = cs & 3;
    if ((cs !== Sel.KCODE && cs !== Sel.UCODE) || newCpl < cpl) {
      this.raise(Vec.GP, 0);
      return this.deliverPending(n);
    }
    let newEsp = (esp + 12) | 0;
    if (newCpl > cpl) {
      const uesp = this.read((esp + 12) | 0, 4);
      const ss = this.read((esp + 16) | 0, 4) & 0xffff;
      if (this.faulted) return this.deliverPending(n);
      if (ss !== Sel.UDATA) {
        this.raise(Vec.GP, 0);
        return this.deliverPending(n);
      }
      newEsp = uesp;
    }
    const before = st[S.FLAGS];
    this.loadFlags(fl, cpl);
    this.regs[4] = newEsp;
    st[S.EIP] = eip;
    this.setCPL(newCpl);
    this.flagsLoaded(before, n);
    return n + 1;
  }

  /**
   * Loads EFLAGS as POPFD and IRETD do: IF changes only where CPL <= IOPL, IOPL only at CPL 0,
   * silently (SDM POPF).
   */
  private loadFlags(v: number, cpl: number): void {
    const st = this.state;
    materialize(st);
    const old = st[S.FLAGS];
    const iopl = (old & FL.IOPL) >> 12;
    let keep = 0;
    if (cpl > iopl) keep |= FL.IF;
    if (cpl !== 0) keep |= FL.IOPL;
    st[S.FLAGS] = ((old & keep) | (v & FL.MODELLED & ~keep)) | FL.ONE;
  }
  popFlags(v: number, n: number): void {
    materialize(this.state);
    const before = this.state[S.FLAGS];
    this.loadFlags(v, this.state[S.CPL]);
    this.flagsLoaded(before, n);
  }

  /**
   * Whether the interrupt controller has an interrupt for the CPU (its INTR line); the machine
   * wires it. Interrupts are delivered between slices, so a slice must end when IF turns on
   * while one waits.
   */
  intrPending: () => boolean = () => false;

  /**
   * After POPFD or IRETD loaded EFLAGS (before: the old value): ends the slice after this
   * instruction if TF is now set (the machine single-steps) or IF turned on with an interrupt
   * waiting.
   */
  private flagsLoaded(before: number, n: number): void {
    const st = this.state;
    const now = st[S.FLAGS];
    if ((now & FL.TF) !== 0 || ((before & FL.IF) === 0 && (now & FL.IF) !== 0 && this.intrPending())) {
      if (st[S.LIMIT] > n + 1) st[S.LIMIT] = n + 1;
    }
  }

  /** After OUT: a write may have unmasked, acknowledged or raised an interrupt (see flagsLoaded). */
  afterPortWrite(n: number): void {
    const st = this.state;
    if ((st[S.FLAGS] & FL.IF) !== 0 && this.intrPending() && st[S.LIMIT] > n + 1) st[S.LIMIT] = n + 1;
  }

  ioAllowed(): boolean {
    return this.state[S.CPL] <= ((this.state[S.FLAGS] & FL.IOPL) >> 12);
  }

  sti(n: number): void {
    const st = this.state;
    if ((st[S.FLAGS] & FL.IF) === 0) {
      st[S.FLAGS] |= FL.IF;
      // Interrupts stay off through the next instruction; leave the loop right after it.
      this.shadowUntil = this.clockBase + n + 2;
      if (st[S.LIMIT] > n + 2) st[S.LIMIT] = n + 2;
    }
  }

  flagOp(op: number): void {
    const st = this.state;
    if (op >= 2) materialize(st);
    switch (op) {
      case 0: st[S.FLAGS] &= ~FL.DF; break;
      case 1: st[S.FLAGS] |= FL.DF; break;
      case 2: st[S.FLAGS] &= ~FL.CF; break;
      case 3: st[S.FLAGS] |= FL.CF; break;
      default: st[S.FLAGS] ^= FL.CF; break;
    }
  }

  // ---- system instructions -----------------------------------------------------------------

  readCR(n: number): number {
    const st = this.state;
    return n === 0 ? st[S.CR0] : n === 2 ? st[S.CR2] : n === 3 ? st[S.CR3] : st[S.CR4];
  }

  /** MOV CRn, r32 with IA-32's TLB effects (SPEC §2.4). PE stays 1. */
  writeCR(n: number, v: number): void {
    const st = this.state;
    switch (n) {
      case 0: {
        const nv = (v & (CR.PG | CR.WP)) | CR.PE;
        const changed = st[S.CR0] ^ nv;
        st[S.CR0] = nv;
        if (changed & (CR.PG | CR.WP)) this.mmu.flush(true);
        break;
      }
      case 2: st[S.CR2] = v; break;
      case 3: st[S.CR3] = v & ~0xfff; this.mmu.flush(false); break;
      default: {
        const nv = v & (CR.PSE | CR.PGE);
        const changed = st[S.CR4] ^ nv;
        st[S.CR4] = nv;
        if (changed & CR.PGE) this.mmu.flush(true);
        // PSE changes what the walker builds; entries already cached are kept, as on IA-32.
      }
    }
  }

  /** LIDT m: 16-bit limit then 32-bit base; false on a fault. */
  lidt(addr: number): boolean {
    this.faulted = false;
    const limit = this.read(addr, 2) & 0xffff;
    const base = this.read((addr + 2) | 0, 4);
    if (this.faulted) return false;
    this.state[S.IDT_LIMIT] = limit;
    this.state[S.IDT_BASE] = base;
    return true;
  }

  invlpg(addr: number): void {
    this.mmu.invalidatePage(addr);
  }

  portIn(port: number, size: number): number {
    return this.io.read(port & 0xffff, size);
  }
  portOut(port: number, size: number, value: number): void {
    this.io.write(port & 0xffff, size, size === 32 ? value : value & (size === 16 ? 0xffff : 0xff));
  }

  rdtsc(n: number): void {
    const t = this.clockBase + n;
    this.regs[0] = t % 4294967296 | 0;
    this.regs[2] = Math.floor(t / 4294967296) | 0;
  }

  /** CPUID: leaf 0 names the machine, leaf 1 reports PSE, TSC and PGE. */
  cpuid(): void {
    const r = this.regs;
    const word = (s: string) => s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
    if (r[0] === 0) {
      r[0] = 1; r[3] = word('Toy8'); r[2] = word('6Mac'); r[1] = word('hine');
    } else if (r[0] === 1) {
      r[0] = 0; r[3] = 0; r[1] = 0; r[2] = (1 << 3) | (1 << 4) | (1 << 13);
    } else {
      r[0] = r[1] = r[2] = r[3] = 0;
    }
  }

  /** PUSHAD after probing [w, w + 32). */
  pushAll(w: number): void {
    const r = this.regs;
    const vals = [r[7], r[6], r[5], r[4], r[3], r[2], r[1], r[0]];
    for (let i = 0; i < 8; i++) this.writeAllowed((w + 4 * i) | 0, 4, vals[i]);
    r[4] = w;
  }
  /** POPAD after probing [w, w + 32); the saved ESP is skipped. */
  popAll(w: number): void {
    const r = this.regs;
    const v: number[] = [];
    this.faulted = false;
    for (let i = 0; i < 8; i++) v.push(this.read((w + 4 * i) | 0, 4));
    r[7] = v[0]; r[6] = v[1]; r[5] = v[2]; r[3] = v[4]; r[2] = v[5]; r[1] = v[6]; r[0] = v[7];
    r[4] = (w + 32) | 0;
  }

  // ---- arithmetic helpers -------------------------------------------------------------------

  /** MUL / IMUL r/m (one operand): the accumulator times src into (E)DX:(E)AX or AX. */
  multiply(size: number, src: number, signed: number): void {
    const r = this.regs;
    const st = this.state;
    let lo: number, hi: number, truncated: boolean;
    if (size === 32) {
      const a = r[0];
      if (signed) {
        lo = Math.imul(a, src);
        hi = mulHighSigned(a, src);
        truncated = hi !== lo >> 31;
      } else {
        lo = Math.imul(a, src);
        hi = mulHighUnsigned(a >>> 0, src >>> 0);
        truncated = hi !== 0;
      }
      r[0] = lo; r[2] = hi;
    } else if (size === 16) {
      const a = signed ? (r[0] << 16) >> 16 : r[0] & 0xffff;
      const b = signed ? src : src & 0xffff;
      const p = a * b;
      lo = (p << 16) >> 16;
      hi = (p >> 16) & 0xffff;
      truncated = signed ? p !== lo : (p >>> 16) !== 0;
      r[0] = (r[0] & ~0xffff) | (p & 0xffff);
      r[2] = (r[2] & ~0xffff) | hi;
    } else {
      const a = signed ? (r[0] << 24) >> 24 : r[0] & 0xff;
      const b = signed ? src : src & 0xff;
      const p = a * b;
      lo = (p << 24) >> 24;
      truncated = signed ? p !== lo : p > 0xff;
      r[0] = (r[0] & ~0xffff) | (p & 0xffff);
    }
    st[S.LOP] = Lazy.MUL | sizeCode(size);
    st[S.LA] = truncated ? 1 : 0;
    st[S.LB] = 0;
    st[S.LRES] = lo;
  }

  /** DIV / IDIV r/m; false (and nothing written) on #DE. */
  divide(size: number, src: number, signed: number): boolean {
    const r = this.regs;
    if (size === 32) {
      const d = src;
      if (d === 0) return false;
      let hi = r[2], lo = r[0];
      let neg = false;
      if (signed && hi < 0) { // |dividend|
        lo = (~lo + 1) | 0;
        hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
        neg = true;
      }
      const ad = signed && d < 0 ? -d >>> 0 : d >>> 0;
      const uhi = hi >>> 0, ulo = lo >>> 0;
      if (uhi >= ad) return false; // quotient would need more than 32 bits
      let rem = uhi * 65536 + (ulo >>> 16);
      const q1 = Math.floor(rem / ad);
      rem -= q1 * ad;
      rem = rem * 65536 + (ulo & 0xffff);
      const q0 = Math.floor(rem / ad);
      rem -= q0 * ad;
      let q = q1 * 65536 + q0;
      if (signed) {
        const qneg = neg !== d < 0;
        if (qneg ? q > 0x80000000 : q > 0x7fffffff) return false;
        if (qneg) q = -q;
        if (neg) rem = -rem;
      }
      r[0] = q | 0;
      r[2] = rem | 0;
      return true;
    }
    if (size === 16) {
      const dividend = signed ? ((r[2] << 16) | (r[0] & 0xffff)) : ((r[2] & 0xffff) * 65536 + (r[0] & 0xffff));
      const d = signed ? src : src & 0xffff;
      if (d === 0) return false;
      const q = Math.trunc(dividend / d);
      const rem = dividend - q * d;
      if (signed ? q < -32768 || q > 32767 : q > 0xffff) return false;
      r[0] = (r[0] & ~0xffff) | (q & 0xffff);
      r[2] = (r[2] & ~0xffff) | (rem & 0xffff);
      return true;
    }
    const dividend = signed ? (r[0] << 16) >> 16 : r[0] & 0xffff;
    const d = signed ? src : src & 0xff;
    if (d === 0) return false;
    const q = Math.trunc(dividend / d);
    const rem = dividend - q * d;
    if (signed ? q < -128 || q > 127 : q > 0xff) return false;
    r[0] = (r[0] & ~0xffff) | ((rem & 0xff) << 8) | (q & 0xff);
    return true;
  }

  /** ROL / ROR: only CF and OF change (SDM RCL/RCR/ROL/ROR). */
  rotate(right: number, size: number, x: number, count: number): number {
    const st = this.state;
    materialize(st);
    const m = size === 32 ? -1 : (1 << size) - 1;
    const u = x & m;
    const c = count % size;
    let res: number;
    if (right) res = c === 0 ? u : (u >>> c) | (u << (size - c));
    else res = c === 0 ? u : (u << c) | (u >>> (size - c));
    res &= m;
    const msb = (res >>> (size - 1)) & 1;
    let cf: number, of: number;
    if (right) {
      cf = msb;
      of = msb ^ ((res >>> (size - 2)) & 1);
    } else {
      cf = res & 1;
      of = msb ^ cf;
    }
    st[S.FLAGS] = (st[S.FLAGS] & ~(FL.CF | FL.OF)) | cf | (of ? FL.OF : 0);
    return size === 32 ? res | 0 : size === 16 ? (res << 16) >> 16 : (res << 24) >> 24;
  }

  // ---- string instructions ------------------------------------------------------------------

  /**
   * MOVS STOS LODS CMPS with their REP forms (SDM REP/REPE/REPNE). Each iteration is one unit of
   * time; when the budget runs out part-way, ECX/ESI/EDI keep the progress and EIP stays on the
   * instruction, which resumes after whatever the machine does in between. A fault part-way is
   * delivered with the progress kept. Returns the new n.
   */
  stringOp(arg: number, next: number, n: number, limit: number): number {
    const st = this.state;
    const r = this.regs;
    const size = arg & 0xff;
    const bytes = size >> 3;
    const op = (arg >> 8) & 0xf;
    const rep = arg >> 12;
    const step = st[S.FLAGS] & FL.DF ? -bytes : bytes;
    if (rep !== Rep.None && r[1] === 0) { st[S.EIP] = next; return n + 1; }
    for (;;) {
      this.faulted = false;
      st[S.NNOW] = n; // each iteration is a unit of time (the TLB's LRU stamps see it)
      switch (op) {
        case Str.Movs: {
          const v = this.read(r[6], bytes);
          if (this.faulted || !this.probe(r[7], bytes, 1)) return this.deliverPending(n);
          this.writeAllowed(r[7], bytes, v);
          r[6] = (r[6] + step) | 0;
          r[7] = (r[7] + step) | 0;
          break;
        }
        case Str.Stos: {
          if (!this.probe(r[7], bytes, 1)) return this.deliverPending(n);
          this.writeAllowed(r[7], bytes, r[0]);
          r[7] = (r[7] + step) | 0;
          break;
        }
        case Str.Lods: {
          const v = this.read(r[6], bytes);
          if (this.faulted) return this.deliverPending(n);
          r[0] = bytes === 4 ? v : bytes === 2 ? (r[0] & ~0xffff) | (v & 0xffff) : (r[0] & ~0xff) | (v & 0xff);
          r[6] = (r[6] + step) | 0;
          break;
        }
        default: { // CMPS: flags of [ESI] - [EDI]
          const a = this.read(r[6], bytes);
          const b = this.read(r[7], bytes);
          if (this.faulted) return this.deliverPending(n);
          const z = size === 32 ? (a - b) | 0 : size === 16 ? ((a - b) << 16) >> 16 : ((a - b) << 24) >> 24;
          st[S.LOP] = Lazy.SUB | sizeCode(size);
          st[S.LA] = a; st[S.LB] = b; st[S.LRES] = z;
          r[6] = (r[6] + step) | 0;
          r[7] = (r[7] + step) | 0;
        }
      }
      n++;
      if (rep === Rep.None) { st[S.EIP] = next; return n; }
      if (st[S.LIMIT] < limit) limit = st[S.LIMIT]; // a watchpoint
      r[1] = (r[1] - 1) | 0;
      if (r[1] === 0
        || (rep === Rep.Repe && st[S.LRES] !== 0)
        || (rep === Rep.Repne && st[S.LRES] === 0)) {
        st[S.EIP] = next;
        return n;
      }
      if (n >= limit) return n; // EIP stays on the instruction
    }
  }
}

/** High 32 bits of the unsigned 64-bit product of a and b (both 0 ≤ x < 2^32). */
function mulHighUnsigned(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** High 32 bits of the signed 64-bit product of a and b (int32). */
function mulHighSigned(a: number, b: number): number {
  let hi = mulHighUnsigned(a >>> 0, b >>> 0);
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  return hi;
}
