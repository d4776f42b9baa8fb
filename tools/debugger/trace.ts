// Tracing (issue 7; SPEC §5 `--trace SPEC`, §6 `trace on|off KIND`): one line per event, written
// through a callback, for the console's `trace on` and for `toy86 boot|run --trace`. docs/cli.md
// ("Tracing") documents the line formats; tests/trace/ holds golden lines of each kind.
//
// Every line starts with the event's time and kind:
//
//   COUNT KIND cpl=N ...
//
// COUNT is the machine's clock (SPEC §2.7: one unit per retired instruction and one per delivered
// interrupt or exception) at the instruction the event belongs to: an `exec` line carries the
// count before its instruction runs, and everything that instruction causes (its I/O, its TLB
// fills, the exception it raises) carries the same count. A hardware interrupt carries the count
// at which it was delivered, the handler's first instruction the next one.
//
// Kinds:
//   exec   every instruction, before it runs (address, <symbol+offset>, disassembly). Puts the
//          machine in single-step mode (Machine.onStep): slow, as in any emulator.
//   int    every exception, INT n and hardware interrupt: vector, name, error code, CR2 for #PF,
//          and the return EIP the CPU pushed (the faulting instruction for a fault, the next
//          instruction for INT n, the interrupted one for a hardware interrupt) with that
//          instruction disassembled (for INT n: `after` the INT instruction, disassembled).
//   pf     page faults only (the int line of vector 14); subsumed by int.
//   io     every port access: in/out, port, size in bits, value, and the IN/OUT instruction
//          (address, <symbol+offset>, disassembly).
//   tlb    fills (a page walk that loaded an entry, with its frame and rights), evictions (a
//          full set made room), flushes (CR3 loads: non-global entries; `flush all`: every
//          entry) and INVLPG, each with its instruction (for a fill or an eviction, the one
//          whose access or fetch missed: the interpreter's slow path stores its EIP).
//   pages  the page-reference recorder for `toy86 vmlab` (below).
//
// Only the hooks a kind needs are installed, and only while tracing: with no trace on, the
// machine runs as fast as ever. Hooks already installed by others (the debugger) are kept and
// called first; several traces may run at once and stop in any order.
//
// The page-reference recorder (`pages`). The interpreter does not report each memory access (that
// would cost the fast path), so the recorder sees what the hardware itself sees: page walks. It
// records
//   - every TLB fill of a user page (below 0xC0000000) while CPL = 3: the first reference to a
//     page after its translation left the TLB (or was never in it), and a first write to a clean
//     page (which walks again to set D);
//   - every not-present #PF on a user address, at any CPL (a system call's copy to a user buffer
//     included), marked `fault`: each is a page the kernel brought in.
// A reference is a page of an address space, named by CR3; a reference equal to the one just
// recorded is dropped (it changes no policy's decisions), a fault never is.
// Limits: references that hit in the TLB are not seen, so the string is the TLB-miss stream of
// the user pages — the same information the kernel's policies get, since the CPU sets the A bit
// only on a walk; accesses the kernel makes to user pages in system calls are seen only when they
// fault; a page directory reused by a later process makes its pages look like the earlier one's;
// pages shared by copy-on-write count once per address space.
// When the trace stops, a `vmstat` line gives the kernel's own counters read from its memory
// through its symbols (toy86's kernel only): the policy, pgfault, pgmajfault, pswpin, pswpout,
// pgevict, and user-frames-max, the most frames that held user pages at a not-present fault (the
// frame table sampled there; with more than 4 MiB of RAM at every nframes/1024-th fault) — the
// frame count to replay the trace with.

import type { Machine } from '../../emulator/machine.js';
import { S } from '../../emulator/cpu/state.js';
import type { ExceptionInfo } from '../../emulator/cpu/cpu.js';
import { decode } from '../../emulator/isa/encoding.js';
import { formatInstruction, hex8 } from '../../emulator/isa/disasm.js';
import { POLICIES } from './kernelviews.js';
import { SHF_ALLOC, STT_FILE, STT_SECTION, STT_OBJECT, type ElfFile } from '../asm/elf.js';
import { ToolError } from '../asm/index.js';

export const TRACE_KINDS = ['exec', 'int', 'pf', 'io', 'tlb', 'pages'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** A trace spec that is not a comma-separated list of kinds. */
export class TraceSpecError extends Error {}

/** Parses `exec,int` (or `exec int`) into kinds; throws TraceSpecError naming a bad one. */
export function parseTraceSpec(spec: string): TraceKind[] {
  const kinds: TraceKind[] = [];
  for (const word of String(spec).split(/[\s,]+/).filter(Boolean)) {
    const k = word.toLowerCase();
    if (k === 'all') { for (const a of TRACE_KINDS) if (!kinds.includes(a)) kinds.push(a); continue; }
    if (!(TRACE_KINDS as readonly string[]).includes(k)) {
      throw new TraceSpecError(`unknown trace kind '${word}' (kinds: ${TRACE_KINDS.join(', ')}, all)`);
    }
    if (!kinds.includes(k as TraceKind)) kinds.push(k as TraceKind);
  }
  if (kinds.length === 0) throw new TraceSpecError(`give one or more trace kinds: ${TRACE_KINDS.join(', ')}, all`);
  return kinds;
}

// ---- symbols -------------------------------------------------------------------------------

/**
 * `<symbol+0x10>` (or `<symbol>`) for addresses inside an allocated section of one of the ELF
 * files, '' elsewhere. The nearest symbol at or below the address names it, as objdump's
 * SymbolMap does (at one address, a local label wins over the global it follows), leaving out
 * the labels toy86 cc makes inside functions (`name.L12`), as gdb names code by function. A binary
 * search, so that an exec trace can afford it on every instruction.
 */
export function symbolizer(elfs: (ElfFile | null | undefined)[]): (addr: number) => string {
  const syms: { addr: number; name: string; local: number }[] = [];
  const ranges: [number, number][] = [];
  for (const elf of elfs) {
    if (!elf) continue;
    for (const sec of elf.sections) if (sec.flags & SHF_ALLOC && sec.size > 0) ranges.push([sec.addr >>> 0, (sec.addr >>> 0) + sec.size]);
    for (const s of elf.symbols) {
      if (!s.name || s.type === STT_FILE || s.type === STT_SECTION || s.shndx === 0 || s.shndx >= 0xff00) continue;
      // The compiler's own labels (`readi.L44`, `readi.L45_c`): a function is named by itself.
      if (/\.L\d+(_\w+)?$/.test(s.name)) continue;
      syms.push({ addr: s.value >>> 0, name: s.name, local: s.name.includes('.') ? 1 : 0 });
    }
  }
  syms.sort((a, b) => a.addr - b.addr || a.local - b.local);
  const addrs = Float64Array.from(syms, (s) => s.addr);
  const inside = (a: number) => ranges.some(([lo, hi]) => a >= lo && a < hi);
  return (addr: number) => {
    const a = addr >>> 0;
    if (!inside(a)) return '';
    // The last symbol with addr <= a.
    let lo = 0, hi = addrs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (addrs[mid] <= a) lo = mid + 1; else hi = mid;
    }
    if (lo === 0) return '';
    const s = syms[lo - 1];
    const off = a - s.addr;
    return off === 0 ? `<${s.name}>` : `<${s.name}+0x${off.toString(16)}>`;
  };
}

// ---- hooks shared by every trace on a machine ----------------------------------------------

type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * One hook slot of the machine (a property holding a callback or null) fanned out to several
 * listeners. The slot is set while there are listeners and given back when the last one goes;
 * a callback that was there before is kept and called first.
 */
class Fan<A extends unknown[]> {
  private readonly listeners: Listener<A>[] = [];
  private prev: Listener<A> | null = null;
  private readonly dispatch: Listener<A>;

  constructor(private readonly obj: Record<string, unknown>, private readonly key: string) {
    const ls = this.listeners;
    this.dispatch = (...args: A) => {
      if (this.prev) this.prev(...args);
      for (let i = 0; i < ls.length; i++) ls[i](...args);
    };
  }

  add(l: Listener<A>): void {
    if (this.listeners.length === 0) {
      const cur = this.obj[this.key] as Listener<A> | null;
      this.prev = cur === this.dispatch ? null : cur;
      this.obj[this.key] = this.dispatch;
    }
    this.listeners.push(l);
  }

  remove(l: Listener<A>): void {
    const i = this.listeners.indexOf(l);
    if (i < 0) return;
    this.listeners.splice(i, 1);
    if (this.listeners.length === 0) {
      // Someone may have replaced the slot meanwhile: theirs stays.
      if (this.obj[this.key] === this.dispatch) this.obj[this.key] = this.prev;
      this.prev = null;
    }
  }
}

interface Hooks {
  step: Fan<[number]>;
  interrupt: Fan<[number]>;
  exception: Fan<[ExceptionInfo]>;
  io: Fan<[number, number, number, boolean]>;
  mmu: Fan<['fill' | 'evict' | 'flush' | 'invlpg', number]>;
}

const hooksOf = new WeakMap<Machine, Hooks>();

/** The machine's hooks, shared by every listener (traces, `toy86 web`'s statistics). */
export function hooks(m: Machine): Hooks {
  let h = hooksOf.get(m);
  if (!h) {
    const rec = (o: object) => o as unknown as Record<string, unknown>;
    h = {
      step: new Fan(rec(m), 'onStep'),
      interrupt: new Fan(rec(m), 'onInterrupt'),
      exception: new Fan(rec(m.cpu), 'onException'),
      io: new Fan(rec(m.io), 'onAccess'),
      mmu: new Fan(rec(m.cpu.mmu), 'onEvent'),
    };
    hooksOf.set(m, h);
  }
  return h;
}

// ---- reading the guest without side effects ------------------------------------------------

const KERNEL_HALF = 0xc0000000;

/** A 32-bit word at a virtual address under the current CR3, or null when it is not mapped. */
function readVirt32(m: Machine, vaddr: number): number | null {
  const p = m.translate(vaddr);
  if (p === null) return null;
  if ((p & 0xfff) > 0xffc) {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const q = m.translate((vaddr + i) >>> 0);
      if (q === null) return null;
      v |= m.readPhys8(q) << (8 * i);
    }
    return v;
  }
  return m.readPhys32(p);
}

/** Reads guest bytes at virtual addresses without side effects (-1 where nothing is mapped). */
function byteReader(m: Machine): (i: number) => number {
  let page = -1, phys = 0;
  return (i: number): number => {
    const a = i >>> 0;
    const pg = a & ~0xfff;
    if (pg !== page) {
      const p = m.translate(pg);
      if (p === null) return -1;
      page = pg; phys = p;
    }
    const q = phys + (a & 0xfff);
    return q < m.memSize ? m.mem8[q] : 0xff;
  };
}

/** The instruction at a virtual address, disassembled ('(page not mapped)' / '(bad)'). */
function disassembleAt(m: Machine, eip: number, symbolize: (a: number) => string): string {
  const byteAt = byteReader(m);
  if (byteAt(eip) < 0) return '(page not mapped)';
  const d = decode(byteAt, eip >>> 0);
  return d ? formatInstruction(d, eip >>> 0, (t) => symbolize(t) || null) : '(bad)';
}

/**
 * The INT n or INT3 instruction that ends at `next` and raises `vector`, or -1. A software
 * interrupt pushes the address of the instruction after it (a trap); a fault pushes the faulting
 * instruction's own address, before which no such instruction ends.
 */
function softwareIntBefore(m: Machine, next: number, vector: number): number {
  const byteAt = byteReader(m);
  for (let k = 1; k <= 15; k++) {
    const a = (next - k) >>> 0;
    if (byteAt(a) < 0) continue;
    const d = decode(byteAt, a);
    if (!d || d.length !== k) continue;
    const mn = d.form.mnemonic;
    if (mn === 'int3' && vector === 3) return a;
    if (mn === 'int' && d.operands[0]?.type === 'imm' && (d.operands[0].value & 0xff) === vector) return a;
  }
  return -1;
}

const VECTOR_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF', 10: '#TS', 11: '#NP',
  12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC', 19: '#XM',
};

/** `not-present user write` and the like, for a #PF error code. */
export function pfCodeText(code: number): string {
  const access = code & 0x10 ? 'fetch' : code & 2 ? 'write' : 'read';
  return `${code & 1 ? 'protection' : 'not-present'} ${code & 4 ? 'user' : 'supervisor'} ${access}`;
}

/**
 * The CPL an exception or interrupt came from. After a delivery the frame on the handler's stack
 * holds the old CS (whose low bits are the old CPL); a delivery that failed (escalating to #DF)
 * left the state as it was.
 */
function fromCpl(m: Machine, vector: number, hasCode: boolean): number {
  const st = m.cpu.state;
  const gate = (st[S.IDT_BASE] + vector * 8) >>> 0;
  const lo = readVirt32(m, gate), hi = readVirt32(m, gate + 4);
  if (lo !== null && hi !== null && (((lo & 0xffff) | (hi & 0xffff0000)) >>> 0) === st[S.EIP] >>> 0) {
    const cs = readVirt32(m, (m.cpu.regs[4] + (hasCode ? 8 : 4)) >>> 0);
    if (cs !== null) return cs & 3;
  }
  return st[S.CPL];
}

const hex = (v: number, digits: number) => `0x${(v >>> 0).toString(16).padStart(digits, '0')}`;

// ---- the kernel's counters (for the pages trace's last line) -------------------------------

/** A kernel variable (a 4-byte data symbol with this exact name, defined once), or null. */
function kernelWord(m: Machine, name: string): number | null {
  const elf = m.kernel;
  if (!elf) return null;
  const found = elf.symbols.filter((s) => s.name === name && s.type === STT_OBJECT && s.shndx !== 0);
  if (found.length !== 1) return null;
  return readKernel32(m, found[0].value >>> 0);
}

/** Reads the kernel's memory at a link address, through its load address (p_paddr). */
function readKernel32(m: Machine, vaddr: number): number | null {
  const elf = m.kernel;
  if (!elf) return null;
  // The segment at or below the address gives the offset from link to load address.
  let best: { vaddr: number; paddr: number } | null = null;
  for (const seg of elf.segments) {
    const v = seg.vaddr >>> 0;
    if (v <= vaddr && (!best || v > best.vaddr)) best = { vaddr: v, paddr: seg.paddr >>> 0 };
  }
  if (!best) return null;
  const p = vaddr - best.vaddr + best.paddr;
  return p + 4 <= m.memSize ? m.readPhys32(p) >>> 0 : null;
}

/** Frames holding user pages now, from toy86's frame table (kernel/kalloc.ts), or null. */
function userFrames(m: Machine, layout: { table: number; nframes: number } | null): number | null {
  if (!layout) return null;
  // 16-byte records after the kernel's image; flags (FRAME_USER = 4) in the fourth word.
  const m32 = m.mem32;
  let n = 0;
  for (let i = 0, w = (layout.table >>> 2) + 3; i < layout.nframes; i++, w += 4) if (m32[w] & 4) n++;
  return n;
}

function frameTable(m: Machine): { table: number; nframes: number } | null {
  const elf = m.kernel;
  const end = elf?.symbols.find((s) => s.name === 'kernel_end');
  const nframes = kernelWord(m, 'nframes');
  if (!elf || !end || nframes === null || nframes * 4096 !== m.memSize) return null;
  const virt = (((end.value >>> 0) + 0xfff) & ~0xfff) >>> 0;
  let best: { vaddr: number; paddr: number } | null = null;
  for (const seg of elf.segments) {
    const v = seg.vaddr >>> 0;
    if (v <= virt && (!best || v > best.vaddr)) best = { vaddr: v, paddr: seg.paddr >>> 0 };
  }
  if (!best) return null;
  const table = (virt >>> 0) - best.vaddr + best.paddr;
  if (table + nframes * 16 > m.memSize) return null;
  // Frame 0 is reserved (kernel/kalloc.ts: pid 0, FRAME_RESERVED).
  if (m.mem32[(table >>> 2) + 3] !== 1 || m.mem32[(table >>> 2) + 1] !== 0) return null;
  return { table, nframes };
}


/** The kernel's counters (kernel/vm.ts, kernel/swap.ts) as `name=value` words; '' when none. */
export function kernelCounters(m: Machine): string {
  const words: string[] = [];
  const policy = kernelWord(m, 'policy');
  if (policy !== null) words.push(`policy=${POLICIES[policy] ?? policy}`);
  const minflt = kernelWord(m, 'minflt_total'), majflt = kernelWord(m, 'majflt_total');
  if (minflt !== null && majflt !== null) words.push(`pgfault=${(minflt + majflt) >>> 0}`, `pgmajfault=${majflt}`);
  for (const [name, sym] of [['pswpin', 'pswpin'], ['pswpout', 'pswpout'], ['pgevict', 'evictions']]) {
    const v = kernelWord(m, sym);
    if (v !== null) words.push(`${name}=${v}`);
  }
  return words.join(' ');
}

// ---- the tracer ----------------------------------------------------------------------------

/**
 * Starts tracing `kinds` on a machine: each event becomes one line given to `write` (without a
 * newline). `symbolize` names an address as `<symbol+0x10>`, or '' (see symbolizer()). Returns
 * the function that stops this trace (and, for `pages`, writes the kernel's counters).
 */
export function startTrace(machine: Machine, kinds: string[], write: (line: string) => void, symbolize: (addr: number) => string): () => void {
  const m = machine;
  const st = m.cpu.state;
  const mmu = m.cpu.mmu;
  const on = new Set(kinds.map((k) => k.toLowerCase()));
  for (const k of on) if (!(TRACE_KINDS as readonly string[]).includes(k)) throw new TraceSpecError(`unknown trace kind '${k}'`);
  const h = hooks(m);
  const undo: (() => void)[] = [];
  /** The count of the instruction being executed (the MMU's own idea of now). */
  const now = () => m.cpu.clockBase + st[S.NNOW];
  const at = (addr: number) => {
    const s = symbolize(addr);
    return s ? `${hex(addr, 8)} ${s}` : hex(addr, 8);
  };
  /** An instruction's address, `<symbol+offset>` and disassembly: `0x001000e8 <user+0x8>: mov ...`. */
  const insn = (addr: number) => `${at(addr)}: ${disassembleAt(m, addr, symbolize)}`;

  if (on.has('exec')) {
    const step = (eip: number) => {
      const s = symbolize(eip);
      write(`${m.clock} exec cpl=${st[S.CPL]} ${hex(eip, 8)}${s ? ` ${s}` : ''}: ${disassembleAt(m, eip, symbolize)}`);
    };
    h.step.add(step);
    undo.push(() => h.step.remove(step));
  }

  const wantInt = on.has('int');
  const wantPf = on.has('pf') && !wantInt;
  const wantPages = on.has('pages');

  // Pages: the reference recorder.
  let lastCr3 = -1, lastPage = -1;
  let layout: { table: number; nframes: number } | null | undefined;
  let framesMax = -1;
  let sinceSample = 0;
  const record = (cr3: number, page: number, cpl: number, fault: boolean) => {
    if (!fault && cr3 === lastCr3 && page === lastPage) return;
    lastCr3 = cr3; lastPage = page;
    write(`${now()} page cpl=${cpl} cr3=${hex(cr3, 8)} ${hex(page, 8)}${fault ? ' fault' : ''}`);
  };
  /**
   * Samples the frames holding user pages. A sample reads the whole frame table, so with much
   * RAM it is taken every nframes/1024 faults (the count moves by about one frame a fault): at
   * most a few hundred words read per fault.
   */
  const sampleFrames = (always: boolean) => {
    if (layout === undefined) layout = frameTable(m);
    if (!layout) return;
    if (!always && ++sinceSample < Math.ceil(layout.nframes / 1024)) return;
    sinceSample = 0;
    const n = userFrames(m, layout);
    if (n !== null && n > framesMax) framesMax = n;
  };

  if (wantInt || wantPf || wantPages) {
    const exc = (e: ExceptionInfo) => {
      const v = e.vector;
      if (wantPages && v === 14 && (e.code & 1) === 0 && (e.cr2 >>> 0) < KERNEL_HALF) {
        sampleFrames(false);
        record(st[S.CR3] & ~0xfff, e.cr2 & ~0xfff, e.code & 4 ? 3 : 0, true);
      }
      if (!wantInt && !(wantPf && v === 14)) return;
      const hasCode = e.code >= 0;
      let text = `vec=${v} `;
      if (v < 32) text += VECTOR_NAMES[v] ?? `exception ${v}`;
      else text += `int ${hex(v, 2)}`;
      if (hasCode) text += ` err=${hex(e.code, 4)}`;
      if (v === 14) text += ` (${pfCodeText(e.code)}) cr2=${hex(e.cr2, 8)}`;
      // The instruction: the faulting one (at the pushed EIP), or the INT n before it (a trap).
      const by = hasCode ? -1 : softwareIntBefore(m, e.eip, v);
      const what = by >= 0 ? `eip=${at(e.eip)} after ${insn(by)}` : `eip=${insn(e.eip)}`;
      write(`${now()} ${wantInt ? 'int' : 'pf'} cpl=${fromCpl(m, v, hasCode)} ${text} ${what}`);
    };
    h.exception.add(exc);
    undo.push(() => h.exception.remove(exc));
  }

  if (wantInt) {
    const irq = (v: number) => {
      // Delivered: the interrupted EIP and CS are on the handler's stack.
      const eip = readVirt32(m, m.cpu.regs[4] >>> 0);
      write(`${now()} int cpl=${fromCpl(m, v, false)} vec=${v} external eip=${eip === null ? '?' : insn(eip)}`);
    };
    h.interrupt.add(irq);
    undo.push(() => h.interrupt.remove(irq));
  }

  if (on.has('io')) {
    const io = (port: number, size: number, value: number, isWrite: boolean) => {
      const eip = st[S.EIP] >>> 0;
      write(`${now()} io cpl=${st[S.CPL]} ${isWrite ? 'out' : 'in'} port=${hex(port, 4)} size=${size} value=${hex(size === 32 ? value : value & ((1 << size) - 1), size / 4)} eip=${insn(eip)}`);
    };
    h.io.add(io);
    undo.push(() => h.io.remove(io));
  }

  const wantTlb = on.has('tlb');
  if (wantTlb || wantPages) {
    const ev = (what: 'fill' | 'evict' | 'flush' | 'invlpg', page: number) => {
      if (wantPages && what === 'fill' && st[S.CPL] === 3 && (page >>> 0) < KERNEL_HALF) record(st[S.CR3] & ~0xfff, page, 3, false);
      if (!wantTlb) return;
      let text: string;
      if (what === 'flush') text = page === -1 ? 'flush all' : 'flush';
      else if (what === 'fill') {
        const i = mmu.lookup(page);
        if (i >= 0) {
          // Entry flags as mmu.ts keeps them (TF): USER 1, WRITE 2, DIRTY 4, GLOBAL 8, LARGE 16.
          const f = mmu.tlbFlags[i];
          text = `fill ${hex(page, 8)} -> ${hex(mmu.tlbFrame[i], 8)} ${f & 1 ? 'user' : 'kernel'} ${f & 2 ? 'rw' : 'ro'}${f & 4 ? ' dirty' : ''}${f & 8 ? ' global' : ''}${f & 16 ? ' 4M' : ''}`;
        } else text = `fill ${hex(page, 8)}`;
      } else text = `${what} ${hex(page, 8)}`;
      // Every TLB event names its instruction: a flush or an INVLPG (MOV to CR0/CR3/CR4, INVLPG)
      // runs out of line with EIP in the state, and the interpreter's slow path, where a fill or
      // an eviction happens, stores the EIP of the instruction whose access (or fetch) missed.
      write(`${now()} tlb cpl=${st[S.CPL]} ${text} eip=${insn(st[S.EIP] >>> 0)}`);
    };
    h.mmu.add(ev);
    undo.push(() => h.mmu.remove(ev));
  }

  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const u of undo) u();
    if (wantPages) {
      sampleFrames(true);
      const counters = kernelCounters(m);
      const words = [counters, framesMax >= 0 ? `user-frames-max=${framesMax}` : ''].filter(Boolean).join(' ');
      if (words) write(`${m.clock} vmstat ${words}`);
    }
  };
}

/** A trace that cannot be written (the disk is full, the pipe closed): the host's, one line. */
export class TraceWriteError extends ToolError {
  constructor(message: string) { super(message, 1); }
}

/**
 * A line sink on a file descriptor (2 for stderr), buffered and written synchronously, so that
 * nothing is lost when the guest powers off: write(line), then close() (which flushes).
 */
export function traceSink(fd: number, writeSync: (fd: number, s: string) => unknown, closeSync?: (fd: number) => void): { write: (line: string) => void; close: () => void } {
  let buf: string[] = [];
  let size = 0;
  let failed = false;
  const flush = () => {
    if (!buf.length || failed) return;
    const text = buf.join('');
    buf = []; size = 0;
    try {
      writeSync(fd, text);
    } catch (e) {
      // The host's file, not a bug: one line (exit code 1), once.
      failed = true;
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOSPC' ? 'no space left on the device' : err.code === 'EPIPE' ? 'its reader has gone' : err.code === 'EFBIG' ? 'the file is too large' : err.message;
      throw new TraceWriteError(`cannot write the trace${fd === 2 ? ' to stderr' : ''}: ${why}`);
    }
  };
  return {
    write: (line: string) => {
      if (failed) return;
      buf.push(line, '\n');
      size += line.length + 1;
      if (size >= 1 << 16) flush();
    },
    close: () => {
      try { flush(); } finally { if (closeSync) { try { closeSync(fd); } catch { /* already reported */ } } }
    },
  };
}
