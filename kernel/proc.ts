// Processes (SPEC §4.2; docs/kernel.md "Processes"): the process table, kernel stacks, the context
// switch, round-robin scheduling on the timer, sleep and wakeup, exit, wait and fork.
//
// A uniprocessor kernel in the manner of early Unix: the kernel runs with interrupts off (every
// gate is an interrupt gate) and is never preempted; a process gives up the CPU only by sleeping,
// exiting, or — back on its way to user mode — yielding after a timer tick. The scheduler idles
// with interrupts on.

import { KERNBASE, PGSIZE, PTE_P, PTE_W } from './memlayout';
import { kalloc, kfree, kref, FRAME_KERNEL } from './kalloc';
import { TrapFrame, panic, tss } from './trap';
import { setupkvm, freevm, walk, mappage, kpgdir, switchpgdir, NREGION, Region, PTE_COW } from './vm';
import { printf } from './console';
import { PTE_SWAP, slotref } from './swap';
import { fdinit, fdcopy, fdclear } from './file';
import { namei } from './fs';

export const NPROC: u32 = 64;
export const KSTACKSIZE: u32 = 4096;

export const UNUSED: u32 = 0;
export const EMBRYO: u32 = 1;
export const SLEEPING: u32 = 2;
export const RUNNABLE: u32 = 3;
export const RUNNING: u32 = 4;
export const ZOMBIE: u32 = 5;

@unmanaged export class Proc {
  pid: i32;
  state: u32;
  /** Page directory (kernel virtual address). */
  pgdir: usize;
  /** Kernel stack: its lowest address (kernel virtual). */
  kstack: usize;
  /** The trap frame at the top of the kernel stack. */
  tf: usize;
  /** The saved ESP of the process's kernel context (swtch). */
  context: usize;
  parent: i32;
  /** Wait status, Linux's encoding: exit code << 8, or the terminating signal. */
  xstatus: i32;
  /** What it sleeps on. */
  chan: usize;
  /** A signal to die of at the next return to user mode (0: none). */
  killed: i32;
  brkbase: usize;
  brk: usize;
  /** Page faults served: minor (zero-filled) and major (read from the file). */
  minflt: u32;
  majflt: u32;
  /** The program's name, NUL-terminated (16 bytes). */
  name0: u32; name1: u32; name2: u32; name3: u32;
}

const procs = memory.data(64 * 72, 4);
/** Each process's regions: NREGION slots of 32 bytes. */
const regiontab = memory.data(64 * 16 * 32, 4);
let nextpid: i32 = 1;
/** Slots 0 .. nslots-1 have been used: the scans stop there. */
let nslots: u32 = 0;
/** The process on the CPU (0: the scheduler). */
let current: usize = 0;
/** The scheduler's saved ESP. */
const schedctx = memory.data(4, 4);
/** The process init, which adopts orphans. */
let initproc: usize = 0;

declare function swtch(old: usize, next: usize): void;
declare function trapret(): void;

export function proc(i: u32): Proc {
  return changetype<Proc>(procs + i * sizeof<Proc>());
}

export function myproc(): Proc {
  return changetype<Proc>(current);
}

/** The current process's pid, or 0 in the scheduler. */
export function current_pid(): i32 {
  return current == 0 ? 0 : changetype<Proc>(current).pid;
}

/** Whether the caller may sleep: a process is running and the scheduler is there to switch to. */
let scheduling = false;
export function cansleep(): bool {
  return scheduling && current != 0;
}

/** A process's slot number in the table. */
export function procindex(p: Proc): u32 {
  return (changetype<usize>(p) - procs) / sizeof<Proc>();
}

/** The region table of a process. */
export function regions(p: Proc): usize {
  return regiontab + procindex(p) * NREGION * sizeof<Region>();
}

export function procname(p: Proc): usize {
  return changetype<usize>(p) + offsetof<Proc>("name0");
}

export function setname(p: Proc, s: usize): void {
  const d = procname(p);
  let i: u32 = 0;
  while (i < 15 && load<u8>(s, i) != 0) { store<u8>(d, load<u8>(s, i), i); i++; }
  store<u8>(d, 0, i);
}

export function findproc(pid: i32): Proc {
  for (let i: u32 = 0; i < NPROC; i++) {
    const p = changetype<Proc>(procs + i * sizeof<Proc>());
    if (p.state != UNUSED && p.pid == pid) return p;
  }
  return changetype<Proc>(0);
}

/**
 * A new process in EMBRYO state: a kernel stack whose top holds a trap frame, below it the
 * address of trapret and a context whose return address is forkret — so that the first switch
 * to it ends in user mode with that trap frame.
 */
export function allocproc(): Proc {
  for (let i: u32 = 0; i < NPROC; i++) {
    const p = changetype<Proc>(procs + i * sizeof<Proc>());
    if (p.state != UNUSED) continue;
    if (i >= nslots) nslots = i + 1;
    const pid = nextpid;
    const ks = kalloc(FRAME_KERNEL, pid, 0);
    if (ks == 0) return changetype<Proc>(0);
    nextpid++;
    p.pid = pid;
    p.state = EMBRYO;
    p.kstack = KERNBASE + ks;
    let sp = p.kstack + KSTACKSIZE - sizeof<TrapFrame>();
    p.tf = sp;
    sp -= 4;
    store<usize>(sp, changetype<usize>(trapret));
    sp -= 20; // edi esi ebx ebp, then the return address
    for (let k: u32 = 0; k < 16; k += 4) store<u32>(sp, 0, k);
    store<usize>(sp, changetype<usize>(forkret), 16);
    p.context = sp;
    p.parent = 0; p.xstatus = 0; p.chan = 0; p.killed = 0; p.brkbase = 0; p.brk = 0;
    p.minflt = 0; p.majflt = 0; p.pgdir = 0;
    p.name0 = 0; p.name1 = 0; p.name2 = 0; p.name3 = 0;
    const rt = regions(p);
    for (let k: u32 = 0; k < NREGION * sizeof<Region>(); k += 4) store<u32>(rt, 0, k);
    return p;
  }
  return changetype<Proc>(0);
}

/** Where a new process's first switch arrives; returning goes to trapret (the stack says so). */
export function forkret(): void {}

/** Argument vector of init: the path, then the words of `args` (kernel memory, or 0). */
const initargv = memory.data(17 * 4, 4);
const initwords = memory.data(256, 4);

/** The first process: init, the program at path (kernel memory), with the words of args. */
export function userinit(path: usize, args: usize, exec: (p: Proc, ino: u32, argv: usize, argc: u32) => i32): void {
  const p = allocproc();
  if (changetype<usize>(p) == 0) panic("userinit: no process slot", 0);
  initproc = changetype<usize>(p);
  fdinit(p);
  const ino = namei(path);
  if (ino == 0) { printf("init: %s: not found\n", path); panic("no init", 0); }
  store<usize>(initargv, path);
  let argc: u32 = 1;
  if (args != 0) {
    // Split at spaces into initwords.
    let i: u32 = 0, k: u32 = 0;
    while (load<u8>(args, i) != 0 && argc < 16 && k < 250) {
      while (load<u8>(args, i) == 32) i++;
      if (load<u8>(args, i) == 0) break;
      store<usize>(initargv, initwords + k, argc * 4);
      argc++;
      while (load<u8>(args, i) != 0 && load<u8>(args, i) != 32 && k < 250) { store<u8>(initwords, load<u8>(args, i), k); k++; i++; }
      store<u8>(initwords, 0, k);
      k++;
    }
  }
  current = changetype<usize>(p);
  if (exec(p, ino, initargv, argc) < 0) panic("userinit: cannot run init", 0);
  switchpgdir(kpgdir());
  current = 0;
  p.state = RUNNABLE;
}

/** The scheduler: round-robin over RUNNABLE processes; idles with interrupts on. Never returns. */
export function scheduler(): void {
  let next: u32 = 0;
  scheduling = true;
  while (true) {
    let found = false;
    for (let k: u32 = 0; k < nslots; k++) {
      const i = (next + k) % nslots;
      const p = changetype<Proc>(procs + i * sizeof<Proc>());
      if (p.state != RUNNABLE) continue;
      next = i + 1 < nslots ? i + 1 : 0;
      found = true;
      p.state = RUNNING;
      current = changetype<usize>(p);
      store<u32>(tss, p.kstack + KSTACKSIZE, 4);
      switchpgdir(p.pgdir);
      swtch(schedctx, p.context);
      switchpgdir(kpgdir());
      current = 0;
      break;
    }
    if (!found) {
      // Nothing to run: wait for an interrupt (STI's shadow keeps it from slipping in before HLT).
      sti();
      hlt();
      cli();
    }
  }
}

/** Back to the scheduler (the caller has set the state). */
export function sched(): void {
  const p = myproc();
  swtch(changetype<usize>(p) + offsetof<Proc>("context"), load<usize>(schedctx));
}

export function yield_(): void {
  myproc().state = RUNNABLE;
  sched();
}

/** Sleeps until wakeup(chan). */
/** How many slots of the process table have been used (scans stop there). */
export function procslots(): u32 {
  return nslots;
}

/** How many processes sleep (wakeup has nothing to do when none does). */
let nsleeping: u32 = 0;

export function sleep(chan: usize): void {
  const p = myproc();
  p.chan = chan;
  p.state = SLEEPING;
  nsleeping++;
  sched();
  p.chan = 0;
}

/** Wakes every process sleeping on chan. */
export function wakeup(chan: usize): void {
  if (nsleeping == 0) return;
  for (let i: u32 = 0; i < nslots; i++) {
    const p = changetype<Proc>(procs + i * sizeof<Proc>());
    if (p.state == SLEEPING && p.chan == chan) { p.state = RUNNABLE; nsleeping--; }
  }
}

/** Ends the current process with a wait status; its children go to init. Never returns. */
export function exit(status: i32): void {
  const p = myproc();
  if (changetype<usize>(p) == initproc) {
    // The machine's life is init's: its exit status (128 + signal if killed) is the power-off code.
    const code = (status & 0x7f) != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
    outb(0xf4, code);
    panic("init exited", 0);
  }
  for (let i: u32 = 0; i < NPROC; i++) {
    const c = changetype<Proc>(procs + i * sizeof<Proc>());
    if (c.state != UNUSED && c.parent == p.pid) {
      c.parent = changetype<Proc>(initproc).pid;
      if (c.state == ZOMBIE) wakeup(initproc);
    }
  }
  // The address space and descriptors go now; the kernel stack when the parent reaps it.
  fdclear(p);
  switchpgdir(kpgdir());
  freevm(p.pgdir);
  p.pgdir = 0;
  p.xstatus = status;
  p.state = ZOMBIE;
  const parent = findproc(p.parent);
  if (changetype<usize>(parent) != 0) wakeup(changetype<usize>(parent));
  sched();
  panic("exit: a zombie ran", 0);
}

/**
 * waitpid(pid, &status, options): waits for a child (pid -1: any) to end; returns its pid and
 * stores its status at `status` (a kernel address, or 0). -10 (ECHILD) with no such child; with
 * WNOHANG (nohang), 0 when none has ended yet.
 */
export function wait(pid: i32, status: usize, nohang: bool): i32 {
  const p = myproc();
  while (true) {
    let have = false;
    for (let i: u32 = 0; i < NPROC; i++) {
      const c = changetype<Proc>(procs + i * sizeof<Proc>());
      if (c.state == UNUSED || c.parent != p.pid || (pid != -1 && c.pid != pid)) continue;
      have = true;
      if (c.state != ZOMBIE) continue;
      const cpid = c.pid;
      if (status != 0) store<i32>(status, c.xstatus);
      kfree(c.kstack - KERNBASE);
      c.state = UNUSED;
      c.pid = 0;
      return cpid;
    }
    if (!have) return -10;
    if (nohang) return 0; // WNOHANG: children, none ended yet
    if (p.killed != 0) return -4; // EINTR
    sleep(changetype<usize>(p));
  }
}

/** fork(): a copy of the current process, its memory shared copy-on-write (copyuvm). */
export function fork(): i32 {
  const p = myproc();
  const c = allocproc();
  if (changetype<usize>(c) == 0) return -11; // EAGAIN
  c.pgdir = setupkvm(c.pid);
  const shared = c.pgdir != 0 && copyuvm(p.pgdir, c.pgdir, c.pid);
  switchpgdir(p.pgdir); // the parent's writable TLB entries for what is now copy-on-write
  if (!shared) {
    if (c.pgdir != 0) freevm(c.pgdir);
    kfree(c.kstack - KERNBASE);
    c.state = UNUSED;
    c.pid = 0;
    return -12; // ENOMEM
  }
  const from = regions(p), to = regions(c);
  for (let k: u32 = 0; k < NREGION * sizeof<Region>(); k += 4) store<u32>(to, load<u32>(from, k), k);
  for (let k: u32 = 0; k < sizeof<TrapFrame>(); k += 4) store<u32>(c.tf, load<u32>(p.tf, k), k);
  changetype<TrapFrame>(c.tf).eax = 0;
  c.brkbase = p.brkbase; c.brk = p.brk;
  c.name0 = p.name0; c.name1 = p.name1; c.name2 = p.name2; c.name3 = p.name3;
  fdcopy(p, c);
  c.parent = p.pid;
  c.state = RUNNABLE;
  return c.pid;
}

/**
 * fork's copy of an address space, copy-on-write: every present user page is mapped in both,
 * one more reference to its frame; a writable one becomes read-only and marked PTE_COW in both,
 * to be copied on the first write (vm.ts cowfault). The parent's TLB is flushed after (its
 * entries still allow writing).
 */
function copyuvm(from: usize, to: usize, pid: i32): bool {
  for (let i: u32 = 0; i < 768; i++) {
    const e = load<u32>(from, i * 4);
    if ((e & PTE_P) == 0) continue;
    const pt = KERNBASE + (e & ~0xfff);
    for (let j: u32 = 0; j < 1024; j++) {
      let pte = load<u32>(pt, j * 4);
      const va = (i << 22) | (j << 12);
      if ((pte & PTE_SWAP) != 0) {
        // Swapped out: the child's entry names the same slot, one more reference to it.
        const cpte = walk(to, va, true, pid);
        if (cpte == 0) return false;
        store<u32>(cpte, pte);
        slotref((pte >>> 12) - 1);
        continue;
      }
      if ((pte & PTE_P) == 0) continue;
      if ((pte & (PTE_W | PTE_COW)) != 0) {
        pte = (pte & ~PTE_W) | PTE_COW;
        store<u32>(pt, pte, j * 4);
      }
      const pa = pte & ~0xfff;
      if (!mappage(to, va, pa, pte & 0xfff & ~0x21, pid)) return false; // D stays: the page differs from its file
      kref(pa);
    }
  }
  return true;
}

/** Whether the current process has been killed (a sleeper checks it when it wakes). */
export function killed_now(): bool {
  return current != 0 && changetype<Proc>(current).killed != 0;
}

/**
 * Whether a signal's default action is to do nothing here: SIGCHLD, SIGCONT, SIGURG and SIGWINCH
 * are ignored by default (Linux's signal(7)); SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU would stop
 * the process, and there is no job control: they do nothing, as if SIGCONT followed at once.
 * Every other signal from 1 to 64 ends the process (there are no handlers).
 */
function harmless(sig: i32): bool {
  return (sig >= 17 && sig <= 23) || sig == 28;
}

/** One signal to one process (it dies of it on its way back to user mode). */
function signal(p: Proc, sig: i32): void {
  if (sig == 0 || harmless(sig)) return;
  p.killed = sig;
  if (p.state == SLEEPING) { p.state = RUNNABLE; nsleeping--; }
}

/** A signal from the kernel itself (the console's Ctrl-C): no permission to check. */
export function sigsend(pid: i32, sig: i32): void {
  const p = findproc(pid);
  if (changetype<usize>(p) != 0 && p.state != ZOMBIE && p.state != EMBRYO) signal(p, sig);
}

/**
 * kill(pid, sig), as Linux's: pid > 0 that process; 0 the caller's process group and −n the
 * group n (process groups are single processes here: the caller, and process n); −1 every
 * process but init and the caller. init takes no signal from another process — it has no
 * handler, and its death would end the machine (Linux: "the only signals that can be sent to
 * init are those for which it has installed handlers"): EPERM, so the sender knows.
 */
export function kill(pid: i32, sig: i32): i32 {
  if (sig < 0 || sig > 64) return -22; // EINVAL
  const me = changetype<Proc>(current);
  const init = changetype<Proc>(initproc);
  if (pid == -1) {
    let found = false;
    for (let i: u32 = 0; i < NPROC; i++) {
      const p = changetype<Proc>(procs + i * sizeof<Proc>());
      if (p.state == UNUSED || p.state == ZOMBIE || p.state == EMBRYO) continue;
      if (changetype<usize>(p) == initproc || changetype<usize>(p) == current) continue;
      found = true;
      signal(p, sig);
    }
    return found ? 0 : -3; // ESRCH: nobody to signal
  }
  let target = pid;
  if (pid == 0) target = me.pid;
  else if (pid < 0) target = pid == -2147483648 ? 0 : -pid;
  const p = findproc(target);
  if (changetype<usize>(p) == 0 || p.state == ZOMBIE || p.state == EMBRYO) return -3; // ESRCH
  if (changetype<usize>(p) == initproc && current != initproc && sig != 0) return -1; // EPERM
  signal(p, sig);
  return 0;
}

/** Whether a walk finds a mapping (for /proc and the fault handler). */
export function mapped(p: Proc, va: usize): bool {
  const pte = walk(p.pgdir, va, false, 0);
  return pte != 0 && (load<u32>(pte) & PTE_P) != 0;
}
