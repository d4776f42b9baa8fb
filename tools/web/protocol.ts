// The messages of `toy86 web` (docs/web.md): what a booted machine reports on its statistics
// channel, and what the server and the page say to each other on the control WebSocket. Types
// only, shared by the boot process (stats.ts), the server (server.ts) and the page (client/).
//
//   boot --stats SOCK ──JSON lines──▶ server ──control ws──▶ page      (statistics, events)
//   pty of boot ◀──────bytes──────▶ server ◀──terminal ws──▶ xterm.js (the serial console)

/** One physical frame in the frame grid (the kernel's frame table, kernel/kalloc.ts). */
export const enum FrameKind {
  /** On the free list. */
  FREE = 0,
  /** The kernel's image, the frame table and low memory (FRAME_RESERVED). */
  RESERVED = 1,
  /** A kernel allocation: page tables, page directories, kernel stacks (FRAME_KERNEL). */
  KERNEL = 2,
  /** A user page whose only copy is here or in swap: heap, stack, written data. */
  USER = 3,
  /** A clean user page read from a program's file: eviction drops it, the file has it (the page cache's part). */
  FILE = 4,
  /** A user page being written to swap (FRAME_PINNED). */
  PINNED = 5,
}

/** A #PF the machine delivered, and how the kernel dealt with it. */
export interface FaultRecord {
  /** The machine's clock at the fault. */
  clock: number;
  /** CR2: the linear address that faulted. */
  addr: number;
  /** The faulting instruction. */
  eip: number;
  /** The #PF error code (P, W/R, U/S, I/D bits; SDM 4.7). */
  code: number;
  /** The error code in words: `not-present user write` (trace.ts pfCodeText). */
  kind: string;
  /** The process on the CPU (kernel/proc.ts `current`), 0 for none. */
  pid: number;
  name: string;
  /**
   * `served`: the process went on; a signal number: the kernel killed the process after the
   * fault (11 = SIGSEGV, a segmentation fault; 7 bus error; 9 out of memory); `kernel`: no
   * process was running.
   */
  outcome: 'served' | 'kernel' | number;
}

/** A snapshot the boot process sends on its statistics channel, one JSON line each. */
export interface StatsMessage {
  type: 'stats';
  /** Host milliseconds (Date.now()) when it was taken: rates are per second of wall time. */
  time: number;
  /** The machine's clock and the part of it spent halted. */
  clock: number;
  idleClock: number;
  /** One digit (FrameKind) per physical frame; empty until the kernel has built its frame table. */
  frames: string;
  /** The kernel's counters (kernel/vm.ts, kernel/swap.ts), as /proc/vmstat names them; null before the kernel runs. */
  vm: { pgfault: number; pgmajfault: number; pswpin: number; pswpout: number; pgevict: number; cowfault: number } | null;
  /** Swap slots (4 KiB each) and how many are free (kernel/swap.ts). */
  swap: { slots: number; free: number } | null;
  /**
   * The architectural TLB's geometry and counters (emulator/mmu/mmu.ts). A lookup is counted for
   * each data access an instruction makes (a read-modify-write once) — a hit when the interpreter's
   * soft TLB, which holds only translations the TLB holds, serves it — and for each instruction
   * fetch that enters another code page.
   */
  tlb: { entries: number; ways: number; hits: number; misses: number; evictions: number; flushes: number; walks: number };
  /** The disk's completed requests (emulator/devices/disk.ts). */
  disk: { reads: number; writes: number; sectorsRead: number; sectorsWritten: number; errors: number };
  /** Page faults dealt with since the last snapshot, oldest first (at most FAULTS_PER_SNAPSHOT, faults that killed always kept). */
  faults: FaultRecord[];
  /** Page faults since boot (each one, whether it is in `faults` or not). */
  faultCount: number;
}

/** The most fault lines one snapshot carries (the rest are counted, not listed). */
export const FAULTS_PER_SNAPSHOT = 40;

/** Control messages from the server to the page. */
export type ServerMessage =
  | StatsMessage
  /** A machine is yours: open the terminal socket with this id. */
  | { type: 'ready'; id: string; maxSessions: number; flags: string[] }
  /** No machine: every session is in use (--max-sessions). */
  | { type: 'refused'; message: string }
  /** The machine stopped (the guest powered off, or boot failed). */
  | { type: 'exit'; code: number; signal: number | null };

/** Control messages from the page to the server. */
export type ClientMessage =
  /** Start a machine with this terminal size. */
  | { type: 'start'; cols: number; rows: number }
  /** The terminal was resized. */
  | { type: 'resize'; cols: number; rows: number };

/** Close code of a refused control socket (RFC 6455 7.4.1: try again later). */
export const CLOSE_BUSY = 1013;
