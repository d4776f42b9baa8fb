// System calls (SPEC §4.2; docs/kernel.md "System calls"): `int 0x80` with Linux i386's
// convention — the number in EAX, arguments in EBX ECX EDX ESI EDI, the result in EAX, a negative
// errno on failure.
//
// The list below is the one source of truth: the kernel's table is built from it (syscallinit),
// and tools/userland.ts generates the user stubs (userland/lib/sys.s and sys.ts) from the same
// enum, each stub's signature being the comment on its member.

import { TrapFrame, ticks } from './trap';
import { myproc, regions, exit, fork, wait, kill, yield_, sleep, Proc } from './proc';
import { uvalid, unmaprange, findregion, Region, REGION_HEAP } from './vm';
import { consputc, consread } from './console';
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
  /** waitpid(pid: i32, status: usize, options: i32): i32 */
  waitpid = 7,
  /** getpid(): i32 */
  getpid = 20,
  /** kill(pid: i32, sig: i32): i32 */
  kill = 37,
  /** brk(addr: usize): usize */
  brk = 45,
  /** getppid(): i32 */
  getppid = 64,
  /** sched_yield(): i32 */
  sched_yield = 158,
  /** nanosleep(req: usize, rem: usize): i32 */
  nanosleep = 162,
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
  set(SYS.waitpid, sys_waitpid);
  set(SYS.getpid, sys_getpid);
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
  const fd = <i32>tf.ebx, buf = tf.ecx, n = tf.edx;
  if (fd != 1 && fd != 2) return EBADF;
  if (!ucheck(buf, n, false)) return EFAULT;
  for (let i: u32 = 0; i < n; i++) consputc(load<u8>(buf, i));
  return <i32>n;
}

function sys_read(tf: TrapFrame): i32 {
  const fd = <i32>tf.ebx, buf = tf.ecx, n = tf.edx;
  if (fd != 0) return EBADF;
  if (!ucheck(buf, n, true)) return EFAULT;
  return consread(buf, n);
}

function sys_waitpid(tf: TrapFrame): i32 {
  const status = tf.ecx;
  if (status != 0 && !ucheck(status, 4, true)) return EFAULT;
  const st = memory.data(4, 4);
  const r = wait(<i32>tf.ebx, st);
  if (r > 0 && status != 0) store<i32>(status, load<i32>(st));
  return r;
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
  if (want == 0 || want < p.brkbase || changetype<usize>(r) == 0) return <i32>p.brk;
  const newend = (want + PGSIZE - 1) & ~(PGSIZE - 1);
  // It may not run into another region (the stack's lowest possible page included).
  for (let a = r.end; a < newend; a += PGSIZE) {
    const other = findregion(regions(p), a);
    if (changetype<usize>(other) != 0 && changetype<usize>(other) != changetype<usize>(r)) return <i32>p.brk;
  }
  if (newend >= KERNBASE) return <i32>p.brk;
  if (newend < r.end) unmaprange(p.pgdir, newend, r.end); // shrinking frees the frames
  r.end = newend;
  p.brk = want;
  return <i32>want;
}

function heapregion(p: Proc): Region {
  const rt = regions(p);
  for (let i: u32 = 0; i < 8; i++) {
    const r = changetype<Region>(rt + i * 32);
    if (r.kind == REGION_HEAP) return r;
  }
  return changetype<Region>(0);
}

/** nanosleep(req, rem): sleeps for at least req's time, counted in timer ticks (docs/kernel.md). */
function sys_nanosleep(tf: TrapFrame): i32 {
  const req = tf.ebx;
  if (!ucheck(req, 8, false)) return EFAULT;
  const sec = load<u32>(req), nsec = load<u32>(req, 4);
  if (nsec >= 1000000000) return EINVAL;
  // One tick stands for 10 ms of the guest's time.
  const n = sec * 100 + (nsec + 9999999) / 10000000;
  const until = ticks + n;
  while (ticks < until) {
    if (myproc().killed != 0) return -4;
    sleep(symbol("ticks"));
  }
  return 0;
}
