// The debugging session (docs/debugger.md): the machine, its symbols, the breakpoints,
// watchpoints and catchpoints, running forward and backward, and how a stop is reported — in
// gdb's words. The commands themselves are in commands.ts.

import { Machine, MachineError, type StopReason, type Snapshot } from '../../emulator/machine.js';
import { S, CR, FL } from '../../emulator/cpu/state.js';
import { SOFT_TLB_SIZE } from '../../emulator/mmu/mmu.js';
import type { ExceptionInfo } from '../../emulator/cpu/cpu.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';
import type { DiskFault } from '../../emulator/devices/disk.js';
import { parseImage } from '../mkdisk/fs.js';
import { Program, sourceLine, sourceLines, fileMatches, isCode, type Sym, type StructLayout } from './symbols.js';
import { DebugError, KERNBASE, hex, hex8, readVirtN, virtWrites } from './memory.js';
import { History, defaultInterval } from './history.js';
import { KernelViews, type ProcInfo } from './kernelviews.js';
import { unwind, frameArgs, argBase, atEntry, untouched, decodeAt, trapText, vectorName, type Frame, type Inspector } from './frames.js';
import { evaluate, fit, tsType, T, type EvalContext, type Value } from './expr.js';
import { hooks } from './trace.js';
import type { Snap } from './history.js';

/** The machine to debug: what `boot` or `run` would start. */
export interface DebugTarget {
  /** The kernel's ELF image and where it came from. */
  kernel: Uint8Array;
  kernelPath: string;
  /** The disk image (its writes stay in memory, as with --snapshot), or null. */
  disk: Uint8Array | null;
  append?: string;
  memSize?: number;
  tlbEntries?: number;
  tlbWays?: number;
  diskLatency?: number;
  diskFaults?: DiskFault[];
  /** --max-insns. */
  maxInsns?: number;
  /** For `debug run`: the program's name on the disk (/bin/NAME). */
  program?: string;
}

/** How the session meets the world. */
export interface SessionIO {
  /** Everything printed: the debugger's answers and the guest's console output. */
  out(text: string): void;
  /** Bytes the guest writes to the debug console (port 0xE9). */
  debugcon?(byte: number): void;
  /** Interactive sessions: while the guest runs, keys typed go to it and Ctrl-C stops it. */
  interactive?: {
    /** Called before and after the guest runs (the terminal's mode changes). */
    begin(): void;
    end(): void;
    /** Bytes typed for the guest since the last call. */
    take(): number[];
    /** Ctrl-C was pressed (and is now forgotten); a string says why, in the stop's report. */
    interrupted(): boolean | string;
    /** Resolves when input or Ctrl-C arrives. */
    wait(): Promise<void>;
  };
}

export interface SessionOptions {
  /** Instructions between snapshots (default: history.ts, defaultInterval). */
  snapshotInterval?: number;
  /** Memory the snapshots may take (default 256 MiB). */
  snapshotBytes?: number;
  /**
   * A machine that is already running (Ctrl-A c in `toy86 boot`): the session takes it over as it
   * is, its history starting now. Its output must be sent to guestOutput() and debugOutput().
   */
  machine?: Machine;
}

export type BpType = 'breakpoint' | 'hw watchpoint' | 'read watchpoint' | 'acc watchpoint' | 'catchpoint';

export interface Breakpoint {
  num: number;
  type: BpType;
  temp: boolean;
  enabled: boolean;
  hits: number;
  ignore: number;
  cond: string | null;
  /** breakpoint: the address, how to describe it, and the program it belongs to (user code). */
  addr: number;
  what: string;
  program: string | null;
  /** watchpoints: the expression, its length, its type and the last value seen. */
  expr: string;
  len: number;
  vtype: Value['type'];
  old: number | null;
  /** catchpoints: vectors caught (null: every CPU exception), or a system call (-1: any). */
  vectors: number[] | null;
  syscall: number | null;
}

/** Why a forward run ended. */
export type Stop =
  | { kind: 'done' }
  | { kind: 'breakpoint'; bp: Breakpoint }
  | { kind: 'watch'; bp: Breakpoint; old: number | null; value: number | null; write: boolean }
  | { kind: 'catch'; bp: Breakpoint; info: ExceptionInfo; eax: number }
  | { kind: 'syscall-return'; bp: Breakpoint; num: number }
  | { kind: 'poweroff'; code: number }
  | { kind: 'triple-fault' }
  | { kind: 'halted' }
  | { kind: 'idle' }
  | { kind: 'limit' }
  | { kind: 'interrupt'; why?: string }
  | { kind: 'waiting' }
  | { kind: 'not-running' };

interface Goal {
  /** Stop when the busy count reaches this (stepi N). */
  untilBusy?: number;
  /** Stop at this address when ESP and CR3 are these (the frame a call returns to: nexti, finish). */
  internal?: { addr: number; esp: number; cr3: number };
  /** Stop at this address too, in any frame (advance, until LOC). */
  at?: number;
}

/**
 * A system call a `catch syscall` stopped on, and where it returns to: the instruction after the
 * `int 0x80`, with the stack pointer and address space the caller had (gdb's call/return pairs).
 * Kept with the busy counts of the call and of the return, so that going back in time and
 * re-running history see the same pairs.
 */
interface SyscallCall {
  bp: Breakpoint;
  num: number;
  addr: number;
  esp: number;
  cr3: number;
  callBusy: number;
  returnBusy: number | null;
}

/** A moment lineClassifier marks: the current frame's activation begins. */
const ENTRY = { key: -1, start: true };

/** How far back reverse-step and reverse-next look for the start of a line (instructions). */
export const REVERSE_LINE_LIMIT = 5_000_000;

/** One unit of machine time for the idle check of scripted sessions, and its threshold. */
const IDLE_WINDOW = 4_000_000;
const IDLE_BUSY = 40_000;
/** How much an interactive session runs between looks at the keyboard. */
const CHUNK = 2_000_000;

const GPR = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const GPR8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];

/** System-call names, from kernel/syscall.ts's SYS enum (null when its source is not there). */
function syscallNames(source: string[] | null): Map<number, string> {
  const names = new Map<number, string>();
  if (!source) return names;
  const text = source.join('\n');
  const body = /enum\s+SYS\s*\{([\s\S]*?)\}/.exec(text);
  if (!body) return names;
  for (const m of body[1].matchAll(/^\s*(\w+)\s*=\s*(\d+)/gm)) names.set(Number(m[2]), m[1]);
  return names;
}

/**
 * Why `set $REG` cannot change a register the debugger only reads: the CPL and the selectors
 * follow each other (SPEC §2.1: no segmentation, the selectors fixed by the CPL), IDTR and TR are
 * loaded by LIDT and LTR, and $icount is the clock.
 */
function fixed(reg: string): string {
  return `Cannot set $${reg}: the debugger writes the general registers, EIP, EFLAGS and CR0-CR4 (${reg === 'icount' ? 'the clock moves by running' : reg === 'idtr' || reg === 'tr' ? 'the guest loads it with ' + (reg === 'idtr' ? 'LIDT' : 'LTR') : 'the selectors follow the CPL, which changes by an interrupt or IRETD'}).`;
}

export class Session implements Inspector {
  readonly m: Machine;
  readonly kernel: Program;
  readonly history: History;
  readonly views: KernelViews;
  readonly bps: Breakpoint[] = [];
  private nextNum = 1;
  readonly values: Value[] = [];
  readonly convenience = new Map<string, Value>();
  /** Output up to this clock has been shown (replays do not show it again). */
  private shownUpTo = 0;
  /** 'live' runs report; 'replay' and 'scan' are the debugger re-running history. */
  mode: 'live' | 'replay' | 'scan' = 'live';
  /** How the last forward run ended, for the exit code (cleared when history changes). */
  ended: StopReason | null = null;
  readonly maxInsns: number;
  private readonly diskFiles = new Map<string, Uint8Array>();
  private readonly programs = new Map<string, Program | null>();
  readonly syscalls: Map<number, string>;
  private guestLineOpen = false;
  private scanWatch: Map<number, number | null> | null = null;
  /** Counts the machine's moves (runs, jumps in time, writes): displays and the selected frame follow it. */
  moves = 0;
  /** The frame `frame`, `up` and `down` selected, while the machine has not moved since. */
  private selected = { level: 0, moves: 0 };
  private readonly syscallCalls: SyscallCall[] = [];

  constructor(readonly target: DebugTarget, readonly io: SessionIO, opts: SessionOptions = {}) {
    let m: Machine;
    if (opts.machine) {
      m = opts.machine;
    } else {
      m = new Machine({
        memSize: target.memSize, tlbEntries: target.tlbEntries, tlbWays: target.tlbWays,
        diskLatency: target.diskLatency, diskFaults: target.diskFaults,
        disk: target.disk ? memoryDisk(new Uint8Array(target.disk)) : null,
        onSerialOutput: (b) => this.guestOutput(b),
        onDebugOutput: (b) => this.debugOutput(b),
      });
      m.loadKernel(target.kernel, target.append ?? '', target.kernelPath);
    }
    this.m = m;
    this.shownUpTo = m.clock;
    this.kernel = new Program('kernel', target.kernelPath, m.kernel!, true);
    this.maxInsns = target.maxInsns ?? Infinity;
    this.views = new KernelViews(m, this.kernel, (a) => this.angle(a));
    this.history = new History(m, (name, v) => this.applyRegister(name, v), () => this.slowWatchedPages(true),
      opts.snapshotInterval ?? defaultInterval(m.memSize), opts.snapshotBytes ?? 256 * 1024 * 1024);
    this.history.start();
    m.cpu.stopOnException = (info) => this.mode !== 'replay' && this.catchpointFor(info) !== null;
    if (target.disk) {
      try {
        const fs = parseImage(target.disk);
        for (const e of fs.walk()) {
          if (e.inode.type !== 'file') continue;
          const data = fs.readFile(e.path);
          if (data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46) this.diskFiles.set(e.path, data);
        }
      } catch { /* not toy86's filesystem: no user symbols */ }
    }
    const syscallFile = this.kernel.files.find((f) => f.endsWith('syscall.ts'));
    this.syscalls = syscallNames(syscallFile ? sourceLines(syscallFile) : null);
  }

  // ---- output ---------------------------------------------------------------------------------

  out(text: string): void {
    if (this.guestLineOpen && text.length) { this.io.out('\n'); this.guestLineOpen = false; }
    this.io.out(text);
  }

  /** Output of instructions up to this clock has been shown. */
  get shownUntil(): number {
    return this.shownUpTo;
  }

  /** Is the guest's output (and the trace) to be shown now: live, and past what was shown before? */
  showing(): boolean {
    return this.mode === 'live' && this.m.now() > this.shownUpTo;
  }

  /** A byte the guest wrote to the debug console (port 0xE9). */
  debugOutput(b: number): void {
    if (this.showing()) this.io.debugcon?.(b);
  }

  /** A byte the guest wrote to its console (COM1): shown unless history is being re-run. */
  guestOutput(b: number): void {
    if (!this.showing()) return;
    const c = String.fromCharCode(b);
    this.io.out(c);
    this.guestLineOpen = c !== '\n';
  }

  private afterRun(): void {
    this.history.afterRun();
    if (this.mode === 'live' && this.m.clock > this.shownUpTo) this.shownUpTo = this.m.clock;
  }

  /** The history changes from now on (input, a write): the future is forgotten. */
  private diverge(): void {
    this.history.truncate();
    this.shownUpTo = this.m.clock;
    this.ended = null;
    this.moves++;
    // System calls caught after now are no longer in the history; returns after now are to come.
    const now = this.busy();
    for (let i = this.syscallCalls.length - 1; i >= 0; i--) {
      const c = this.syscallCalls[i];
      if (c.callBusy > now) this.syscallCalls.splice(i, 1);
      else if (c.returnBusy !== null && c.returnBusy > now) c.returnBusy = null;
    }
  }

  // ---- programs and symbols -------------------------------------------------------------------

  /** A user program of the disk by its path or file name. */
  programNamed(name: string): Program | null {
    // A process's name is its program's file name, cut to 15 characters; /bin first.
    const paths = [...this.diskFiles.keys()].sort((a, b) => Number(b.startsWith('/bin/')) - Number(a.startsWith('/bin/')));
    const path = name.startsWith('/') ? name : paths.find((p) => basename(p) === name) ?? paths.find((p) => basename(p).slice(0, 15) === name.slice(0, 15));
    if (!path || !this.diskFiles.has(path)) return null;
    if (!this.programs.has(path)) {
      let p: Program | null = null;
      try { p = Program.fromImage(basename(path), path, this.diskFiles.get(path)!, false); } catch { p = null; }
      this.programs.set(path, p);
    }
    return this.programs.get(path)!;
  }

  /** Every user program on the disk. */
  allPrograms(): Program[] {
    return [...this.diskFiles.keys()].sort().map((p) => this.programNamed(p)).filter((p): p is Program => p !== null);
  }

  /** The process whose address space is loaded (by CR3), when the kernel is toy86's. */
  currentProcess(): ProcInfo | null {
    if ((this.m.cpu.state[S.CR0] & CR.PG) === 0) return null;
    try { return this.views.procOfCr3(this.m.cpu.state[S.CR3]); } catch { return null; }
  }

  /** The user program whose symbols name user addresses now. */
  focusProgram(): Program | null {
    const p = this.currentProcess();
    if (p) return this.programNamed(p.name);
    if (this.target.program) return this.programNamed(`/bin/${this.target.program}`);
    return null;
  }

  programFor(addr: number): Program | null {
    const a = addr >>> 0;
    if (a >= KERNBASE || this.kernel.sectionAt(a)) return this.kernel;
    const f = this.focusProgram();
    return f && f.sectionAt(a) ? f : null;
  }

  /** `<handlePageFault+18 at kernel/trap.ts:111>` (gdb's decimal offsets), or ''; withLine false: `<handlePageFault+18>`. */
  angle(addr: number, withLine = this.symbolFilename): string {
    const p = this.programFor(addr);
    const s = p?.symbolAt(addr);
    if (!s) return '';
    const off = (addr >>> 0) - s.addr;
    // gdb's `set print symbol-filename on`: the source line too, where it is known.
    const row = withLine ? p!.lineAt(addr) : null;
    return `<${s.name}${off ? `+${off}` : ''}${row ? ` at ${row.file}:${row.line}` : ''}>`;
  }

  /**
   * gdb's `set print symbol-filename`: `<handlePageFault+18 at kernel/trap.ts:111>`. On by default
   * (SPEC §6: addresses print with `<symbol+offset>` and the source line where known); `set print
   * symbol-filename off` gives gdb's default.
   */
  symbolFilename = true;

  /** A symbol by name: the kernel's, then the focus program's, then the one program that has it. */
  findSymbol(name: string, qualifier?: string): { program: Program; sym: Sym } | null {
    const progs = this.qualifiedPrograms(qualifier);
    const file = qualifier && !this.programNamedQualifier(qualifier) ? qualifier : undefined;
    for (const p of progs.ordered) {
      const s = p.lookup(name, file)[0];
      if (s) return { program: p, sym: s };
    }
    if (progs.rest.length) {
      const hits = progs.rest.map((p) => ({ p, s: p.lookup(name, file)[0] })).filter((x) => x.s);
      if (hits.length === 1) return { program: hits[0].p, sym: hits[0].s! };
      if (hits.length > 1) {
        throw new DebugError(`"${name}" is defined in several programs (${hits.map((h) => h.p.name).join(', ')}): say which, as in ${hits[0].p.name}:${name}.`);
      }
    }
    return null;
  }

  private programNamedQualifier(q: string): Program | null {
    if (/\.(ts|s)$/.test(q)) return null;
    return this.programNamed(q);
  }

  /** The programs to search for a name: those a qualifier (a source file or a program) selects. */
  private qualifiedPrograms(qualifier?: string): { ordered: Program[]; rest: Program[] } {
    const focus = this.focusProgram();
    const run = this.target.program ? this.programNamed(`/bin/${this.target.program}`) : null;
    const base = [this.kernel, ...(focus ? [focus] : []), ...(run && run !== focus ? [run] : [])];
    if (!qualifier) return { ordered: base, rest: this.allPrograms().filter((p) => !base.includes(p)) };
    const prog = this.programNamedQualifier(qualifier);
    if (prog) return { ordered: [prog], rest: [] };
    const all = [...base, ...this.allPrograms().filter((p) => !base.includes(p))];
    const withFile = all.filter((p) => p.hasFile(qualifier) || p.syms.some((s) => s.file === qualifier));
    if (!withFile.length) throw new DebugError(`No source file named ${qualifier}.`);
    return { ordered: withFile.slice(0, 1), rest: [] };
  }

  // ---- memory and registers for expressions ---------------------------------------------------

  read32(addr: number): number {
    return readVirtN(this.m, addr, 4);
  }

  /** A code byte: guest memory, or the program file when the page is not in memory yet. */
  codeByte(addr: number): number {
    const a = addr >>> 0;
    const p = this.m.translate(a);
    if (p !== null && p < this.m.memSize) return this.m.mem8[p];
    const prog = this.programFor(a);
    const sec = prog?.sectionAt(a);
    if (sec && sec.exec && a - sec.start < sec.data.length) return sec.data[a - sec.start];
    return -1;
  }

  /** Register values as expressions see them. */
  register(name: string): Value | null {
    const c = this.m.cpu, st = c.state, r = c.regs;
    const n = name.toLowerCase();
    // In a frame other than #0, $pc, $sp and $fp are that frame's (as gdb unwinds them).
    const level = this.selectedLevel();
    if (level > 0 && ['eip', 'pc', 'esp', 'sp', 'ebp', 'fp'].includes(n)) {
      const fr = this.selectedFrame();
      if (n === 'eip' || n === 'pc') return { v: fr.pc >>> 0, type: T.code };
      if (n === 'esp' || n === 'sp') return { v: fr.esp >>> 0, type: T.voidp };
      return { v: fr.ebp >>> 0, type: T.voidp };
    }
    let i = GPR.indexOf(n);
    if (i >= 0) return { v: i === 4 || i === 5 ? r[i] >>> 0 : r[i] | 0, type: i === 4 || i === 5 ? T.voidp : T.int, lval: { kind: 'reg', name: n } };
    if (n === 'sp') return { v: r[4] >>> 0, type: T.voidp, lval: { kind: 'reg', name: 'esp' } };
    if (n === 'fp') return { v: r[5] >>> 0, type: T.voidp, lval: { kind: 'reg', name: 'ebp' } };
    i = GPR16.indexOf(n);
    if (i >= 0) return { v: (r[i] << 16) >> 16, type: { kind: 'int', size: 2 }, lval: { kind: 'reg', name: n } };
    i = GPR8.indexOf(n);
    if (i >= 0) return { v: ((i < 4 ? r[i] : r[i - 4] >> 8) << 24) >> 24, type: { kind: 'int', size: 1 }, lval: { kind: 'reg', name: n } };
    switch (n) {
      case 'eip': case 'pc': return { v: st[S.EIP] >>> 0, type: T.code, lval: { kind: 'reg', name: 'eip' } };
      case 'eflags': return { v: c.eflags() >>> 0, type: T.eflags, lval: { kind: 'reg', name: 'eflags' } };
      case 'cr0': return { v: st[S.CR0] >>> 0, type: T.uint, lval: { kind: 'reg', name: 'cr0' } };
      case 'cr2': return { v: st[S.CR2] >>> 0, type: T.uint, lval: { kind: 'reg', name: 'cr2' } };
      case 'cr3': return { v: st[S.CR3] >>> 0, type: T.uint, lval: { kind: 'reg', name: 'cr3' } };
      case 'cr4': return { v: st[S.CR4] >>> 0, type: T.uint, lval: { kind: 'reg', name: 'cr4' } };
      case 'cpl': return { v: st[S.CPL], type: T.int, readonly: fixed('cpl') };
      case 'cs': return { v: st[S.CPL] === 3 ? 0x1b : 0x08, type: T.int, readonly: fixed('cs') };
      case 'ss': case 'ds': case 'es': case 'fs': case 'gs': return { v: st[S.CPL] === 3 ? 0x23 : 0x10, type: T.int, readonly: fixed(n) };
      case 'icount': return { v: this.m.clock, type: T.uint, readonly: fixed('icount') };
      case 'idtr': return { v: st[S.IDT_BASE] >>> 0, type: T.uint, readonly: fixed('idtr') };
      case 'tr': return { v: st[S.TR] >>> 0, type: T.uint, readonly: fixed('tr') };
      default: return null;
    }
  }

  /** Sets a register now (and logs it, so that replays see it). See fixed() for the others. */
  setRegister(name: string, v: number): void {
    const n = name.toLowerCase().replace(/^\$/, '');
    if (this.selectedLevel() > 0) throw new DebugError('Registers can be changed in frame #0 only: "frame 0" selects it.');
    const reg = { sp: 'esp', fp: 'ebp', pc: 'eip' }[n] ?? n;
    if (![...GPR, ...GPR16, ...GPR8, 'eip', 'eflags', 'cr0', 'cr2', 'cr3', 'cr4'].includes(reg)) {
      throw new DebugError(`Cannot set $${n}: it is not a register the debugger can write.`);
    }
    this.diverge();
    this.history.record({ kind: 'reg', name: reg, value: v | 0 });
  }

  /** Writes a register (from the log). */
  private applyRegister(reg: string, v: number): void {
    const c = this.m.cpu, r = c.regs;
    let i = GPR.indexOf(reg);
    if (i >= 0) { r[i] = v; return; }
    i = GPR16.indexOf(reg);
    if (i >= 0) { r[i] = (r[i] & ~0xffff) | (v & 0xffff); return; }
    i = GPR8.indexOf(reg);
    if (i >= 0) {
      if (i < 4) r[i] = (r[i] & ~0xff) | (v & 0xff); else r[i - 4] = (r[i - 4] & ~0xff00) | ((v & 0xff) << 8);
      return;
    }
    switch (reg) {
      case 'eip': c.eip = v; break;
      case 'eflags': c.setEflags(v); break;
      case 'cr0': c.writeCR(0, v); break;
      case 'cr2': c.writeCR(2, v); break;
      case 'cr3': c.writeCR(3, v); break;
      case 'cr4': c.writeCR(4, v); break;
    }
  }

  /** Writes guest memory at a virtual address now (logged). */
  writeMemory(addr: number, bytes: Uint8Array): void {
    const writes = virtWrites(this.m, addr, bytes);
    this.diverge();
    for (const w of writes) this.history.record({ kind: 'mem', phys: w.phys, bytes: w.bytes });
  }

  /** Console input for the guest, delivered now (logged). */
  sendInput(bytes: number[]): void {
    this.diverge();
    this.history.record({ kind: 'input', bytes });
  }

  /** A symbol's value in an expression (the TypeScript subset's meaning; docs/debugger.md). */
  symbolValue(name: string, file?: string): Value | null {
    // The selected frame's parameters first, as gdb looks in the frame's block before globals.
    const arg = file === undefined ? this.argument(name) : null;
    if (arg) return arg;
    const found = this.findSymbol(name, file);
    if (!found) return null;
    const { program: p, sym: s } = found;
    if (isCode(p, s)) {
      const sig = p.signature(s);
      return { v: s.addr, type: T.code, code: sig ? `${sig.ret} (${sig.params.map((x) => `${x.name}: ${x.type}`).join(', ')})` : '<text variable, no debug info>' };
    }
    // A TypeScript variable is its value; a memory.data block, and a label of assembly (as in
    // NASM), stand for their address.
    const decl = p.variableType(s);
    if (!decl || decl === 'memory.data') return { v: s.addr, type: T.usize };
    const t = tsType(decl);
    const size = Math.max(1, t.size);
    return { v: fit(readVirtN(this.m, s.addr, size), t), type: t, lval: { kind: 'mem', addr: s.addr, size } };
  }

  /** The selected frame's parameters: name, type (TypeScript) and where each is. */
  frameParams(): { name: string; type: string; addr: number; reg: string | null; assigned: boolean }[] | null {
    const fr = this.selectedFrame();
    if (!fr.func || !fr.program || fr.trap) return null;
    const sig = fr.program.signature(fr.func);
    const base = argBase(this, fr);
    if (!sig || base === null) return null;
    // In the prologue, before the copies into registers, every parameter is in the frame.
    const homes = atEntry(this, fr) ? [] : fr.program.paramHomes(fr.func);
    // At the first line, before the body has run, a parameter it changes still has the value passed.
    const fresh = untouched(this, fr);
    return sig.params.map((x, i) => ({ name: x.name, type: x.type, addr: (base + 4 * i) >>> 0, reg: homes[i]?.reg ?? null, assigned: !fresh && (homes[i]?.assigned ?? false) }));
  }

  /**
   * A parameter of the selected frame's function as an expression's value, or null. One the
   * function keeps in a register (ParamHome) is read from the frame's word when the function never
   * changes it (the same value), and cannot be assigned there (the function reads the register);
   * one it also changes is not known.
   */
  private argument(name: string): Value | null {
    let params: ReturnType<Session['frameParams']>;
    try { params = this.frameParams(); } catch { return null; }
    const x = params?.find((q) => q.name === name);
    if (!x) return null;
    const t = tsType(x.type);
    const reg = x.reg?.toUpperCase();
    if (x.reg && x.assigned) throw new DebugError(`${name} is optimized out here: the function keeps it in ${reg} and changes it, and the compiler records no range where ${reg} holds it.`);
    if (x.reg) return { v: fit(this.read32(x.addr), t), type: t, readonly: `Cannot assign to ${name}: the function keeps it in ${reg}, and the compiler records no range where ${reg} holds it (the frame's word is the value passed).` };
    return { v: fit(this.read32(x.addr), t), type: t, lval: { kind: 'mem', addr: x.addr, size: 4 } };
  }

  evalContext(): EvalContext {
    return {
      register: (n) => this.register(n),
      setRegister: (n, v) => this.setRegister(n, v),
      readMem: (a, size) => readVirtN(this.m, a, size),
      writeMem: (a, size, v) => {
        const b = new Uint8Array(size);
        for (let i = 0; i < size; i++) b[i] = (v >>> (8 * i)) & 0xff;
        this.writeMemory(a, b);
      },
      symbol: (n, f) => this.symbolValue(n, f),
      history: (rel, abs) => {
        const n = this.values.length;
        const idx = abs ? rel : n + rel;
        if (n === 0 && !abs) return { v: 0, type: T.void };
        if (idx < 1 || idx > n) throw new DebugError(abs ? `History has not yet reached $${rel}.` : 'History has not yet reached that far.');
        return this.values[idx - 1];
      },
      convenience: this.convenience,
      struct: (name) => this.structLayout(name),
    };
  }

  /**
   * An @unmanaged class's layout by name: from the selected frame's program first (the kernel's
   * and a user program's classes may share a name), then the kernel's, then every program's.
   */
  structLayout(name: string): StructLayout | null {
    let fr: Frame | null = null;
    try { fr = this.selectedFrame(); } catch { /* no frame */ }
    const order = [...(fr?.program ? [fr.program] : []), this.kernel, ...this.allPrograms()];
    for (const p of order) {
      const l = p.structs().get(name);
      if (l) return l;
    }
    return null;
  }

  eval(text: string): Value {
    return evaluate(text, this.evalContext());
  }

  // ---- locations ------------------------------------------------------------------------------

  /**
   * A location (LOC): `*EXPR`, an address, `$reg` (an expression), `file.ts:line`, `LINE`, `symbol`, `symbol+offset`,
   * `file.ts:function`, `program:function`. A function stands for its first line after the
   * prologue, as in gdb.
   */
  resolve(spec: string): { addr: number; program: Program | null } {
    const s = spec.trim();
    if (s === '') return { addr: this.m.cpu.eip >>> 0, program: this.programFor(this.m.cpu.eip) };
    if (s.startsWith('*')) {
      const a = this.eval(s.slice(1)).v >>> 0;
      return { addr: a, program: this.programFor(a) };
    }
    if (/^0x[0-9a-f]+$/i.test(s)) {
      const a = parseInt(s, 16) >>> 0;
      return { addr: a, program: this.programFor(a) };
    }
    if (s.startsWith('$')) {
      // A register or convenience variable ($pc, $eip + 8, $bpnum...): an expression, as gdb takes it.
      const a = this.eval(s).v >>> 0;
      return { addr: a, program: this.programFor(a) };
    }
    let m = /^(.+):(\d+)$/.exec(s);
    if (m) return this.lineLocation(m[1], Number(m[2]));
    if (/^\d+$/.test(s)) {
      const cur = this.lineOf(this.m.cpu.eip, false);
      if (!cur) throw new DebugError('No default source file: give FILE:LINE.');
      return this.lineLocation(cur.file, Number(s));
    }
    m = /^(?:(.+):)?([A-Za-z_$][\w.$]*)(?:\s*([+-])\s*(0x[0-9a-f]+|\d+))?$/i.exec(s);
    if (m) {
      const found = this.findSymbol(m[2], m[1]);
      if (!found) throw new DebugError(`Function "${m[2]}" not defined${m[1] ? ` in "${m[1]}"` : ''}.`);
      const { program: p, sym } = found;
      if (m[3]) {
        const off = Number(m[4]);
        return { addr: (sym.addr + (m[3] === '+' ? off : -off)) >>> 0, program: p };
      }
      return { addr: isCode(p, sym) ? p.afterPrologue(sym) : sym.addr, program: p };
    }
    const a = this.eval(s).v >>> 0;
    return { addr: a, program: this.programFor(a) };
  }

  private lineLocation(file: string, line: number): { addr: number; program: Program | null } {
    const focus = this.focusProgram();
    const order = [this.kernel, ...(focus ? [focus] : []), ...this.allPrograms().filter((p) => p !== focus)];
    const withFile = order.filter((p) => p.hasFile(file));
    if (!withFile.length) throw new DebugError(`No source file named ${file}.`);
    for (const p of withFile) {
      const hit = p.addressesOfLine(file, line);
      if (hit) return { addr: hit.addr, program: p };
    }
    const shown = withFile[0].files.find((f) => fileMatches(f, file)) ?? file;
    throw new DebugError(`No line ${line} in file "${shown}".`);
  }

  /** The source line of an address: `{file, line}`; for a return address, the call's line. */
  lineOf(addr: number, caller: boolean): { file: string; line: number; start: boolean } | null {
    const a = (caller ? addr - 1 : addr) >>> 0;
    const p = this.programFor(a);
    const row = p?.lineAt(a);
    if (!p || !row) return null;
    return { file: row.file, line: row.line, start: !caller && p.isLineStart(addr) };
  }

  /** `: file kernel/trap.ts, line 111.` for breakpoint messages. */
  describeAt(addr: number, program?: Program | null): string {
    const row = program?.lineAt(addr >>> 0);
    const l = row ? { file: row.file, line: row.line } : this.lineOf(addr, false);
    return l ? `${hex(addr)}: file ${l.file}, line ${l.line}.` : hex(addr);
  }

  // ---- breakpoints ----------------------------------------------------------------------------

  newBreakpoint(type: BpType, fields: Partial<Breakpoint>): Breakpoint {
    const bp: Breakpoint = {
      num: this.nextNum++, type, temp: false, enabled: true, hits: 0, ignore: 0, cond: null,
      addr: 0, what: '', program: null, expr: '', len: 0, vtype: T.int, old: null, vectors: null, syscall: null,
      ...fields,
    };
    this.bps.push(bp);
    this.sync();
    return bp;
  }

  deleteBreakpoint(bp: Breakpoint): void {
    const i = this.bps.indexOf(bp);
    if (i >= 0) this.bps.splice(i, 1);
    for (let j = this.syscallCalls.length - 1; j >= 0; j--) if (this.syscallCalls[j].bp === bp) this.syscallCalls.splice(j, 1);
    this.sync();
  }

  /** Installs the enabled breakpoints and watchpoints (and the temporary ones of a run) in the machine. */
  sync(internal?: number, at?: number): void {
    const cpu = this.m.cpu;
    cpu.breakpoints.clear();
    for (const b of this.bps) if (b.enabled && b.type === 'breakpoint') cpu.breakpoints.add(b.addr >>> 0);
    if (internal !== undefined) cpu.breakpoints.add(internal >>> 0);
    if (at !== undefined) cpu.breakpoints.add(at >>> 0);
    // Where the system calls a `catch syscall` stopped on return to.
    for (const c of this.syscallCalls) if (c.bp.enabled) cpu.breakpoints.add(c.addr >>> 0);
    cpu.watchpoints.length = 0;
    for (const b of this.bps) {
      if (!b.enabled || !b.type.endsWith('watchpoint')) continue;
      cpu.watchpoints.push({ addr: b.addr >>> 0, len: b.len, read: b.type !== 'hw watchpoint', write: b.type !== 'read watchpoint' });
    }
    this.slowWatchedPages(false);
  }

  /**
   * Keeps the watched pages out of the soft TLB, so that every access to them reaches the
   * CPU's watchpoint check — touching nothing else (CPU.debugChanged() would empty the whole soft
   * TLB and, with it, the recency the TLB's LRU uses: a debugger's action must not change which
   * entry the guest's next miss evicts, or replays would not retrace the run).
   */
  slowWatchedPages(force: boolean): void {
    const mmu = this.m.cpu.mmu;
    const pages = new Set<number>();
    for (const x of this.m.cpu.watchpoints) {
      for (let p = x.addr & ~0xfff; p <= ((x.addr + x.len - 1) & ~0xfff); p = (p + 4096) | 0) pages.add(p | 0);
    }
    const same = pages.size === mmu.watchedPages.size && [...pages].every((p) => mmu.watchedPages.has(p));
    if (same && !force) return;
    mmu.watchedPages.clear();
    for (const p of pages) {
      mmu.watchedPages.add(p);
      const slot = (p >>> 12) & (SOFT_TLB_SIZE - 1);
      if (mmu.softPage[slot] !== p) continue;
      mmu.touch(p, mmu.softUse[slot]); // its last use stays with the TLB entry
      mmu.softPage[slot] = mmu.tagRS[slot] = mmu.tagWS[slot] = mmu.tagRU[slot] = mmu.tagWU[slot] = 1; // empty (mmu.ts: INVALID)
    }
  }

  /** The catchpoint that wants this exception, if any. */
  private catchpointFor(info: ExceptionInfo): Breakpoint | null {
    for (const b of this.bps) {
      if (!b.enabled || b.type !== 'catchpoint') continue;
      if (b.syscall !== null) {
        if (info.vector === 0x80 && (b.syscall < 0 || b.syscall === this.m.cpu.regs[0])) return b;
      } else if (b.vectors === null ? info.vector < 32 : b.vectors.includes(info.vector)) {
        return b;
      }
    }
    return null;
  }

  /** Reads a watchpoint's value now (null when its memory cannot be read). */
  watchValue(b: Breakpoint): number | null {
    try { return fit(readVirtN(this.m, b.addr, b.len), b.vtype); } catch { return null; }
  }

  /** Is this process the one a user breakpoint belongs to? */
  private inProgram(b: Breakpoint): boolean {
    if (!b.program || b.addr >= KERNBASE) return true;
    const p = this.currentProcess();
    return !p || p.name === b.program.slice(0, 15);
  }

  private condHolds(b: Breakpoint): boolean {
    if (!b.cond) return true;
    try {
      return this.eval(b.cond).v !== 0;
    } catch (e) {
      if (!(e instanceof DebugError)) throw e;
      if (this.mode === 'live') this.out(`Error in testing condition for breakpoint ${b.num}:\n${e.message}\n`);
      return true;
    }
  }

  /**
   * The stop of a breakpoint at the pc itself, as gdb's `jump` to a breakpoint's address reports
   * it before running anything; null when none applies there.
   */
  breakpointHere(): Stop | null {
    const addr = this.m.cpu.eip >>> 0;
    if (!this.bps.some((b) => b.enabled && b.type === 'breakpoint' && b.addr === addr)) return null;
    this.moves++;
    return this.evaluateStop({ kind: 'breakpoint', addr } as StopReason, {});
  }

  /** Whether a machine stop is one to report: a breakpoint, a watched change, a caught exception. */
  private evaluateStop(r: StopReason, goal: Goal): Stop | null {
    const live = this.mode === 'live';
    if (r.kind === 'breakpoint') {
      const ret = this.syscallReturn(r.addr);
      if (ret) return ret;
      const g = goal.internal;
      if (g && r.addr === g.addr && this.m.cpu.regs[4] >>> 0 === g.esp && this.m.cpu.state[S.CR3] >>> 0 === g.cr3) return { kind: 'done' };
      if (goal.at !== undefined && r.addr === goal.at >>> 0) return { kind: 'done' };
      for (const b of this.bps) {
        if (!b.enabled || b.type !== 'breakpoint' || b.addr !== r.addr || !this.inProgram(b) || !this.condHolds(b)) continue;
        if (live && b.ignore > 0) { b.ignore--; b.hits++; continue; }
        return { kind: 'breakpoint', bp: b };
      }
      return null;
    }
    if (r.kind === 'watchpoint') {
      for (const b of this.bps) {
        if (!b.enabled || !b.type.endsWith('watchpoint')) continue;
        if (!(r.addr + 3 >= b.addr && r.addr < b.addr + b.len)) continue;
        if (b.type === 'read watchpoint' && r.write) continue;
        if (b.type === 'hw watchpoint' && !r.write) continue;
        const value = this.watchValue(b);
        const old = this.scanWatch ? this.scanWatch.get(b.num) ?? null : b.old;
        if (r.write && value === old) continue;
        if (this.scanWatch) this.scanWatch.set(b.num, value); else b.old = value;
        if (!this.condHolds(b)) continue;
        return { kind: 'watch', bp: b, old, value, write: r.write };
      }
      return null;
    }
    if (r.kind === 'exception') {
      const info = { ...this.m.lastException };
      const b = this.catchpointFor(info);
      if (!b || !this.condHolds(b)) return null;
      if (b.syscall !== null && info.vector === 0x80) this.syscallCalled(b, info);
      return { kind: 'catch', bp: b, info, eax: this.m.cpu.regs[0] };
    }
    return null;
  }

  /** A `catch syscall` stopped on a call: its return is caught too. */
  private syscallCalled(bp: Breakpoint, info: ExceptionInfo): void {
    const now = this.busy();
    if (this.syscallCalls.some((c) => c.bp === bp && c.callBusy === now)) return;
    // The CPU has just pushed the interrupt frame: EIP, CS, EFLAGS, and ESP, SS from CPL 3.
    const esp = this.m.cpu.regs[4] >>> 0;
    let userEsp: number;
    try {
      const cs = this.read32(esp + 4);
      userEsp = (cs & 3) === 3 ? this.read32(esp + 12) >>> 0 : (esp + 12) >>> 0;
    } catch {
      return;
    }
    this.syscallCalls.push({ bp, num: this.m.cpu.regs[0], addr: info.eip >>> 0, esp: userEsp, cr3: this.m.cpu.state[S.CR3] >>> 0, callBusy: now, returnBusy: null });
    if (this.syscallCalls.length > 256) this.syscallCalls.shift();
    this.sync();
  }

  /** A breakpoint stop that is the return of a caught system call, if it is one. */
  private syscallReturn(addr: number): Stop | null {
    const now = this.busy(), esp = this.m.cpu.regs[4] >>> 0, cr3 = this.m.cpu.state[S.CR3] >>> 0;
    for (const c of this.syscallCalls) {
      if (c.addr !== addr || c.esp !== esp || c.cr3 !== cr3 || !c.bp.enabled || c.callBusy >= now) continue;
      if (c.returnBusy !== null && c.returnBusy < now) continue;
      c.returnBusy = now;
      return { kind: 'syscall-return', bp: c.bp, num: c.num };
    }
    return null;
  }

  // ---- running forward ------------------------------------------------------------------------

  busy(): number {
    return this.history.busy();
  }

  /** Runs forward toward a goal, stopping where the breakpoints and the rest say. */
  async forward(goal: Goal): Promise<Stop> {
    const m = this.m;
    if (m.stopReason) return { kind: 'not-running' };
    if (m.clock >= this.maxInsns) return { kind: 'limit' };
    this.mode = 'live';
    this.moves++;
    const eip = m.cpu.eip >>> 0;
    this.sync(goal.internal?.addr, goal.at);
    // Continuing from a breakpoint's address runs its instruction.
    m.cpu.resumeFrom = m.cpu.breakpoints.has(eip) ? eip : -1;
    for (const b of this.bps) if (b.type.endsWith('watchpoint')) b.old = this.watchValue(b);
    const inter = this.io.interactive;
    inter?.begin();
    let windowClock = m.clock, windowBusy = this.busy(), windowEvents = this.history.applied;
    try {
      for (;;) {
        if (inter) {
          const keys = inter.take();
          if (keys.length) this.sendInput(keys);
          const why = inter.interrupted();
          if (why) return { kind: 'interrupt', why: typeof why === 'string' ? why : undefined };
        }
        let want = goal.untilBusy !== undefined ? this.history.busyBudget(goal.untilBusy - this.busy()) : CHUNK;
        want = Math.min(want, this.maxInsns - m.clock);
        if (want <= 0) return goal.untilBusy !== undefined && this.busy() >= goal.untilBusy ? { kind: 'done' } : { kind: 'limit' };
        const r = m.run(this.history.bound(want));
        this.afterRun();
        switch (r.kind) {
          case 'limit': {
            if (goal.untilBusy !== undefined && this.busy() >= goal.untilBusy) return { kind: 'done' };
            if (m.clock >= this.maxInsns) { this.ended = r; return { kind: 'limit' }; }
            if (inter) { await new Promise<void>((res) => setImmediate(res)); continue; }
            if (this.history.applied !== windowEvents) {
              // Input arrived (replayed from the log): the guest has something to do again.
              windowClock = m.clock; windowBusy = this.busy(); windowEvents = this.history.applied;
            }
            if (goal.untilBusy === undefined && this.history.nextEventClock() === Infinity && m.clock - windowClock >= IDLE_WINDOW) {
              // A scripted session has no keyboard: a guest that only idles waits for input
              // (unless the history holds input still to come).
              if (this.busy() - windowBusy < IDLE_BUSY && m.canWake() && m.cpu.state[S.HALTED]) return { kind: 'waiting' };
              windowClock = m.clock; windowBusy = this.busy();
            }
            continue;
          }
          case 'breakpoint': case 'watchpoint': case 'exception': {
            const stop = this.evaluateStop(r, goal);
            if (stop) return stop;
            if (goal.untilBusy !== undefined && this.busy() >= goal.untilBusy) return { kind: 'done' };
            continue;
          }
          case 'idle':
            if (inter && m.canWake()) { await inter.wait(); continue; }
            return { kind: 'idle' };
          case 'poweroff': this.ended = r; return { kind: 'poweroff', code: r.code };
          case 'triple-fault': this.ended = r; return { kind: 'triple-fault' };
          case 'halted': this.ended = r; return { kind: 'halted' };
        }
      }
    } finally {
      inter?.end();
      this.sync();
    }
  }

  // ---- running backward -----------------------------------------------------------------------

  /**
   * Back to the power-on of the machine (the start of the history), to run it again as if for
   * the first time: its output is shown again, and how it ends is forgotten (gdb's `run` again).
   */
  restart(): void {
    this.goTo(this.history.first.busy);
    this.shownUpTo = this.m.clock;
    this.ended = null;
  }

  /** A snapshot buffer for reverse-step and reverse-next's windows. */
  private scratch: Snapshot | null = null;

  /** Goes to a busy count from a snapshot of the history at or before it, silently. */
  private goFrom(snap: Snap, busy: number): void {
    this.mode = 'replay';
    this.moves++;
    try {
      this.sync();
      this.history.restore(snap);
      this.history.runToBusy(busy);
    } finally {
      this.mode = 'live';
    }
  }

  /** Goes back (or forward) to a busy count in the recorded history, silently. */
  goTo(busy: number): void {
    this.mode = 'replay';
    this.moves++;
    try {
      this.sync();
      this.history.goTo(busy);
    } finally {
      this.mode = 'live';
    }
  }

  /**
   * reverse-continue: the latest moment before now at which a forward `continue` would have
   * stopped — found by re-running each interval between snapshots, newest first.
   */
  reverseContinue(): Stop | null {
    const h = this.history;
    const cur = this.busy();
    let hi = cur;
    for (let i = h.snaps.length - 1; i >= 0; i--) {
      const s = h.snaps[i];
      if (s.busy >= hi) continue;
      const found = this.scan(s, hi);
      if (found) {
        this.goTo(found.busy);
        if (found.stop.kind === 'watch') found.stop.bp.old = found.stop.value;
        return found.stop;
      }
      hi = s.busy;
    }
    this.goTo(h.first.busy);
    return null;
  }

  /** Re-runs from a snapshot up to busy count `hi` and returns the last stop on the way. */
  private scan(s: ReturnType<History['snapFor']>, hi: number): { busy: number; stop: Stop } | null {
    const h = this.history, m = this.m;
    this.mode = 'scan';
    let last: { busy: number; stop: Stop } | null = null;
    try {
      this.sync();
      h.restore(s);
      this.scanWatch = new Map(this.bps.filter((b) => b.type.endsWith('watchpoint')).map((b) => [b.num, this.watchValue(b)]));
      while (this.busy() < hi && !m.stopReason) {
        const r = m.run(h.bound(h.busyBudget(hi - this.busy())));
        this.afterRun();
        if (r.kind === 'idle') break;
        if ((r.kind === 'breakpoint' || r.kind === 'watchpoint' || r.kind === 'exception') && this.busy() < hi) {
          const stop = this.evaluateStop(r, {});
          if (stop) last = { busy: this.busy(), stop };
        }
      }
    } finally {
      this.scanWatch = null;
      this.mode = 'live';
    }
    return last;
  }

  /**
   * The latest moment before now at which the instruction at one of `addrs` was about to run
   * with `pred` true (re-running the intervals between snapshots, newest first, with only those
   * breakpoints), or null when the recorded history has none.
   */
  private scanBack(addrs: number[], pred: () => boolean): number | null {
    const h = this.history, m = this.m;
    let hi = this.busy();
    for (let i = h.snaps.length - 1; i >= 0; i--) {
      const s = h.snaps[i];
      if (s.busy >= hi) continue;
      let last: number | null = null;
      this.mode = 'replay';
      try {
        this.sync();
        h.restore(s);
        m.cpu.breakpoints.clear();
        for (const a of addrs) m.cpu.breakpoints.add(a >>> 0);
        while (this.busy() < hi && !m.stopReason) {
          const r = m.run(h.bound(h.busyBudget(hi - this.busy())));
          this.afterRun();
          if (r.kind === 'idle') break;
          if (r.kind === 'breakpoint' && this.busy() < hi && pred()) last = this.busy();
        }
      } finally {
        this.mode = 'live';
        this.sync();
      }
      if (last !== null) return last;
      hi = s.busy;
    }
    return null;
  }

  /**
   * Re-runs history from snapshot `s` up to busy count `hi`, silently, calling `visit` before each
   * instruction (the machine single-steps: slow, so only over short stretches).
   */
  private walkHistory(s: Snap, hi: number, visit: (busy: number, eip: number) => void): void {
    const h = this.history, m = this.m;
    const listener = (eip: number) => visit(m.clock - m.idleClock, eip >>> 0);
    const step = hooks(m).step;
    this.mode = 'replay';
    step.add(listener);
    try {
      this.sync();
      h.restore(s);
      while (this.busy() < hi && !m.stopReason) {
        const r = m.run(h.bound(h.busyBudget(hi - this.busy())));
        this.afterRun();
        if (r.kind === 'idle') break;
      }
    } finally {
      step.remove(listener);
      this.mode = 'live';
    }
  }

  /**
   * Classifies moments for reverse-step and reverse-next: the source line a moment is in, as a
   * key that also tells the function's frame apart (its EBP) — or null for moments that do not
   * count (another address space or ring, code without lines, a prologue; for `over`, any other
   * function or frame than the current one).
   */
  private lineClassifier(over: boolean): (eip: number) => { key: number; start: boolean } | null {
    const m = this.m, st = m.cpu.state, regs = m.cpu.regs;
    const cr3 = st[S.CR3] >>> 0, cpl = st[S.CPL];
    const focus = this.focusProgram();
    const top = this.topFrame();
    const f0 = top.func ? top.func.addr : -1, ebp0 = regs[5] >>> 0;
    // The entry of this activation (for `over`): its first instruction, with the stack pointer on
    // the return address. Nothing before it is in this frame.
    const base = top.func ? argBase(this, top) : null;
    const entryEsp = base !== null ? (base - 4) >>> 0 : -1;
    const info = new Map<number, { fn: number; compiled: boolean; line: string; start: boolean } | null>();
    const keys = new Map<string, number>();
    const lookup = (pc: number) => {
      let x = info.get(pc);
      if (x !== undefined) return x;
      const p = pc >= KERNBASE || this.kernel.sectionAt(pc) ? this.kernel : focus && focus.sectionAt(pc) ? focus : null;
      const fn = p?.functionAt(pc);
      const row = p?.lineAt(pc);
      x = p && fn && row && pc >= p.afterPrologue(fn)
        ? { fn: fn.addr, compiled: p.isCompiled(fn), line: `${row.file}:${row.line}`, start: p.isLineStart(pc) }
        : null;
      info.set(pc, x);
      return x;
    };
    return (eip) => {
      if ((st[S.CR3] >>> 0) !== cr3 || st[S.CPL] !== cpl) return null;
      if (over && eip === f0 && (regs[4] >>> 0) === entryEsp) return ENTRY;
      const x = lookup(eip);
      if (!x) return null;
      const ebp = x.compiled ? regs[5] >>> 0 : 0;
      if (over && (x.fn !== f0 || (x.compiled && ebp !== ebp0))) return null;
      const k = `${x.fn}/${ebp}/${x.line}`;
      let key = keys.get(k);
      if (key === undefined) { key = keys.size; keys.set(k, key); }
      return { key, start: x.start };
    };
  }

  /**
   * reverse-step (`over` false) and reverse-next (`over` true): back to the start of the source
   * line before this one — or of this one when the pc is in its middle — as gdb goes: the moments
   * that count (lineClassifier) form runs of one line each; the target is the first moment of the
   * run before the current one (of the current run when it did not begin here), passing over runs
   * that began in the middle of their line (a return from a call). 'start' at the start of the
   * history; 'limit' (the machine stays) when the line began more than REVERSE_LINE_LIMIT
   * instructions ago.
   */
  reverseLine(over: boolean): 'ok' | 'start' | 'limit' {
    const h = this.history, m = this.m;
    const P = this.busy();
    if (P <= h.first.busy) return 'start';
    const classify = this.lineClassifier(over);
    const here = classify(m.cpu.eip >>> 0);
    // At the very entry of the function (reverse-next): its call is the moment before.
    if (here === ENTRY) { this.goTo(P - 1); return 'ok'; }
    // Windows before P, growing: each reached at full speed, then walked one instruction at a time.
    for (let width = 10_000; ; width = Math.min(width * 4, REVERSE_LINE_LIMIT)) {
      const lo = Math.max(h.first.busy, P - width);
      this.goTo(lo);
      // A snapshot of the window's start (in a buffer kept for these), to come back to the target from.
      const from: Snap = { clock: m.clock, busy: this.busy(), canonical: true, applied: h.applied, state: m.snapshot(this.scratch ?? undefined) };
      this.scratch = from.state;
      const busy: number[] = [], key: number[] = [], start: boolean[] = [];
      this.walkHistory(from, P, (b, eip) => {
        if (b >= P || (busy.length && busy[busy.length - 1] === b)) return;
        const c = classify(eip);
        if (c) { busy.push(b); key.push(c.key); start.push(c.start); }
      });
      if (here) { busy.push(P); key.push(here.key); start.push(here.start); }
      const runStart = (i: number) => { while (i > 0 && key[i - 1] === key[i]) i--; return i; };
      let j = -1;
      const n = busy.length;
      if (n) {
        if (here) {
          const cur = runStart(n - 1);
          j = cur < n - 1 ? cur : n - 2 >= 0 ? runStart(n - 2) : -1;
        } else {
          j = runStart(n - 1);
        }
        while (j > 0 && !start[j] && key[j - 1] !== ENTRY.key) j = runStart(j - 1);
      }
      if (j >= 0 && key[j] === ENTRY.key) {
        // No earlier line in this frame (reverse-next from its first line): back into the
        // caller, to the call, as gdb goes.
        const t = busy[j] > h.first.busy ? busy[j] - 1 : busy[j];
        if (t >= from.busy) this.goFrom(from, t); else this.goTo(t);
        return 'ok';
      }
      // A run that begins with the window may have begun before it: look further back.
      const atStart = lo === h.first.busy;
      if (j > 0 || (j === 0 && atStart)) { this.goFrom(from, busy[j]); return 'ok'; }
      if (atStart) { this.goTo(h.first.busy); return 'start'; }
      if (width >= REVERSE_LINE_LIMIT) {
        this.goTo(j === 0 ? busy[0] : P);
        return j === 0 ? 'ok' : 'limit';
      }
    }
  }

  /** The addresses of the call (or `int`) instructions that would end just before `addr`. */
  callsBefore(addr: number, mnemonic: 'call' | 'int'): number[] {
    const found: number[] = [];
    for (let len = 1; len <= 12; len++) {
      const a = (addr - len) >>> 0;
      const d = this.decodeAt(a);
      if (d && d.length === len && d.form.mnemonic === mnemonic) found.push(a);
    }
    return found;
  }

  /**
   * reverse-nexti: one unit back — or, when that lands in a function (or a system call) that
   * returned to here, back to the call (the `int`) itself, as nexti went over it. False at the
   * start of the history.
   */
  reverseNexti(): boolean {
    const P = this.busy();
    if (P <= this.history.first.busy) return false;
    const pc = this.m.cpu.eip >>> 0, esp = this.m.cpu.regs[4] >>> 0, cr3 = this.m.cpu.state[S.CR3] >>> 0;
    this.goTo(P - 1);
    const d = this.decodeAt(this.m.cpu.eip >>> 0);
    const mn = d?.form.mnemonic;
    if (!d || (mn !== 'ret' && mn !== 'iretd')) return true;
    const at = this.callsBefore(pc, mn === 'ret' ? 'call' : 'int');
    if (!at.length) return true;
    const imm = mn === 'ret' && d.operands[0]?.type === 'imm' ? d.operands[0].value : 0;
    const before = (esp - imm) >>> 0;
    const t = this.scanBack(at, () => (this.m.cpu.regs[4] >>> 0) === before && (this.m.cpu.state[S.CR3] >>> 0) === cr3);
    if (t !== null) this.goTo(t);
    return true;
  }

  /**
   * reverse-finish: back to the call of the selected frame's function (the moment its caller was
   * about to run the call). Null when the recorded history does not reach it.
   */
  reverseFinish(calls: number[], esp: number): boolean {
    const cr3 = this.m.cpu.state[S.CR3] >>> 0;
    const t = this.scanBack(calls, () => (this.m.cpu.regs[4] >>> 0) === esp && (this.m.cpu.state[S.CR3] >>> 0) === cr3);
    if (t === null) { this.goTo(this.history.first.busy); return false; }
    this.goTo(t);
    return true;
  }

  // ---- describing where the machine is --------------------------------------------------------

  /** The frame line: `handlePageFault (tf=0x..., user=true) at kernel/trap.ts:111`. */
  frameText(fr: Frame, withAddress: 'auto' | 'always' | 'never' = 'auto'): string {
    if (fr.trap) return trapText(fr.trap);
    const name = fr.func ? fr.func.name : '??';
    const args = fr.func ? frameArgs(this, fr) : '';
    const line = this.lineOf(fr.pc, fr.caller);
    const showAddr = withAddress === 'always' || (withAddress === 'auto' && (!line || !line.start || fr.caller));
    const prefix = showAddr ? `${hex8(fr.pc)} in ` : '';
    return `${prefix}${name} (${args})${line ? ` at ${line.file}:${line.line}` : ''}`;
  }

  /** `111\t  const va = rcr2();`, or '' when the source cannot be read. */
  sourceText(addr: number, caller = false): string {
    const l = this.lineOf(addr, caller);
    if (!l) return '';
    const text = sourceLine(l.file, l.line);
    return text === null ? '' : `${l.line}\t${text}`;
  }

  /** Frame 0. */
  topFrame(): Frame {
    return unwind(this, 1)[0];
  }

  /** The selected frame's level (`frame N`, `up`, `down`): 0 once the machine has moved. */
  selectedLevel(): number {
    return this.selected.moves === this.moves ? this.selected.level : 0;
  }

  selectedFrame(): Frame {
    const level = this.selectedLevel();
    const frames = unwind(this, level + 1);
    return frames[Math.min(level, frames.length - 1)];
  }

  /** Selects frame `level` (clamped to the frames there are); returns it. */
  selectFrame(level: number): Frame {
    const frames = unwind(this, level + 1);
    const fr = frames[Math.min(level, frames.length - 1)];
    this.selected = { level: fr.level, moves: this.moves };
    return fr;
  }

  /** The location report of a stop: the frame line and the source line. */
  where(): string {
    const fr = this.topFrame();
    const src = this.sourceText(fr.pc);
    return this.frameText(fr) + '\n' + (src ? src + '\n' : '');
  }

  /**
   * The location after a step (gdb's stepi): within the function it started in, only the line
   * (with the address when it is not the start of a line); elsewhere the frame line too.
   */
  stepWhere(startFunc: Sym | null): string {
    const fr = this.topFrame();
    const line = this.lineOf(fr.pc, false);
    if (line && fr.func && startFunc && fr.func.addr === startFunc.addr) {
      const src = this.sourceText(fr.pc);
      const text = src || `${line.line}\tin ${line.file}`;
      return (line.start ? text : `${hex8(fr.pc)}\t${text}`) + '\n';
    }
    if (!line) return `${hex8(fr.pc)} in ${fr.func ? fr.func.name : '??'} (${fr.func ? frameArgs(this, fr) : ''})\n`;
    return this.where();
  }

  formatValue(v: Value, fmt: string | null): string {
    return formatValue(v, fmt, (a) => this.angle(a));
  }

  /** Reports a stop as gdb does. */
  report(stop: Stop, startFunc: Sym | null): string {
    switch (stop.kind) {
      case 'done': return this.stepWhere(startFunc);
      case 'breakpoint': {
        const b = stop.bp;
        b.hits++;
        const text = `\n${b.temp ? 'Temporary breakpoint' : 'Breakpoint'} ${b.num}, ${this.frameText(this.topFrame())}\n`;
        const src = this.sourceText(this.m.cpu.eip);
        if (b.temp) this.deleteBreakpoint(b);
        return text + (src ? src + '\n' : '');
      }
      case 'watch': {
        const b = stop.bp;
        b.hits++;
        const show = (x: number | null) => (x === null ? '<unreadable>' : this.formatValue({ v: x, type: b.vtype }, null));
        const head = b.type === 'hw watchpoint' ? 'Hardware watchpoint' : b.type === 'read watchpoint' ? 'Hardware read watchpoint' : 'Hardware access (read/write) watchpoint';
        const body = stop.write && b.type !== 'read watchpoint' ? `Old value = ${show(stop.old)}\nNew value = ${show(stop.value)}\n` : `Value = ${show(stop.value)}\n`;
        return `\n${head} ${b.num}: ${b.expr}\n\n${body}${this.where()}`;
      }
      case 'catch': {
        const b = stop.bp;
        b.hits++;
        const e = stop.info;
        let what: string;
        if (e.vector === 0x80 && b.syscall !== null) {
          what = `call to syscall ${this.syscalls.get(stop.eax) ?? stop.eax}`;
        } else {
          const code = e.code >= 0 ? `, error ${hex(e.code)}` : '';
          const cr2 = e.vector === 14 ? `, cr2 ${hex8(e.cr2)}` : '';
          what = `${vectorName(e.vector)}${code}${cr2} at ${hex8(e.eip)}${this.angle(e.eip) ? ' ' + this.angle(e.eip) : ''}`;
        }
        return `\nCatchpoint ${b.num} (${what}), ${this.frameText(this.topFrame())}\n` + (this.sourceText(this.m.cpu.eip) ? this.sourceText(this.m.cpu.eip) + '\n' : '');
      }
      case 'poweroff':
        this.convenience.set('_exitcode', { v: stop.code, type: T.int });
        return stop.code === 0 ? '[Inferior 1 (toy86) exited normally]\n' : `[Inferior 1 (toy86) exited with code ${stop.code.toString(8).padStart(2, '0')}]\n`;
      case 'triple-fault': {
        const e = this.m.lastException;
        return `\nThe machine stopped: triple fault (a fault while delivering #DF; the last exception was vector ${e.vector} at ${hex8(e.eip)}).\n`;
      }
      case 'halted': return `\nThe machine stopped: the CPU halted with interrupts disabled at ${hex8(this.m.cpu.eip)}.\n`;
      case 'idle': return `\nThe CPU is halted and nothing can wake it (${hex8(this.m.cpu.eip)}, IF=${(this.m.cpu.state[S.FLAGS] & FL.IF) ? 1 : 0}).\n`;
      case 'limit': return `\nStopped after ${this.m.clock} instructions (--max-insns).\n${this.where()}`;
      case 'interrupt': return `\n${stop.why ?? 'Program received signal SIGINT, Interrupt.'}\n${this.where()}`;
      case 'syscall-return': {
        const b = stop.bp;
        b.hits++;
        const src = this.sourceText(this.m.cpu.eip);
        return `\nCatchpoint ${b.num} (returned from syscall ${this.syscalls.get(stop.num) ?? stop.num}), ${this.frameText(this.topFrame())}\n` + (src ? src + '\n' : '');
      }
      case 'waiting': return `\nThe guest is idle, waiting for console input (type it with: send "TEXT\\r").\n${this.where()}`;
      case 'not-running': return 'The program is not being run.\n';
    }
  }

  /** The exit code of `toy86 debug` (SPEC §5): how the guest's run ended, or 0. */
  exitCode(): number {
    const r = this.ended;
    if (!r) return 0;
    switch (r.kind) {
      case 'poweroff': return r.code;
      case 'triple-fault': return 251;
      case 'halted': return 252;
      case 'limit': return 124;
      default: return 0;
    }
  }

  /** Decodes the instruction at an address (for nexti and disassembly). */
  decodeAt(addr: number) {
    return decodeAt(this, addr);
  }
}

/** Prints a value as gdb's `print` does, with an optional /FMT letter. */
export function formatValue(v: Value, fmt: string | null, angle: (a: number) => string): string {
  const t = v.type;
  const size = Math.max(1, Math.min(4, t.size || 4));
  const bits = size * 8;
  const u = bits === 32 ? v.v >>> 0 : v.v & ((1 << bits) - 1);
  const withSym = (a: number) => { const s = angle(a); return s ? `${hex(a)} ${s}` : hex(a); };
  if (t.kind === 'void' && !fmt) return 'void';
  // A structure (`print *tf`): gdb's `{eax = 0, ecx = 1, ...}`, the format applied to each field.
  if (t.kind === 'struct') return `{${(v.fields ?? []).map((f) => `${f.name} = ${formatValue(f.value, fmt, angle)}`).join(', ')}}`;
  switch (fmt) {
    case 'x': return hex(u);
    case 'o': return u === 0 ? '0' : '0' + u.toString(8);
    case 't': return u.toString(2);
    case 'd': return String(fit(u, { kind: 'int', size }));
    case 'u': return String(u);
    case 'c': { const c = u & 0xff; return `${fit(c, T.char)} '${charEsc(c)}'`; }
    case 'a': return withSym(u);
    case 'z': return '0x' + u.toString(16).padStart(size * 2, '0');
    default: break;
  }
  switch (t.kind) {
    case 'bool': return v.v ? 'true' : 'false';
    case 'char': return `${fit(v.v, T.char)} '${charEsc(v.v & 0xff)}'`;
    case 'uint': return String(u);
    case 'usize': return withSym(u);
    case 'ptr': return `(${t.name ?? 'void *'}) ${withSym(u)}`;
    case 'code': return v.code ? `{${v.code}} ${withSym(u)}` : `(void (*)()) ${withSym(u)}`;
    case 'eflags': return eflagsText(u);
    default: return String(fit(v.v, t));
  }
}

function charEsc(c: number): string {
  const m: Record<number, string> = { 0: '\\000', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 27: '\\033', 39: "\\'", 92: '\\\\' };
  if (m[c]) return m[c];
  return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0');
}

/** `[ PF ZF IF ]`: EFLAGS decoded, as gdb prints it. */
export function eflagsText(f: number): string {
  const names: [number, string][] = [[0x1, 'CF'], [0x4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x100, 'TF'], [0x200, 'IF'], [0x400, 'DF'], [0x800, 'OF']];
  const set = names.filter(([b]) => f & b).map(([, n]) => n);
  const iopl = (f >> 12) & 3;
  if (iopl) set.push(`IOPL=${iopl}`);
  return `[ ${set.join(' ')}${set.length ? ' ' : ''}]`;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}


export { MachineError };
