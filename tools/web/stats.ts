// The statistics channel of `toy86 boot --stats SOCKET` (docs/web.md): snapshots of the machine
// as JSON lines on a Unix socket, for `toy86 web`'s panels. Everything here is read-only and
// host-side: the MMU's, TLB's and disk's counters from the Machine, and the kernel's frame
// table, counters and process table read from guest memory through the kernel's symbols, with
// the debugger's kernel views (tools/debugger/kernelviews.ts). Nothing asks the kernel for anything.
//
// The fault log comes from the machine's hooks (tools/debugger/trace.ts `hooks`, read-only):
// each #PF is noted when the CPU delivers it (address, error code, the process on the CPU), and
// settled when the machine shows what the kernel did with it:
//   - killed: the process's `killed` field holds a signal (11 for a segmentation fault, set by
//     trap.ts userfault) — looked at every exception, interrupt and TLB event, and between run
//     slices; exit() loads CR3 (a TLB flush) before the process can be reaped, so it is seen;
//   - served: the process is back in user mode (a TLB fill at CPL 3 while it is `current`: the
//     faulting instruction runs again and walks), or it faults again, or it is gone unkilled.
// A fault stays pending while the kernel reads the page from disk.

import { connect, type Socket } from 'node:net';
import type { Machine } from '../../emulator/machine.js';
import type { ExceptionInfo } from '../../emulator/cpu/cpu.js';
import { TLBStat } from '../../emulator/mmu/mmu.js';
import { S } from '../../emulator/cpu/state.js';
import { KernelViews, PROC, REGION, NREGION, FRAME_RESERVED, FRAME_USER, FRAME_PINNED, type ProcInfo } from '../debugger/kernelviews.js';
import { KernelMemory, KERNBASE, DebugError } from '../debugger/memory.js';
import { Program } from '../debugger/symbols.js';
import { hooks, pfCodeText } from '../debugger/trace.js';
import { FrameKind, FAULTS_PER_SNAPSHOT, type FaultRecord, type StatsMessage } from './protocol.js';

const PF = 14;
/** Proc states (kernel/proc.ts). */
const UNUSED = 0;
const PTE_D = 0x40;

/** A --stats socket that cannot be reached. */
export class StatsError extends Error {}

/** Connects to the statistics socket; rejects with a StatsError for the user. */
export function connectStats(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      // The server may go first; the machine goes on without its statistics.
      s.on('error', () => {});
      resolve(s);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ENOENT' ? 'no such socket' : e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.code === 'ENOTSOCK' ? 'not a socket' : e.message;
      reject(new StatsError(`cannot connect to --stats '${path}': ${why}`));
    });
  });
}

interface PendingFault { record: FaultRecord; proc: number }

/** A process's page directory (physical) and the parts of its regions that come from a file. */
interface FileBacked { pgdir: number; regions: { start: number; fileEnd: number }[] }

/**
 * Watches a machine running toy86's kernel: `sample()` gives a snapshot (and the faults settled
 * since the last one), `stop()` takes the hooks away.
 */
export class StatsReporter {
  private readonly views: KernelViews;
  private readonly k: KernelMemory;
  private readonly current: number | null;
  private pending: PendingFault[] = [];
  private settled: FaultRecord[] = [];
  private faultCount = 0;
  private readonly onException = (e: ExceptionInfo) => this.exception(e);
  private readonly onInterrupt = () => this.settle(0);
  private readonly onTlb = (what: string) => {
    if (this.pending.length === 0) return;
    this.settle(what === 'fill' && this.m.cpu.state[S.CPL] === 3 ? this.currentProc() : 0);
  };

  constructor(private readonly m: Machine) {
    const kernel = m.kernel ? new Program('kernel', 'kernel', m.kernel, true) : null;
    this.views = new KernelViews(m, kernel, () => '');
    this.k = new KernelMemory(m);
    this.current = this.symbol('current', 'proc.ts');
    const h = hooks(m);
    h.exception.add(this.onException);
    h.interrupt.add(this.onInterrupt);
    h.mmu.add(this.onTlb);
  }

  stop(): void {
    const h = hooks(this.m);
    h.exception.remove(this.onException);
    h.interrupt.remove(this.onInterrupt);
    h.mmu.remove(this.onTlb);
  }

  /** A kernel symbol's address, or null when the kernel has none (not toy86's kernel). */
  private symbol(name: string, file?: string): number | null {
    try { return this.views.sym(name, file); } catch (e) { if (e instanceof DebugError) return null; throw e; }
  }

  /** A kernel variable, or null. */
  private word(name: string, file?: string): number | null {
    const a = this.symbol(name, file);
    if (a === null) return null;
    try { return this.k.u32(a); } catch (e) { if (e instanceof DebugError) return null; throw e; }
  }

  /** The process on the CPU (kernel/proc.ts `current`: a Proc's address), 0 for none. */
  private currentProc(): number {
    if (this.current === null) return 0;
    try { return this.k.u32(this.current); } catch (e) { if (e instanceof DebugError) return 0; throw e; }
  }

  private exception(e: ExceptionInfo): void {
    if (e.vector !== PF) { this.settle(0); return; }
    const proc = this.currentProc();
    // A process that faults again was let go on after its last fault.
    this.settle(proc);
    this.faultCount++;
    let pid = 0, name = '';
    if (proc) {
      try { pid = this.k.i32(proc + PROC.pid); name = this.k.cstring(proc + PROC.name, 16); } catch (err) { if (!(err instanceof DebugError)) throw err; }
    }
    const record: FaultRecord = { clock: this.m.clock, addr: e.cr2 >>> 0, eip: e.eip >>> 0, code: e.code, kind: pfCodeText(e.code), pid, name, outcome: 'kernel' };
    if (proc) this.pending.push({ record, proc });
    else this.keep(record);
  }

  /**
   * Settles the pending faults whose end is known: the process was killed (its signal) or is gone,
   * or — for the process at `running` (a Proc's address; 0: none) — it runs on.
   */
  private settle(running: number): void {
    if (this.pending.length === 0) return;
    const still: PendingFault[] = [];
    for (const f of this.pending) {
      let pid = 0, state = UNUSED, killed = 0;
      try {
        pid = this.k.i32(f.proc + PROC.pid); state = this.k.u32(f.proc + PROC.state); killed = this.k.i32(f.proc + PROC.killed);
      } catch (err) { if (!(err instanceof DebugError)) throw err; }
      const mine = pid === f.record.pid && state !== UNUSED;
      // wait() frees a slot as state UNUSED, pid 0, and leaves `killed` until the slot is reused.
      const reaped = state === UNUSED && pid === 0;
      if ((mine || reaped) && killed !== 0) f.record.outcome = killed;
      else if (mine && f.proc !== running) { still.push(f); continue; }
      else f.record.outcome = 'served';
      this.keep(f.record);
    }
    this.pending = still;
  }

  private keep(r: FaultRecord): void {
    this.settled.push(r);
    // A long burst keeps its newest lines and every fault that killed.
    if (this.settled.length > 4 * FAULTS_PER_SNAPSHOT) this.settled = trimFaults(this.settled);
  }

  /** A snapshot of the machine now. */
  sample(): StatsMessage {
    this.settle(0);
    const m = this.m;
    const st = m.cpu.mmu.stats;
    const d = m.disk.stats;
    // Exported (global) counters of vm.ts and swap.ts, as procfs.ts prints them in /proc/vmstat.
    const minflt = this.word('minflt_total'), majflt = this.word('majflt_total');
    const cow = this.word('cowfaults') ?? 0;
    const vm = minflt === null || majflt === null ? null : {
      // pgfault as /proc/vmstat has it: every fault served, copy-on-write ones included.
      pgfault: (minflt + majflt + cow) >>> 0, pgmajfault: majflt,
      pswpin: this.word('pswpin') ?? 0, pswpout: this.word('pswpout') ?? 0,
      pgevict: this.word('evictions') ?? 0, cowfault: cow,
    };
    const slots = this.word('nslots', 'swap.ts'), free = this.word('slotsfree', 'swap.ts');
    const faults = trimFaults(this.settled);
    this.settled = [];
    return {
      type: 'stats', time: Date.now(), clock: m.clock, idleClock: m.idleClock,
      frames: this.frames(), vm, swap: slots === null || free === null ? null : { slots, free },
      tlb: { entries: m.cpu.mmu.sets * m.cpu.mmu.ways, ways: m.cpu.mmu.ways, hits: st[TLBStat.HITS], misses: st[TLBStat.MISSES], evictions: st[TLBStat.EVICTIONS], flushes: st[TLBStat.FLUSHES], walks: st[TLBStat.WALKS] },
      disk: { reads: d.reads, writes: d.writes, sectorsRead: d.sectorsRead, sectorsWritten: d.sectorsWritten, errors: d.errors },
      faults, faultCount: this.faultCount,
    };
  }

  /** The frame table as one FrameKind digit per frame ('' before kinit has built it). */
  private frames(): string {
    let layout: { table: number; nframes: number };
    try { layout = this.views.frameTable(); } catch (e) { if (e instanceof DebugError) return ''; throw e; }
    if (layout.nframes * 4096 !== this.m.memSize) return '';
    const files = this.fileRegions();
    const out = new Uint8Array(layout.nframes);
    for (let n = 0; n < layout.nframes; n++) {
      const f = this.views.frame(layout.table, n);
      let kind: FrameKind;
      if (f.pid === -1) kind = FrameKind.FREE;
      else if (f.flags & FRAME_RESERVED) kind = FrameKind.RESERVED;
      else if (f.flags & FRAME_PINNED) kind = FrameKind.PINNED;
      else if (f.flags & FRAME_USER) kind = this.cleanFilePage(files.get(f.pid), f.va) ? FrameKind.FILE : FrameKind.USER;
      else kind = FrameKind.KERNEL;
      out[n] = 48 + kind;
    }
    return Buffer.from(out.buffer).toString('latin1');
  }

  /** Each process's file-backed regions, by pid. */
  private fileRegions(): Map<number, FileBacked> {
    const out = new Map<number, FileBacked>();
    const tab = this.symbol('regiontab', 'proc.ts');
    if (tab === null) return out;
    let procs: ProcInfo[];
    try { procs = this.views.procs(); } catch (e) { if (e instanceof DebugError) return out; throw e; }
    for (const p of procs) {
      if (!p.pgdir) continue;
      const regions: FileBacked['regions'] = [];
      for (let i = 0; i < NREGION; i++) {
        const r = tab + (p.slot * NREGION + i) * REGION.size;
        if (this.k.u32(r + REGION.kind) === 0 || this.k.u32(r + REGION.ino) === 0) continue;
        const start = this.k.u32(r + REGION.start);
        regions.push({ start, fileEnd: start + this.k.u32(r + REGION.filesz) });
      }
      out.set(p.pid, { pgdir: (p.pgdir - KERNBASE) >>> 0, regions });
    }
    return out;
  }

  /** Does the page at va hold the file's bytes, unwritten (kernel/swap.ts drops such a page)? */
  private cleanFilePage(proc: FileBacked | undefined, va: number): boolean {
    if (!proc || !proc.regions.some((r) => va >= r.start && va < r.fileEnd)) return false;
    return (this.views.pte(proc.pgdir, va) & PTE_D) === 0;
  }
}

/** The newest FAULTS_PER_SNAPSHOT faults, and every fault that killed its process, in order. */
function trimFaults(list: FaultRecord[]): FaultRecord[] {
  if (list.length <= FAULTS_PER_SNAPSHOT) return list;
  const from = list.length - FAULTS_PER_SNAPSHOT;
  return list.filter((r, i) => i >= from || typeof r.outcome === 'number');
}

/**
 * Reports a machine on a connected socket: a snapshot every `intervalMs` of wall time (taken
 * between run slices: the machine runs in the same thread) and a last one at `close()`.
 */
export function reportStats(m: Machine, socket: Socket, intervalMs = 250): { close: () => void } {
  const reporter = new StatsReporter(m);
  const send = () => { if (!socket.destroyed) socket.write(JSON.stringify(reporter.sample()) + '\n'); };
  send();
  const timer = setInterval(send, intervalMs);
  timer.unref();
  let closed = false;
  return {
    close: () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      send();
      reporter.stop();
      // Flushed, then closed: a listener that keeps its end open does not hold the process.
      socket.end(() => socket.destroy());
    },
  };
}
