// Kernel-aware views (docs/debugger.md, "The kernel's view"): processes, a process's regions,
// the frame table and swap, read from the guest kernel's own memory through its symbols — the
// way a kernel debugger reads a crash dump. Nothing is asked of the kernel; the records are
// decoded with the layouts of kernel/proc.ts (Proc), kernel/vm.ts (Region), kernel/kalloc.ts
// (Frame) and kernel/swap.ts (slot reference counts), which tests/debugger checks against the
// kernel's sources.

import type { Machine } from '../../emulator/machine.js';
import { KernelMemory, DebugError, KERNBASE, hex8 } from './memory.js';
import type { Program, Sym } from './symbols.js';

/** Proc (kernel/proc.ts): 18 four-byte fields, the name in the last four. */
export const PROC = {
  size: 72, pid: 0, state: 4, pgdir: 8, kstack: 12, tf: 16, context: 20, parent: 24, xstatus: 28,
  chan: 32, killed: 36, brkbase: 40, brk: 44, minflt: 48, majflt: 52, name: 56,
} as const;
export const NPROC = 64;
/** Region (kernel/vm.ts): 32 bytes, NREGION of them per process in `regiontab`. */
export const REGION = { size: 32, start: 0, end: 4, prot: 8, kind: 12, ino: 16, off: 20, filesz: 24 } as const;
export const NREGION = 16;
/** Frame (kernel/kalloc.ts): 16 bytes per frame of RAM in `table`. */
export const FRAME = { size: 16, next: 0, pid: 4, va: 8, flags: 12 } as const;

const STATES = ['UNUSED', 'EMBRYO', 'SLEEPING', 'RUNNABLE', 'RUNNING', 'ZOMBIE'];
const KINDS = ['free', 'text', 'data', 'heap', 'stack', 'mmap'];
/** Frame flags (kernel/kalloc.ts, kernel/swap.ts). */
export const FRAME_RESERVED = 1, FRAME_KERNEL = 2, FRAME_USER = 4, FRAME_PINNED = 8;
const PTE_P = 1, PTE_SWAP = 0x400;
/** vm.policy's names, in the order of kernel/swap.ts's POLICY_* numbers. */
export const POLICIES = ['clock', 'fifo', 'aging', 'lru2'];

export interface ProcInfo {
  slot: number;
  addr: number;
  pid: number;
  state: number;
  pgdir: number;
  parent: number;
  chan: number;
  killed: number;
  xstatus: number;
  brkbase: number;
  brk: number;
  minflt: number;
  majflt: number;
  name: string;
}

export class KernelViews {
  private readonly k: KernelMemory;

  constructor(private readonly m: Machine, private readonly kernel: Program | null,
              private readonly symbolize: (addr: number) => string) {
    this.k = new KernelMemory(m);
  }

  /** A kernel variable's address: `file.ts` local or global. */
  sym(name: string, file?: string): number {
    const list = this.kernel ? this.kernel.lookup(name, file) : [];
    const s: Sym | undefined = list[0];
    if (!s) throw new DebugError(`the kernel has no symbol "${file ? `${file}::` : ''}${name}" (is it toy86's kernel?)`);
    return s.addr;
  }

  /** Every process slot in use. */
  procs(): ProcInfo[] {
    const base = this.sym('procs', 'proc.ts');
    const out: ProcInfo[] = [];
    for (let i = 0; i < NPROC; i++) {
      const a = base + i * PROC.size;
      const state = this.k.u32(a + PROC.state);
      if (state === 0) continue;
      out.push({
        slot: i, addr: a, pid: this.k.i32(a + PROC.pid), state, pgdir: this.k.u32(a + PROC.pgdir),
        parent: this.k.i32(a + PROC.parent), chan: this.k.u32(a + PROC.chan), killed: this.k.i32(a + PROC.killed),
        xstatus: this.k.i32(a + PROC.xstatus), brkbase: this.k.u32(a + PROC.brkbase), brk: this.k.u32(a + PROC.brk),
        minflt: this.k.u32(a + PROC.minflt), majflt: this.k.u32(a + PROC.majflt), name: this.k.cstring(a + PROC.name, 16),
      });
    }
    return out;
  }

  /** The process on the CPU (`current` in proc.ts), if any. */
  current(): ProcInfo | null {
    const cur = this.k.u32(this.sym('current', 'proc.ts'));
    return cur === 0 ? null : this.procs().find((p) => p.addr === cur) ?? null;
  }

  /** The process whose page directory is at physical `cr3`. */
  procOfCr3(cr3: number): ProcInfo | null {
    const base = (cr3 & ~0xfff) >>> 0;
    return this.procs().find((p) => p.pgdir !== 0 && ((p.pgdir - KERNBASE) >>> 0) === base) ?? null;
  }

  findPid(pid: number): ProcInfo {
    const p = this.procs().find((q) => q.pid === pid);
    if (!p) throw new DebugError(`No process ${pid}.`);
    return p;
  }

  /** `info proc`: the process table. */
  infoProc(arg = ''): string[] {
    // gdb's `info proc PID` is about one process: the table's row of PID.
    if (arg !== '' && !/^\d+$/.test(arg)) throw new DebugError(`Invalid process id "${arg}".`);
    const all = this.procs();
    const procs = arg === '' ? all : all.filter((p) => p.pid === Number(arg));
    if (arg !== '' && !procs.length) throw new DebugError(`No process ${arg}.`);
    if (!procs.length) return ['No processes.'];
    let cur = 0;
    try { cur = this.k.u32(this.sym('current', 'proc.ts')); } catch { /* no marker */ }
    const out = ['  PID  PPID STATE     NAME             PGDIR       MINFLT MAJFLT  WAIT'];
    for (const p of procs) {
      const wait = p.state === 2 ? `on ${hex8(p.chan)} ${this.symbolize(p.chan)}`.trimEnd()
        : p.state === 5 ? `exit status ${p.xstatus}` : p.killed ? `killed by signal ${p.killed}` : '';
      out.push(`${p.addr === cur ? '*' : ' '}${String(p.pid).padStart(4)} ${String(p.parent).padStart(5)} ${(STATES[p.state] ?? String(p.state)).padEnd(9)} ` +
        `${p.name.padEnd(16)} ${p.pgdir ? hex8(p.pgdir - KERNBASE) : '-'.padEnd(10)} ${String(p.minflt).padStart(7)} ${String(p.majflt).padStart(6)}  ${wait}`.trimEnd());
    }
    return out;
  }

  /** The page-table entry of va in a process (physical page directory), or 0 when there is no table. */
  pte(pgdirPhys: number, va: number): number {
    const pde = this.m.readPhys32(pgdirPhys + (va >>> 22) * 4) >>> 0;
    if (!(pde & PTE_P)) return 0;
    return this.m.readPhys32((pde & ~0xfff) + ((va >>> 12) & 0x3ff) * 4) >>> 0;
  }

  /** `info vm [PID]`: a process's regions, with how many of their pages are in memory and in swap. */
  infoVm(p: ProcInfo): string[] {
    const tab = this.sym('regiontab', 'proc.ts') + p.slot * NREGION * REGION.size;
    const pd = p.pgdir ? (p.pgdir - KERNBASE) >>> 0 : 0;
    const out = [`pid ${p.pid} (${p.name}): ${STATES[p.state] ?? p.state}, page directory ${p.pgdir ? hex8(pd) : 'none'}, heap ${hex8(p.brkbase)}-${hex8(p.brk)}, faults ${p.minflt} minor ${p.majflt} major`];
    out.push('Start      End        Perm Kind   Present Swapped Pages  Backing');
    let n = 0;
    for (let i = 0; i < NREGION; i++) {
      const r = tab + i * REGION.size;
      const kind = this.k.u32(r + REGION.kind);
      if (kind === 0) continue;
      n++;
      const start = this.k.u32(r + REGION.start), end = this.k.u32(r + REGION.end), prot = this.k.u32(r + REGION.prot);
      const ino = this.k.u32(r + REGION.ino), off = this.k.u32(r + REGION.off), filesz = this.k.u32(r + REGION.filesz);
      let present = 0, swapped = 0;
      const pages = Math.max(0, Math.ceil((end - start) / 4096));
      if (pd) {
        for (let va = (start & ~0xfff) >>> 0; va < end; va += 4096) {
          const e = this.pte(pd, va);
          if (e & PTE_P) present++; else if (e & PTE_SWAP) swapped++;
        }
      }
      const perm = (prot & 1 ? 'r' : '-') + (prot & 2 ? 'w' : '-') + (prot & 4 ? 'x' : '-');
      const backing = ino ? `inode ${ino} at offset ${'0x' + off.toString(16)}, ${filesz} bytes from the file` : 'zero-fill';
      out.push(`${hex8(start)} ${hex8(end)} ${perm}  ${(KINDS[kind] ?? String(kind)).padEnd(6)} ${String(present).padStart(7)} ${String(swapped).padStart(7)} ${String(pages).padStart(5)}  ${backing}`);
    }
    if (!n) out.push('(no regions)');
    return out;
  }

  frameTable(): { table: number; nframes: number } {
    const table = this.k.u32(this.sym('table', 'kalloc.ts'));
    const nframes = this.k.u32(this.sym('nframes'));
    if (!table) throw new DebugError('the frame table is not built yet (kinit has not run)');
    return { table, nframes };
  }

  frame(table: number, n: number) {
    const a = table + n * FRAME.size;
    return { refs: this.k.u32(a + FRAME.next), pid: this.k.i32(a + FRAME.pid), va: this.k.u32(a + FRAME.va), flags: this.k.u32(a + FRAME.flags) & 0xff };
  }

  /** `info frames [PID|all]`: the frame table, summed up, for one process, or every frame in use. */
  infoFrames(arg: string): string[] {
    const { table, nframes } = this.frameTable();
    const names = new Map(this.procs().map((p) => [p.pid, p.name]));
    let free = 0, reserved = 0, kernel = 0, user = 0, pinned = 0;
    const perPid = new Map<number, { user: number; kernel: number }>();
    for (let n = 0; n < nframes; n++) {
      const f = this.frame(table, n);
      if (f.pid === -1) { free++; continue; }
      if (f.flags & FRAME_RESERVED) { reserved++; continue; }
      if (f.flags & FRAME_PINNED) pinned++;
      const c = perPid.get(f.pid) ?? { user: 0, kernel: 0 };
      if (f.flags & FRAME_USER) { user++; c.user++; } else { kernel++; c.kernel++; }
      perPid.set(f.pid, c);
    }
    const freecount = this.k.u32(this.sym('freecount'));
    const out: string[] = [];
    const kind = (f: { flags: number }) => (f.flags & FRAME_RESERVED ? 'reserved' : f.flags & FRAME_USER ? 'user' : f.flags & FRAME_KERNEL ? 'kernel' : 'other') + (f.flags & FRAME_PINNED ? ',pinned' : '');
    if (arg === '') {
      out.push(`Frames: ${nframes} (${nframes * 4} KiB) at ${hex8(table)}: ${free} free (freecount ${freecount}), ${reserved} reserved, ${kernel} kernel, ${user} user, ${pinned} pinned`);
      out.push('  PID NAME              USER KERNEL');
      for (const [pid, c] of [...perPid].sort((a, b) => a[0] - b[0])) {
        out.push(`${String(pid).padStart(5)} ${(pid === 0 ? '(kernel)' : names.get(pid) ?? '(gone)').padEnd(16)} ${String(c.user).padStart(5)} ${String(c.kernel).padStart(6)}`);
      }
      return out;
    }
    let pid: number | null = null;
    if (arg !== 'all') {
      if (!/^\d+$/.test(arg)) throw new DebugError(`info frames: give a pid or "all", not "${arg}"`);
      pid = Number(arg);
    }
    out.push('Frame      Kind            Refs PID  VA');
    let run: { start: number; count: number; text: string } | null = null;
    const flush = () => {
      if (run) out.push(run.count > 1 ? `${hex8(run.start * 4096)} ${run.text} (${run.count} frames, to ${hex8((run.start + run.count) * 4096 - 1)})` : `${hex8(run.start * 4096)} ${run.text}`);
      run = null;
    };
    for (let n = 0; n < nframes; n++) {
      const f = this.frame(table, n);
      if (f.pid === -1 || (pid !== null && (f.pid !== pid || f.flags & FRAME_RESERVED))) { flush(); continue; }
      if (f.flags & FRAME_RESERVED) {
        if (run && (run as { text: string }).text.startsWith('reserved')) { (run as { count: number }).count++; continue; }
        flush();
        run = { start: n, count: 1, text: 'reserved' };
        continue;
      }
      flush();
      out.push(`${hex8(n * 4096)} ${kind(f).padEnd(15)} ${String(f.refs).padStart(4)} ${String(f.pid).padStart(4)} ${hex8(f.va)}`);
    }
    flush();
    // A pid with no process and no frames (frames of one that is gone are still shown).
    if (pid !== null && out.length === 1 && !names.has(pid)) throw new DebugError(`No process ${pid}.`);
    return out;
  }

  /** `info swap [all]`: slots, who holds them (per process, or each slot), the policy and the counters. */
  infoSwap(arg = ''): string[] {
    if (arg !== '' && arg !== 'all') throw new DebugError(`info swap: give "all" or nothing, not "${arg}"`);
    const nslots = this.k.u32(this.sym('nslots', 'swap.ts'));
    const slotsfree = this.k.u32(this.sym('slotsfree', 'swap.ts'));
    const refs = this.sym('slotrefs', 'swap.ts');
    const policy = this.k.u32(this.sym('policy'));
    const c = (name: string) => { try { return String(this.k.u32(this.sym(name))); } catch { return '?'; } };
    const out = [`Swap: ${nslots} slots (${nslots * 4} KiB), ${slotsfree} free, ${nslots - slotsfree} in use; policy ${POLICIES[policy] ?? policy}; pswpin ${c('pswpin')}, pswpout ${c('pswpout')}, evictions ${c('evictions')}`];
    if (nslots === 0) return out;
    // Who maps each slot: swap entries in every process's page tables.
    const owners = new Map<number, string[]>();
    for (const p of this.procs()) {
      if (!p.pgdir) continue;
      const pd = (p.pgdir - KERNBASE) >>> 0;
      for (let d = 0; d < 768; d++) {
        const pde = this.m.readPhys32(pd + d * 4) >>> 0;
        if (!(pde & PTE_P)) continue;
        for (let t = 0; t < 1024; t++) {
          const e = this.m.readPhys32((pde & ~0xfff) + t * 4) >>> 0;
          if (e & PTE_P || !(e & PTE_SWAP)) continue;
          const slot = (e >>> 12) - 1;
          const list = owners.get(slot) ?? [];
          list.push(`pid ${p.pid} (${p.name}) ${hex8(d * 0x400000 + t * 4096)}`);
          owners.set(slot, list);
        }
      }
    }
    const used: string[] = [];
    const perProc = new Map<string, number>();
    for (let s = 0; s < nslots; s++) {
      const r = this.k.u8(refs + s);
      if (!r) continue;
      const who = owners.get(s) ?? ['(no mapping: being written or read)'];
      used.push(`${String(s).padStart(5)} ${String(r).padStart(4)}  ${who.join(', ')}`);
      for (const w of who) { const k = w.replace(/ 0x[0-9a-f]+$/, ''); perProc.set(k, (perProc.get(k) ?? 0) + 1); }
    }
    if (arg === 'all') { if (used.length) out.push(' Slot Refs  Mapped by', ...used); return out; }
    if (perProc.size) out.push('Pages in swap by process:', ...[...perProc].map(([k, n]) => `  ${k}: ${n}`));
    return out;
  }
}
