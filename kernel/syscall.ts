// System calls (SPEC §4.2; docs/kernel.md "System calls"): `int 0x80` with Linux i386's
// convention — the number in EAX, arguments in EBX ECX EDX ESI EDI, the result in EAX, a negative
// errno on failure.
//
// The list below is the one source of truth: the kernel's table is built from it (syscallinit),
// and tools/userland.ts generates the user stubs (userland/lib/sys.s and sys.ts) from the same
// enum, each stub's signature being the comment on its member.

import { TrapFrame, ticks } from './trap';
import { myproc, regions, exit, fork, wait, kill, yield_, sleep, wakeup, procindex, Proc } from './proc';
import { uvalid, unmaprange, findregion, Region, REGION_HEAP, NREGION } from './vm';
import { sys_mmap2, sys_munmap, sys_mprotect } from './mman';
import { fdread, fdwrite, fdopen, fdclose, fdstat, fdopenproc, fdisconsole } from './file';
import { setforeground, getforeground } from './console';
import { namei, itype, T_FILE } from './fs';
import { exec } from './exec';
import { PGSIZE, KERNBASE } from './memlayout';

export const enum SYS {
  /** exit(status: i32): void */
  exit = 1,
  /** fork(): i32 */
  fork = 2,
  /** read(fd: i32, buf: usize, n: u32): i32 */
  read = 3,
  /** write(fd: i32, buf: usize, n: u32): i32 */
  write = 4,
  /** open(path: string, flags: i32, mode: i32): i32 */
  open = 5,
  /** close(fd: i32): i32 */
  close = 6,
  /** waitpid(pid: i32, status: usize, options: i32): i32 */
  waitpid = 7,
  /** execve(path: string, argv: usize, envp: usize): i32 */
  execve = 11,
  /** getpid(): i32 */
  getpid = 20,
  /** ioctl(fd: i32, request: u32, arg: usize): i32 */
  ioctl = 54,
  /** kill(pid: i32, sig: i32): i32 */
  kill = 37,
  /** brk(addr: usize): usize */
  brk = 45,
  /** getppid(): i32 */
  getppid = 64,
  /** sched_yield(): i32 */
  sched_yield = 158,
  /** munmap(addr: usize, length: u32): i32 */
  munmap = 91,
  /** fstat(fd: i32, buf: usize): i32 */
  fstat = 108,
  /** mprotect(addr: usize, length: u32, prot: i32): i32 */
  mprotect = 125,
  /** nanosleep(req: usize, rem: usize): i32 */
  nanosleep = 162,
  /** mmap2(addr: usize, length: u32, prot: i32, flags: i32, fd: i32, pgoffset: u32): usize */
  mmap2 = 192,
}

export const NSYSCALL: u32 = 200;
const EFAULT: i32 = -14;
const EBADF: i32 = -9;
const EINVAL: i32 = -22;
const ENOSYS: i32 = -38;

type Handler = (tf: TrapFrame) => i32;
const table = memory.data(200 * 4, 4);

function set(n: u32, h: Handler): void {
  store<usize>(table, changetype<usize>(h), n * 4);
}

/** The table, from the list. */
export function syscallinit(): void {
  set(SYS.exit, sys_exit);
  set(SYS.fork, sys_fork);
  set(SYS.read, sys_read);
  set(SYS.write, sys_write);
  set(SYS.open, sys_open);
  set(SYS.close, sys_close);
  set(SYS.waitpid, sys_waitpid);
  set(SYS.execve, sys_execve);
  set(SYS.fstat, sys_fstat);
  set(SYS.munmap, sys_munmap);
  set(SYS.mprotect, sys_mprotect);
  set(SYS.mmap2, sys_mmap2);
  set(SYS.getpid, sys_getpid);
  set(SYS.ioctl, sys_ioctl);
  set(SYS.kill, sys_kill);
  set(SYS.brk, sys_brk);
  set(SYS.getppid, sys_getppid);
  set(SYS.sched_yield, sys_sched_yield);
  set(SYS.nanosleep, sys_nanosleep);
}

export function syscall(tf: TrapFrame): i32 {
  const n = tf.eax;
  if (n >= NSYSCALL) return ENOSYS;
  const h = load<usize>(table, n * 4);
  if (h == 0) return ENOSYS;
  return changetype<Handler>(h)(tf);
}

/** Whether the current process may read (or write) [va, va + n) (SPEC §4.2: all of it, no wrap). */
function ucheck(va: usize, n: u32, write: bool): bool {
  return uvalid(regions(myproc()), va, n, write);
}

function sys_exit(tf: TrapFrame): i32 {
  exit((tf.ebx & 0xff) << 8);
  return 0;
}

function sys_fork(tf: TrapFrame): i32 {
  return fork();
}

function sys_write(tf: TrapFrame): i32 {
  const buf = tf.ecx, n = tf.edx;
  if (!ucheck(buf, n, false)) return EFAULT;
  return fdwrite(tf.ebx, buf, n);
}

function sys_read(tf: TrapFrame): i32 {
  const buf = tf.ecx, n = tf.edx;
  if (!ucheck(buf, n, true)) return EFAULT;
  return fdread(tf.ebx, buf, n);
}

/** Path buffers, one per process (a lookup may sleep on the disk). */
const pathbufs = memory.data(64 * 256, 4);

function pathbuf_(): usize {
  return pathbufs + procindex(myproc()) * 256;
}

/**
 * A NUL-terminated string from user memory into buf (at most max bytes with the NUL): checked a
 * byte at a time against the regions, so a string running off its region is EFAULT. Returns its
 * length, or a negative errno.
 */
function fetchstr(va: usize, buf: usize, max: u32): i32 {
  for (let i: u32 = 0; i < max; i++) {
    if (!ucheck(va + i, 1, false)) return EFAULT;
    const c = load<u8>(va, i);
    store<u8>(buf, c, i);
    if (c == 0) return <i32>i;
  }
  return -36; // ENAMETOOLONG
}

function sys_open(tf: TrapFrame): i32 {
  const pathbuf = pathbuf_();
  const r = fetchstr(tf.ebx, pathbuf, 256);
  if (r < 0) return r;
  if ((tf.ecx & 3) != 0) return -30; // EROFS: the filesystem is read-only
  if (isproc(pathbuf)) return fdopenproc(pathbuf);
  const ino = namei(pathbuf);
  if (ino == 0) return -2; // ENOENT
  return fdopen(ino);
}

/** Whether a path is /proc or below it. */
function isproc(p: usize): bool {
  return load<u8>(p) == 47 && load<u8>(p, 1) == 112 && load<u8>(p, 2) == 114 && load<u8>(p, 3) == 111 && load<u8>(p, 4) == 99 && (load<u8>(p, 5) == 0 || load<u8>(p, 5) == 47);
}

function sys_close(tf: TrapFrame): i32 {
  return fdclose(tf.ebx);
}

function sys_fstat(tf: TrapFrame): i32 {
  if (!ucheck(tf.ecx, 12, true)) return EFAULT;
  return fdstat(tf.ebx, tf.ecx);
}

const argvbuf = memory.data(33 * 4, 4);
const strbuf = memory.data(4096, 4);

/**
 * One execve at a time: its buffers here and in exec.ts are shared, and it sleeps on the disk.
 * The pid of the process in execve (0: none).
 */
let execowner: i32 = 0;
const execchan = memory.data(4, 4);

/** execve(path, argv, envp): every pointer checked before anything changes. */
function sys_execve(tf: TrapFrame): i32 {
  while (execowner != 0) {
    if (myproc().killed != 0) return -4;
    sleep(execchan);
  }
  execowner = myproc().pid;
  const r = execve_locked(tf);
  execowner = 0;
  wakeup(execchan);
  return r;
}

/**
 * A process dies in the middle of a system call (trap.ts: a user page it touched could not be
 * brought in): what the call holds across its copies to and from user memory is let go.
 */
export function syscallabort(p: Proc): void {
  if (execowner == p.pid) { execowner = 0; wakeup(execchan); }
}

function execve_locked(tf: TrapFrame): i32 {
  const pathbuf = pathbuf_();
  const r = fetchstr(tf.ebx, pathbuf, 256);
  if (r < 0) return r;
  const ino = namei(pathbuf);
  if (ino == 0) return -2;
  if (itype(ino) != T_FILE) return -13; // EACCES
  let argc: u32 = 0;
  const argv = tf.ecx;
  if (argv != 0) {
    while (true) {
      if (!ucheck(argv + argc * 4, 4, false)) return EFAULT;
      const s = load<usize>(argv, argc * 4);
      if (s == 0) break;
      if (argc >= 32) return -7; // E2BIG: at most 32 arguments
      const len = fetchstr(s, strbuf, 4096);
      // An argument too long for the 4 KiB of strings is E2BIG (ENAMETOOLONG is for paths).
      if (len < 0) return len == -36 ? -7 : len;
      store<usize>(argvbuf, s, argc * 4);
      argc++;
    }
  }
  if (argc == 0) { store<usize>(argvbuf, pathbuf); argc = 1; }
  return exec(myproc(), ino, argvbuf, argc);
}

function sys_waitpid(tf: TrapFrame): i32 {
  const status = tf.ecx;
  // Linux's options: WNOHANG (1), WUNTRACED (2), WCONTINUED (8) and __WNOTHREAD, __WALL,
  // __WCLONE (the top three bits); no process stops here, so all but WNOHANG change nothing.
  // Any other bit is EINVAL.
  if ((tf.edx & ~(0x1 | 0x2 | 0x8 | 0xe0000000)) != 0) return EINVAL;
  if (status != 0 && !ucheck(status, 4, true)) return EFAULT;
  const st = memory.data(4, 4);
  const r = wait(<i32>tf.ebx, st, (tf.edx & 1) != 0); // options: WNOHANG (1)
  if (r > 0 && status != 0) store<i32>(status, load<i32>(st));
  return r;
}

/**
 * ioctl on the console: TIOCSPGRP (0x5410) makes the process *arg the foreground one (Ctrl-C
 * sends it SIGINT), TIOCGPGRP (0x540F) reads it. Process groups are single processes here.
 */
function sys_ioctl(tf: TrapFrame): i32 {
  // A descriptor that is not open: EBADF; open on anything but the console: ENOTTY (only the
  // console is a terminal); a request the console does not know: EINVAL — each before the
  // argument's pointer is looked at, as on Linux.
  const c = fdisconsole(<i32>tf.ebx);
  if (c < 0) return c;
  if (c == 0) return -25; // ENOTTY
  if (tf.ecx != 0x5410 && tf.ecx != 0x540f) return EINVAL;
  if (!ucheck(tf.edx, 4, tf.ecx == 0x540f)) return EFAULT;
  if (tf.ecx == 0x5410) { setforeground(load<i32>(tf.edx)); return 0; }
  if (tf.ecx == 0x540f) { store<i32>(tf.edx, getforeground()); return 0; }
  return -22;
}

function sys_getpid(tf: TrapFrame): i32 {
  return myproc().pid;
}

function sys_getppid(tf: TrapFrame): i32 {
  return myproc().parent;
}

function sys_kill(tf: TrapFrame): i32 {
  return kill(<i32>tf.ebx, <i32>tf.ecx);
}

function sys_sched_yield(tf: TrapFrame): i32 {
  yield_();
  return 0;
}

/** brk(addr): moves the end of the heap (0 or a bad address: no change); returns the new end. */
function sys_brk(tf: TrapFrame): i32 {
  const p = myproc();
  const want = tf.ebx;
  const r = heapregion(p);
  if (want == 0 || want < p.brkbase || want > KERNBASE - PGSIZE || changetype<usize>(r) == 0) return <i32>p.brk;
  const newend = (want + PGSIZE - 1) & ~(PGSIZE - 1);
  // Not below the start of the heap's (top) region: munmap may have cut the heap in two, and
  // the region would turn inside out.
  if (newend < r.start) return <i32>p.brk;
  // It may not run into another region (the stack's whole 8 MiB included).
  const rt = regions(p);
  for (let i: u32 = 0; i < NREGION; i++) {
    const o = changetype<Region>(rt + i * 32);
    if (o.kind == 0 || changetype<usize>(o) == changetype<usize>(r)) continue;
    if (newend > o.start && r.start < o.end) return <i32>p.brk;
  }
  if (newend < r.end) unmaprange(p.pgdir, newend, r.end); // shrinking frees the frames
  r.end = newend;
  p.brk = want;
  return <i32>want;
}

/** The heap's region: the highest one of kind heap (munmap may have cut the heap in pieces). */
function heapregion(p: Proc): Region {
  const rt = regions(p);
  let best = changetype<Region>(0);
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = changetype<Region>(rt + i * 32);
    if (r.kind == REGION_HEAP && (changetype<usize>(best) == 0 || r.start > best.start)) best = r;
  }
  return best;
}

/** nanosleep(req, rem): sleeps for at least req's time, counted in timer ticks (docs/kernel.md). */
function sys_nanosleep(tf: TrapFrame): i32 {
  const req = tf.ebx;
  if (!ucheck(req, 8, false)) return EFAULT;
  const sec = load<i32>(req), nsec = load<u32>(req, 4);
  // (i386's time_t is signed: a negative tv_sec is EINVAL, as on Linux.)
  if (sec < 0 || nsec >= 1000000000) return EINVAL;
  // One tick stands for 10 ms of the guest's time. More than 2^32 ticks (497 days) is as good
  // as forever: the count saturates rather than wrapping to a short sleep.
  const hz: u32 = 100;
  const part = (nsec + 9999999) / 10000000;
  const n: u32 = <u32>sec > (0xffffffff - part) / hz ? 0xffffffff : <u32>sec * hz + part;
  // Elapsed ticks, counted so that the tick counter wrapping around does not end the sleep.
  const start = ticks;
  while (ticks - start < n) {
    if (myproc().killed != 0) return -4;
    sleep(symbol("ticks"));
  }
  return 0;
}
