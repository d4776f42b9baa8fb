// Traps (SPEC §2.3, §4.4; docs/kernel.md "The trap path"): the IDT, the task-state area, the
// interrupt controller and timer, and trap(tf), where every exception, interrupt and system call
// arrives from the stubs of vectors.s and trapasm.s. A fault in the kernel is a panic: the
// registers and a backtrace with symbol names, then power-off with 250.

import { KERNBASE, SEL_KCODE, PIC_CMD, PIC_MASK, TIMER, TICK, POWER } from './memlayout';
import { printf, consoleintr } from './console';
import { myproc, regions, procname, exit, yield_, wakeup, current_pid } from './proc';
import { syscall, syscallabort } from './syscall';
import { diskintr } from './disk';
import { findregion, pagein, cowfault, PROT_READ, PROT_WRITE, REGION_STACK } from './vm';

/** What trapasm.s pushed, from ESP up. */
@unmanaged export class TrapFrame {
  edi: u32; esi: u32; ebp: u32; oesp: u32; ebx: u32; edx: u32; ecx: u32; eax: u32;
  trapno: u32; err: u32;
  eip: u32; cs: u32; eflags: u32;
  /** Only when the trap came from CPL 3. */
  esp: u32; ss: u32;
}

export const T_DIVIDE: u32 = 0;
export const T_DEBUG: u32 = 1;
export const T_BRKPT: u32 = 3;
export const T_ILLOP: u32 = 6;
export const T_DBLFLT: u32 = 8;
export const T_GPFLT: u32 = 13;
export const T_PGFLT: u32 = 14;
export const T_IRQ0: u32 = 32;
export const T_SYSCALL: u32 = 0x80;
export const IRQ_TIMER: u32 = 0;
export const IRQ_COM1: u32 = 4;
export const IRQ_DISK: u32 = 14;

const idt = memory.data(256 * 8, 8);
const idtr = memory.data(8, 8);
/** The task-state area: ESP0 at offset 4 (the kernel stack a trap from CPL 3 switches to). */
export const tss = memory.data(104, 16);

/** Timer ticks since boot. */
export let ticks: u32 = 0;


declare function read_ebp(): usize;

/** The IDT: every vector to its stub; interrupt gates (IF off in the kernel); int 0x80 and INT3 from CPL 3. */
export function idtinit(): void {
  const vectors = symbol("vectors");
  for (let v: u32 = 0; v < 256; v++) {
    const h = load<usize>(vectors, v * 4);
    const g = idt + v * 8;
    store<u16>(g, h & 0xffff);
    store<u16>(g, SEL_KCODE, 2);
    store<u8>(g, 0, 4);
    // DPL 3 for what user code may raise itself: int 0x80 and INT3 (as Linux does).
    store<u8>(g, v == T_SYSCALL || v == T_BRKPT ? 0xee : 0x8e, 5);
    store<u16>(g, h >>> 16, 6);
  }
  store<u16>(idtr, 256 * 8 - 1);
  store<u32>(idtr, idt, 2);
  lidt(idtr);
  ltr(tss);
}

/** The interrupt controller (every IRQ but the timer's, COM1's and the disk's masked) and the timer. */
export function picinit(): void {
  outw(PIC_MASK, 0xffff & ~((1 << IRQ_TIMER) | (1 << IRQ_COM1) | (1 << IRQ_DISK)));
  outl(TIMER, TICK);
}

export function trap(tfp: usize): void {
  const tf = changetype<TrapFrame>(tfp);
  const n = tf.trapno;
  const user = (tf.cs & 3) == 3;
  if (n == T_SYSCALL) {
    const p = myproc();
    if (p.killed != 0) exit(p.killed);
    tf.eax = syscall(tf);
  } else if (n == T_IRQ0 + IRQ_TIMER) {
    ticks++;
    outb(PIC_CMD, 0x20);
    wakeup(symbol("ticks"));
  } else if (n == T_IRQ0 + IRQ_COM1) {
    consoleintr();
    outb(PIC_CMD, 0x20);
  } else if (n == T_IRQ0 + IRQ_DISK) {
    diskintr();
    outb(PIC_CMD, 0x20);
  } else if (n == T_PGFLT && handlePageFault(tf, user)) {
    // served
  } else if (user) {
    userfault(tf);
  } else {
    panic(trapname(n), tfp);
  }
  if (!user) return;
  // On the way back to user mode: a pending kill, and a tick's worth of CPU is up.
  const p = myproc();
  if (p.killed != 0) exit(p.killed);
  if (n == T_IRQ0 + IRQ_TIMER) yield_();
  if (p.killed != 0) exit(p.killed);
}

/**
 * A page fault the kernel may serve: a not-present page of the current process's regions, with
 * the rights the access needs. The stack region grows on demand: a fault in it counts as growth
 * when it is at most 64 KiB below ESP (room for a large frame) — or comes from the kernel, which
 * has checked the range it touches (docs/kernel.md). Anything else is the process's fault.
 */
function handlePageFault(tf: TrapFrame, user: bool): bool {
  const va = rcr2();
  if (current_pid() == 0 || va >= KERNBASE) return false;
  const p = myproc();
  const r = findregion(regions(p), va);
  if (changetype<usize>(r) == 0) return false;
  if ((tf.err & 2) != 0 && (r.prot & PROT_WRITE) == 0) return false;
  if ((tf.err & 1) != 0) {
    // Present: a write to a copy-on-write page, or a true protection fault.
    if ((tf.err & 2) == 0) return false;
    const c = cowfault(p.pgdir, va, p.pid);
    if (c == 0) return false;
    if (c < 0) { printf("[pid %d %s] out of memory at 0x%08x: killed\n", p.pid, procname(p), va); p.killed = 9; lost(user); }
    else p.minflt++;
    return true;
  }
  if ((tf.err & 2) == 0 && (r.prot & PROT_READ) == 0) return false;
  if (r.kind == REGION_STACK && user && va + 65536 < tf.esp) return false;
  const got = pagein(p.pgdir, r, va, p.pid);
  if (got == -2) {
    // The page could not be read back: lost to a disk error (SPEC §4.4).
    printf("[pid %d %s] bus error: the page at 0x%08x was lost to a disk error\n", p.pid, procname(p), va);
    p.killed = 7;
    lost(user);
    return true;
  }
  if (got < 0) {
    printf("[pid %d %s] out of memory and swap at 0x%08x: killed\n", p.pid, procname(p), va);
    p.killed = 9;
    lost(user);
    return true;
  }
  if (got == 1) p.majflt++; else p.minflt++;
  return true;
}

/**
 * A page the process needs could not be had (lost to a disk error, or no memory and no swap): it
 * has been killed. From user mode it dies on its way back. From the kernel — a system call's copy
 * to or from a user buffer — retrying the instruction would fault again for ever: it dies here,
 * the system call abandoned (the locks a system call may hold over a user copy released first).
 */
function lost(user: bool): void {
  if (user) return;
  const p = myproc();
  syscallabort(p);
  exit(p.killed);
}

/** A fault the kernel cannot serve: one line on the console, and the process dies of its signal (SPEC §4.4). */
function userfault(tf: TrapFrame): void {
  const p = myproc();
  const n = tf.trapno;
  let sig: i32 = 11;
  if (n == T_PGFLT) {
    const va = rcr2();
    const what = (tf.err & 0x10) != 0 ? "execute at" : (tf.err & 2) != 0 ? "write to" : "read at";
    const why = (tf.err & 1) == 0 ? "not present" : "protection";
    printf("[pid %d %s] segmentation fault: %s 0x%08x (%s), ip 0x%08x\n", p.pid, procname(p), what, va, why, tf.eip);
  } else if (n == T_GPFLT) {
    printf("[pid %d %s] general protection fault, ip 0x%08x\n", p.pid, procname(p), tf.eip);
  } else if (n == T_DIVIDE) {
    sig = 8;
    printf("[pid %d %s] divide error, ip 0x%08x\n", p.pid, procname(p), tf.eip);
  } else if (n == T_ILLOP) {
    sig = 4;
    printf("[pid %d %s] illegal instruction, ip 0x%08x\n", p.pid, procname(p), tf.eip);
  } else if (n == T_BRKPT) {
    sig = 5;
    printf("[pid %d %s] breakpoint trap, ip 0x%08x\n", p.pid, procname(p), tf.eip);
  } else if (n == T_DEBUG) {
    // The program set TF (POPFD or IRETD): a single-step trap after its next instruction. No
    // debugger is attached to take it: SIGTRAP, as Linux gives a process that traces itself.
    sig = 5;
    printf("[pid %d %s] trace trap (single step), ip 0x%08x\n", p.pid, procname(p), tf.eip);
  } else {
    printf("[pid %d %s] unexpected trap %d, ip 0x%08x\n", p.pid, procname(p), n, tf.eip);
  }
  p.killed = sig;
}

export function trapname(n: u32): string {
  switch (n) {
    case 0: return "divide error (#DE)";
    case 1: return "debug trap (#DB)";
    case 3: return "breakpoint (#BP)";
    case 6: return "invalid opcode (#UD)";
    case 8: return "double fault (#DF)";
    case 13: return "general protection fault (#GP)";
    case 14: return "page fault (#PF)";
    default: return "unexpected trap";
  }
}

/** The kernel's symbol table (ksyms.s, made by the build): sorted addresses and names. */
function symbolize(addr: usize): void {
  const count = load<u32>(symbol("ksyms_count"));
  const table = symbol("ksyms");
  let best: i32 = -1;
  for (let i: u32 = 0; i < count; i++) {
    if (load<usize>(table, i * 8) <= addr) best = <i32>i; else break;
  }
  if (best < 0) { printf("0x%08x", addr); return; }
  const at = load<usize>(table, <u32>best * 8);
  printf("0x%08x <%s+0x%x>", addr, load<usize>(table, <u32>best * 8 + 4), addr - at);
}

/** Walks the EBP chain from a frame pointer: each frame's return address, with its function. */
export function backtrace(ebp: usize, eip: usize): void {
  printf("backtrace:\n  ");
  symbolize(eip);
  printf("\n");
  let depth = 0;
  while (ebp >= KERNBASE && depth < 16) {
    const ret = load<usize>(ebp, 4);
    if (ret < KERNBASE) break;
    printf("  ");
    symbolize(ret);
    printf("\n");
    ebp = load<usize>(ebp);
    depth++;
  }
}

/** The kernel cannot go on: the reason, the registers (of tf, if any), a backtrace; power off. */
export function panic(why: string, tfp: usize): void {
  cli();
  printf("kernel panic: %s\n", why);
  if (tfp != 0) {
    const tf = changetype<TrapFrame>(tfp);
    printf("  trap %d err 0x%08x eip 0x%08x cs 0x%x eflags 0x%08x cr2 0x%08x\n", tf.trapno, tf.err, tf.eip, tf.cs, tf.eflags, rcr2());
    printf("  eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", tf.eax, tf.ebx, tf.ecx, tf.edx);
    printf("  esi 0x%08x edi 0x%08x ebp 0x%08x esp 0x%08x\n", tf.esi, tf.edi, tf.ebp, tfp + 52);
    backtrace(tf.ebp, tf.eip);
  } else {
    backtrace(read_ebp(), symbol("panic"));
  }
  outb(POWER, 250);
  while (true) hlt();
}
