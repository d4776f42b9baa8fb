// usertests [NAME...]: the kernel's own test suite, run inside the OS as xv6's usertests is — a
// table of named tests of every system call (good and bad arguments: SPEC §4.2, docs/kernel.md
// "System calls"), every user fault (§4.4), demand paging, the stack and the heap (§4.1, §4.3),
// processes and scheduling (§4.2); and (issue 6) Pintos's paging workloads bigger than RAM,
// xv6's copy-on-write tests, mmap2/munmap/mprotect, and the end of swap.
//
// Each test runs in a child of its own, watched by a second child that kills it after its time
// limit (TIMEOUT, or the table's own for the long paging tests): a test that crashes or hangs
// fails alone. The runner prints `test NAME: ok`; a test that fails
// prints `test NAME: FAILED (reason)` itself (it knows the reason); a crash or a time-out is
// reported by the runner. The end is `ALL TESTS PASSED` (status 0) or `N TESTS FAILED` (status 1).
// A test that needs what the kernel does not have yet prints `test NAME: skipped (why)`.
//
// The helpers /bin/ut-args (argument checks, exit codes) and /bin/ut-asm (what needs assembly)
// are run through execve.

import { printf, streq, arg, strlen } from '../lib/ulib';
import { format, type Arg } from '../lib/fmt';
import {
  exit, fork, read, write, open, close, waitpid, execve, getpid, kill, brk, getppid, sched_yield,
  fstat, nanosleep, mmap2, munmap, mprotect, ioctl,
} from '../lib/sys';

// ---- errno values (Linux i386) ----
const ENOENT: i32 = -2;
const ESRCH: i32 = -3;
const E2BIG: i32 = -7;
const ENOEXEC: i32 = -8;
const EBADF: i32 = -9;
const ECHILD: i32 = -10;
const EAGAIN: i32 = -11;
const ENOMEM: i32 = -12;
const EACCES: i32 = -13;
const EFAULT: i32 = -14;
const EINVAL: i32 = -22;
const EMFILE: i32 = -24;
const EROFS: i32 = -30;
const ENOTTY: i32 = -25;
const ENAMETOOLONG: i32 = -36;
const EOVERFLOW: i32 = -75;
const EPERM: i32 = -1;

const SIGILL: i32 = 4;
const SIGTRAP: i32 = 5;
const SIGFPE: i32 = 8;
const SIGKILL: i32 = 9;
const SIGSEGV: i32 = 11;
const SIGTERM: i32 = 15;

const USERTOP: usize = 0xC0000000;
const PGSIZE: u32 = 4096;
/** Timer ticks are 10 ms and come every 100,000 units of the machine's clock (docs/kernel.md). */
const TICK: u32 = 100000;
/** A test that has not ended after this many seconds is killed (unless the table gives its own limit). */
const TIMEOUT: u32 = 30;

const OK: i32 = 0;
const FAIL: i32 = 1;
const SKIP: i32 = 2;

/** The text of /etc/motd (tools/userland.ts writes it). */
const MOTD = "Welcome to toy86. Programs are in /bin, fault demos in /demos.\n";

// ---- static memory ----
const status = memory.data(4, 4);
const buf = memory.data(8192, 16);
const buf2 = memory.data(8192, 16);
const ts = memory.data(8, 4);
const av = memory.data(40 * 4, 4);
const numbuf = memory.data(16, 4);
const pids = memory.data(64 * 4, 4);
/** Pages no test touches except to see them come in: each test's process gets them fresh. */
const fresh = memory.data(16 * 4096, 4096);
/** 2 MiB of zeroed static memory (bss) for demand-zero paging. */
const big = memory.data(2 * 1024 * 1024, 4096);
/** Initialised data (the data segment), compared with the file's bytes. */
const magic = memory.data<u32>([0x1badb002, 0xdeadbeef, 0x01234567, 0x89abcdef]);
let gval: i32 = 0;
let sink: u32 = 0;
let gaddr: usize = 0;
let gcode: i32 = 0;
let zero: i32 = 0;
let minus1: i32 = -1;

// ---- the failure reason: the first one a test records ----
const reason = memory.data(256, 4);
let rlen: u32 = 0;

function rputc(c: u8): void {
  if (rlen < 255) { store<u8>(reason + rlen, c); rlen++; store<u8>(reason + rlen, 0); }
}

/** Records why the test failed (only the first reason is kept); returns FAIL. */
function fail(fmt: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): i32 {
  if (rlen == 0) format(rputc, fmt, a0, a1, a2, a3, a4, a5);
  return FAIL;
}

function skip(why: string): i32 {
  rlen = 0;
  format(rputc, why);
  return SKIP;
}

/** Whether got is expected; if not, records "WHAT = got, want expected" (WHAT formatted with a0..a2). */
function want(got: i32, expected: i32, what: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0): bool {
  if (got == expected) return true;
  if (rlen == 0) {
    format(rputc, what, a0, a1, a2);
    format(rputc, " = %d, want %d", got, expected);
  }
  return false;
}

/** As want, for a truth. */
function check(ok: bool, what: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0): bool {
  if (!ok && rlen == 0) format(rputc, what, a0, a1, a2, a3);
  return ok;
}

// ---- small helpers ----

function copystr(dst: usize, s: usize): void {
  let i: u32 = 0;
  while (true) { const c = load<u8>(s, i); store<u8>(dst, c, i); if (c == 0) break; i++; }
}

function fill(dst: usize, c: u8, n: u32): void {
  for (let i: u32 = 0; i < n; i++) store<u8>(dst, c, i);
}

function same(a: usize, b: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (load<u8>(a, i) != load<u8>(b, i)) return false;
  return true;
}

/** n as decimal text in numbuf. */
function itoa(n: i32): usize {
  let k: u32 = 15;
  store<u8>(numbuf, 0, k);
  let v = n < 0 ? -n : n;
  do { k--; store<u8>(numbuf, <u8>(48 + v % 10), k); v = v / 10; } while (v != 0);
  if (n < 0) { k--; store<u8>(numbuf, 45, k); }
  return numbuf + k;
}

/** argv in av: the strings given (0 ends the list). */
function setargs(a0: usize, a1: usize = 0, a2: usize = 0, a3: usize = 0, a4: usize = 0, a5: usize = 0): usize {
  store<usize>(av, a0, 0); store<usize>(av, a1, 4); store<usize>(av, a2, 8);
  store<usize>(av, a3, 12); store<usize>(av, a4, 16); store<usize>(av, a5, 20); store<usize>(av, 0, 24);
  return av;
}

function s(x: string): usize { return changetype<usize>(x); }

/** Sleeps for ms milliseconds. */
function msleep(ms: u32): i32 {
  store<u32>(ts, ms / 1000); store<u32>(ts, (ms % 1000) * 1000000, 4);
  return nanosleep(ts, 0);
}

type Body = () => void;

/** Runs body in a child that then exits with 0; returns the child's wait status (-1: no child). */
function child(body: Body): i32 {
  const pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) { body(); exit(0); }
  if (waitpid(pid, status, 0) != pid) return -1;
  return load<i32>(status);
}

/** Whether body, run in a child, kills it with sig. */
function dies(body: Body, sig: i32, what: string, a0: Arg = 0): bool {
  const st = child(body);
  if (st == sig) return true;
  if (rlen == 0) {
    format(rputc, what, a0);
    format(rputc, ": wait status 0x%x, want signal %d", st, sig);
  }
  return false;
}

/** Runs a program with up to three arguments in a child; returns its wait status. */
function run(path: string, a1: usize = 0, a2: usize = 0, a3: usize = 0): i32 {
  const pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execve(path, setargs(s(path), a1, a2, a3), 0);
    exit(127);
  }
  if (waitpid(pid, status, 0) != pid) return -1;
  return load<i32>(status);
}

/** Whether the program, run with its arguments, ends with the wait status wanted. */
function runs(st: i32, path: string, a1: usize = 0, a2: usize = 0, a3: usize = 0): bool {
  const got = run(path, a1, a2, a3);
  if (got == st) return true;
  if (rlen == 0) {
    format(rputc, "%s", path);
    if (a1 != 0) format(rputc, " %s", a1);
    if (a2 != 0) format(rputc, " %s", a2);
    format(rputc, ": wait status 0x%x, want 0x%x", got, st);
  }
  return false;
}

/**
 * waitpid(pid) for at most ms milliseconds (pid must be the caller's only child): a sleeping
 * child races it, and whichever ends first answers. The wait status, or -1 on a time-out (pid is
 * then still unreaped).
 */
function waitfor(pid: i32, ms: u32): i32 {
  const timer = fork();
  if (timer == 0) { msleep(ms); exit(0); }
  const w = waitpid(-1, status, 0);
  const st = load<i32>(status);
  if (w == pid) {
    kill(timer, SIGKILL);
    waitpid(timer, 0, 0);
    return st;
  }
  return -1;
}

/** Polls until process pid is gone (kill(pid, 0) is ESRCH); false after ms milliseconds. */
function gone(pid: i32, ms: u32): bool {
  for (let t: u32 = 0; t <= ms; t += 10) {
    if (kill(pid, 0) == ESRCH) return true;
    msleep(10);
  }
  return false;
}

// ---- bad user pointers (SPEC §4.2): EFAULT, and nothing transferred ----

type Call = (p: usize, n: u32) => i32;
let gfd: i32 = 0;
const LEAK = "<LEAK!>\n";

/** The end of the bss (callers have not grown the heap): its last 8 bytes get a marker. */
function bssend(): usize {
  const top = brk(0);
  for (let i: u32 = 0; i < 8; i++) store<u8>(top - 8, load<u8>(s(LEAK), i), i);
  return top;
}

function efault(call: Call, name: string, p: usize, n: u32, top: usize): bool {
  const r = call(p, n);
  if (r != EFAULT) return check(false, "%s(0x%08x, %u) = %d, want -14 (EFAULT)", name, p, n, r);
  // Nothing was written, not even to the part of the range that was valid.
  return check(same(top - 8, s(LEAK), 8), "%s(0x%08x, %u) wrote to memory before failing", name, p, n);
}

/**
 * Every kind of bad range: null, unmapped, the kernel's, wrapping past 0xFFFFFFFF, starting valid
 * and running off the end of its region (the bss's, the stack's), starting unmapped and running
 * into the text; with `needwrite`, read-only text. `size` is the size a call transfers (0: it
 * takes n, and is given 64; 1: a string). With `nullok`, NULL means "none" and is no bad pointer.
 */
function badranges(call: Call, name: string, needwrite: bool, size: u32, nullok: bool = false): bool {
  const top = bssend();
  const n: u32 = size == 0 ? 64 : size;
  if (!nullok && !efault(call, name, 0, n, top)) return false;
  if (!efault(call, name, 0x40000000, n, top)) return false;
  if (!efault(call, name, 0xC0000000, n, top)) return false;
  if (!efault(call, name, 0xC0100000, n, top)) return false;
  if (!efault(call, name, 0xFFFFFFFE, n, top)) return false;
  if (!efault(call, name, size == 0 ? top - 8 : top - 2, n, top)) return false;
  if (!efault(call, name, 0x08048000 - 2, n, top)) return false;
  // (A string at the stack's top may well end there: not for strings.)
  if (size != 1 && !efault(call, name, USERTOP - 2, n, top)) return false;
  if (size == 0) {
    // A length that wraps the range around 0xFFFFFFFF from a valid start.
    if (!efault(call, name, top - 8, 0xFFFFFFF8, top)) return false;
    if (!efault(call, name, buf, 0xFFFFFFFF, top)) return false;
  }
  if (needwrite && !efault(call, name, 0x08048000, n, top)) return false;
  return true;
}

// ================================================================================================
// System calls
// ================================================================================================

const exitcodes = memory.data<i32>([0, 1, 42, 255, 256, -1, 0x1234]);
const exitwant = memory.data<i32>([0, 1, 42, 255, 0, 255, 0x34]);

function exitbody(): void { exit(gcode); }

/** exit(status): the parent's waitpid sees status & 0xFF in bits 8–15. */
function t_exit(): i32 {
  for (let i: u32 = 0; i < 7; i++) {
    gcode = load<i32>(exitcodes, i * 4);
    if (!want(child(exitbody), load<i32>(exitwant, i * 4) << 8, "exit(%d): wait status", gcode)) return FAIL;
  }
  // Returning from main is exit too (crt0).
  if (!runs(3 << 8, "/bin/ut-args", s("code"), s("3"))) return FAIL;
  return OK;
}

/** fork: 0 in the child, the child's pid in the parent; the child has a copy of the memory. */
function t_fork(): i32 {
  const me = getpid();
  gval = 1;
  const heap = brk(0);
  if (!check(brk(heap + PGSIZE) == heap + PGSIZE, "brk failed")) return FAIL;
  store<u32>(heap, 0xabcd);
  store<u32>(fresh, 0x5151);
  const pid = fork();
  if (pid < 0) return fail("fork() = %d", pid);
  if (pid == 0) {
    if (gval != 1) exit(1);
    if (load<u32>(heap) != 0xabcd) exit(2);
    if (load<u32>(fresh) != 0x5151) exit(3);
    if (getpid() == me) exit(4);
    if (getppid() != me) exit(5);
    // Pages the parent never touched come in zeroed in the child.
    if (load<u32>(fresh, 4096) != 0) exit(6);
    gval = 2;
    store<u32>(heap, 0x1234);
    store<u32>(fresh, 0x7777);
    exit(50);
  }
  if (!check(pid > 0 && pid != me, "fork() = %d in the parent", pid)) return FAIL;
  if (!want(waitpid(pid, status, 0), pid, "waitpid(child)")) return FAIL;
  if (!want(load<i32>(status), 50 << 8, "the child's checks: wait status")) return FAIL;
  // The child's writes went to its own copies.
  if (!want(gval, 1, "a global after the child changed its copy")) return FAIL;
  if (!check(load<u32>(heap) == 0xabcd && load<u32>(fresh) == 0x5151, "the heap or bss changed by the child")) return FAIL;
  // And the parent's later writes do not reach a child forked earlier.
  const pid2 = fork();
  if (pid2 == 0) {
    msleep(30);
    exit(gval == 1 ? 0 : 1);
  }
  gval = 3;
  if (!want(waitpid(pid2, status, 0), pid2, "waitpid(child 2)")) return FAIL;
  if (!want(load<i32>(status), 0, "child 2 saw the parent's write after fork: wait status")) return FAIL;
  return OK;
}

function bodyexitpid(): void { exit(getpid() & 0xff); }

/** getpid: positive, the same every time, the value fork gave the parent. */
function t_getpid(): i32 {
  const a = getpid();
  if (!check(a > 0 && getpid() == a, "getpid() = %d, then %d", a, getpid())) return FAIL;
  const pid = fork();
  if (pid == 0) bodyexitpid();
  if (!want(waitpid(pid, status, 0), pid, "waitpid")) return FAIL;
  if (!want(load<i32>(status) >> 8, pid & 0xff, "the child's getpid() & 0xff")) return FAIL;
  const pid2 = fork();
  if (pid2 == 0) exit(0);
  waitpid(pid2, 0, 0);
  return check(pid2 != pid && pid2 != a, "two children with the same pid %d", pid) ? OK : FAIL;
}

/** getppid: the parent's pid; an orphan's parent becomes init (pid 1). */
function t_getppid(): i32 {
  const me = getpid();
  const pid = fork();
  if (pid == 0) exit(getppid() == me ? 0 : 1);
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 0, "the child's getppid() == the parent's pid: wait status")) return FAIL;
  // The orphan: a grandchild whose parent exits. It waits to be adopted; then it exits at once
  // when its new parent is init, and lingers 3 s otherwise (nobody can wait for it here; init
  // reaps it, and then it is gone).
  const c = fork();
  if (c == 0) {
    const cpid = getpid();
    const g = fork();
    if (g == 0) {
      for (let i = 0; i < 200 && getppid() == cpid; i++) msleep(10);
      if (getppid() == 1) exit(0);
      msleep(3000);
      exit(1);
    }
    exit(g - cpid);
  }
  if (!want(waitpid(c, status, 0), c, "waitpid(child)")) return FAIL;
  const g = c + (load<i32>(status) >> 8);
  return check(gone(g, 1500), "the orphan %d did not see getppid() == 1 after its parent exited", g) ? OK : FAIL;
}

function wpcall(p: usize, n: u32): i32 { return waitpid(gcode, p, 0); }

/** waitpid: ECHILD, a given pid, status NULL, bad status pointers (the child stays unreaped). */
function t_waitpid(): i32 {
  if (!want(waitpid(-1, status, 0), ECHILD, "waitpid(-1) with no children")) return FAIL;
  if (!want(waitpid(getpid(), status, 0), ECHILD, "waitpid(self)")) return FAIL;
  if (!want(waitpid(1, status, 0), ECHILD, "waitpid(1), not a child")) return FAIL;
  if (!want(waitpid(100000, status, 0), ECHILD, "waitpid(100000)")) return FAIL;
  // Options Linux does not know: EINVAL (before ECHILD); WUNTRACED and WCONTINUED are known.
  if (!want(waitpid(-1, status, 4), EINVAL, "waitpid(-1, status, 4)")) return FAIL;
  if (!want(waitpid(-1, status, 0xffff), EINVAL, "waitpid(-1, status, 0xffff)")) return FAIL;
  if (!want(waitpid(-1, status, 0x2 | 0x8), ECHILD, "waitpid(-1, status, WUNTRACED | WCONTINUED)")) return FAIL;
  // A given pid is waited for even when another child ends first.
  const a = fork();
  if (a == 0) exit(1);
  const b = fork();
  if (b == 0) { msleep(100); exit(2); }
  if (!want(waitpid(b, status, 0), b, "waitpid(b)")) return FAIL;
  if (!want(load<i32>(status), 2 << 8, "b's wait status")) return FAIL;
  if (!want(waitpid(-1, status, 0), a, "waitpid(-1) after b")) return FAIL;
  if (!want(load<i32>(status), 1 << 8, "a's wait status")) return FAIL;
  // No status wanted.
  const c = fork();
  if (c == 0) exit(3);
  if (!want(waitpid(c, 0, 0), c, "waitpid(c, NULL, 0)")) return FAIL;
  // Bad status pointers: EFAULT, and the child is still there to wait for.
  const d = fork();
  if (d == 0) exit(4);
  msleep(20);
  gcode = d;
  if (!badranges(wpcall, "waitpid(d, status)", true, 4, true)) return FAIL;
  if (!want(waitpid(d, status, 0), d, "waitpid(d) after the bad calls")) return FAIL;
  if (!want(load<i32>(status), 4 << 8, "d's wait status")) return FAIL;
  // A status straddling two pages never touched.
  const e = fork();
  if (e == 0) exit(5);
  const p = fresh + PGSIZE - 2;
  if (!want(waitpid(e, p, 0), e, "waitpid(e, a straddling status)")) return FAIL;
  if (!want(load<i32>(p), 5 << 8, "e's wait status, across a page boundary")) return FAIL;
  return want(waitpid(-1, status, 0), ECHILD, "waitpid(-1) at the end") ? OK : FAIL;
}

function rdcall(p: usize, n: u32): i32 { return read(gfd, p, n); }

/** read: bad descriptors, n = 0, bad buffers (EFAULT, the offset unmoved), the console. */
function t_read(): i32 {
  const fd = open("/etc/motd", 0, 0);
  if (!check(fd >= 3, "open(/etc/motd) = %d", fd)) return FAIL;
  if (!want(read(-1, buf, 10), EBADF, "read(-1)")) return FAIL;
  if (!want(read(99, buf, 10), EBADF, "read(99)")) return FAIL;
  if (!want(read(16, buf, 10), EBADF, "read(16)")) return FAIL;
  if (!want(read(15, buf, 10), EBADF, "read(15), never opened")) return FAIL;
  const fd2 = open("/etc/motd", 0, 0);
  close(fd2);
  if (!want(read(fd2, buf, 10), EBADF, "read(%d), closed", fd2)) return FAIL;
  if (!want(read(fd, buf, 0), 0, "read(fd, buf, 0)")) return FAIL;
  gfd = fd;
  if (!badranges(rdcall, "read(motd)", true, 0)) return FAIL;
  // Nothing was read by the failed calls: the file is still at its start.
  if (!want(read(fd, buf, 7), 7, "read(fd, buf, 7)")) return FAIL;
  if (!check(same(buf, s(MOTD), 7), "the failed reads moved the offset")) return FAIL;
  // The console: a bad buffer fails before the read waits for input.
  gfd = 0;
  if (!badranges(rdcall, "read(0)", true, 0)) return FAIL;
  close(fd);
  return OK;
}

/** Reading a file in pieces, to the end; a big file read in chunks of two sizes agrees. */
function t_readfile(): i32 {
  const fd = open("/etc/motd", 0, 0);
  if (!check(fd >= 0, "open(/etc/motd) = %d", fd)) return FAIL;
  const len = strlen(s(MOTD));
  let got: u32 = 0;
  while (true) {
    const r = read(fd, buf + got, 7);
    if (r < 0) return fail("read(motd, 7) = %d", r);
    if (r == 0) break;
    if (!check(r == 7 || got + <u32>r == len, "read(motd, 7) = %d at offset %u", r, got)) return FAIL;
    got += <u32>r;
    if (got > 4096) return fail("read goes on past the end");
  }
  if (!want(<i32>got, <i32>len, "bytes read from /etc/motd")) return FAIL;
  if (!check(same(buf, s(MOTD), len), "/etc/motd's bytes are not its text")) return FAIL;
  if (!want(read(fd, buf, 100), 0, "read at the end of the file")) return FAIL;
  if (!want(read(fd, buf, 100), 0, "read at the end of the file, again")) return FAIL;
  close(fd);
  // A bigger file: /bin/usertests, in chunks of 1000 and of 4096 (sums of its bytes compared).
  const st = buf2;
  const f1 = open("/bin/usertests", 0, 0);
  if (!want(fstat(f1, st), 0, "fstat(/bin/usertests)")) return FAIL;
  const size = load<u32>(st, 8);
  if (!check(size > 8192, "/bin/usertests is %u bytes", size)) return FAIL;
  let sum1: u32 = 0, n1: u32 = 0;
  while (true) {
    const r = read(f1, buf, 1000);
    if (r <= 0) break;
    for (let i: u32 = 0; i < <u32>r; i++) sum1 = sum1 * 31 + load<u8>(buf, i);
    n1 += <u32>r;
  }
  close(f1);
  const f2 = open("/bin/usertests", 0, 0);
  let sum2: u32 = 0, n2: u32 = 0;
  while (true) {
    const r = read(f2, buf, 4096);
    if (r <= 0) break;
    for (let i: u32 = 0; i < <u32>r; i++) sum2 = sum2 * 31 + load<u8>(buf, i);
    n2 += <u32>r;
  }
  close(f2);
  if (!want(<i32>n1, <i32>size, "bytes read in chunks of 1000")) return FAIL;
  if (!want(<i32>n2, <i32>size, "bytes read in chunks of 4096")) return FAIL;
  return check(sum1 == sum2, "the two reads of /bin/usertests differ") ? OK : FAIL;
}

/** Reads into page-aligned buffers (whole sectors at sector-aligned offsets): the same bytes. */
function t_readaligned(): i32 {
  // The reference: 4 KiB read into a buffer that is not sector-aligned.
  const ref = buf + 4;
  let fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, ref, 4096), 4096, "read(4096) into an unaligned buffer")) return FAIL;
  close(fd);
  // Into the page-aligned bss, touched first and then not.
  const p = fresh;
  fill(p, 0x77, 4096);
  fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, p, 4096), 4096, "read(4096) into a page-aligned buffer")) return FAIL;
  close(fd);
  if (!check(same(p, ref, 4096), "read(4096) into a page-aligned buffer (0x%x) gave other bytes: 0x%x, want 0x%x", p, load<u32>(p), load<u32>(ref))) return FAIL;
  const q = fresh + 2 * PGSIZE;
  fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, q, 4096), 4096, "read(4096) into a fresh page-aligned buffer")) return FAIL;
  close(fd);
  if (!check(same(q, ref, 4096), "read(4096) into a fresh page-aligned buffer (0x%x) gave other bytes: 0x%x, want 0x%x", q, load<u32>(q), load<u32>(ref))) return FAIL;
  // 512 bytes at offset 512 into a sector-aligned heap address.
  const heap = brk(0);
  brk(heap + PGSIZE);
  fd = open("/bin/usertests", 0, 0);
  read(fd, buf2, 512);
  if (!want(read(fd, heap + 512, 512), 512, "read(512) at offset 512 into the heap")) return FAIL;
  close(fd);
  return check(same(heap + 512, ref + 512, 512), "read(512) into a sector-aligned heap buffer gave other bytes") ? OK : FAIL;
}

const racefiles = memory.data<usize>([
  changetype<usize>("/bin/usertests"), changetype<usize>("/bin/sh"),
  changetype<usize>("/bin/ut-args"), changetype<usize>("/demos/zero-fill"),
]);

/** The sum of a file's first 3 KiB, read 100 bytes at a time. */
function filesum(path: usize): u32 {
  const fd = open(changetype<string>(path), 0, 0);
  if (fd < 0) return 0;
  let sum: u32 = 0;
  for (let n = 0; n < 3072; n += 100) {
    const r = read(fd, buf, 100);
    if (r <= 0) break;
    for (let i: u32 = 0; i < <u32>r; i++) sum = sum * 31 + load<u8>(buf, i);
  }
  close(fd);
  return sum;
}

/**
 * 8 processes read 4 files at once, 100 bytes at a time: each gets its file's bytes. (The kernel
 * reads a sector at a time through one buffer, and each sector costs 50,000 units of disk latency:
 * the files' first 3 KiB, twice.)
 */
function t_readrace(): i32 {
  for (let k: u32 = 0; k < 4; k++) store<u32>(pids, filesum(load<usize>(racefiles, k * 4)), 32 + k * 4);
  for (let i: u32 = 0; i < 8; i++) {
    const pid = fork();
    if (pid == 0) {
      for (let round = 0; round < 2; round++) {
        if (filesum(load<usize>(racefiles, (i % 4) * 4)) != load<u32>(pids, 32 + (i % 4) * 4)) exit(1);
      }
      exit(0);
    }
  }
  let bad = 0;
  for (let i = 0; i < 8; i++) {
    if (waitpid(-1, status, 0) < 0) return fail("waitpid failed");
    if (load<i32>(status) != 0) bad++;
  }
  return check(bad == 0, "%d of 8 processes reading files at once read wrong bytes", bad) ? OK : FAIL;
}

/** 8 processes open 4 paths at once, 20 times each: each open finds its own file (fstat's inode). */
function t_openrace(): i32 {
  for (let k: u32 = 0; k < 4; k++) {
    const fd = open(changetype<string>(load<usize>(racefiles, k * 4)), 0, 0);
    fstat(fd, buf2);
    close(fd);
    store<u32>(pids, load<u32>(buf2), 32 + k * 4);
  }
  for (let i: u32 = 0; i < 8; i++) {
    const pid = fork();
    if (pid == 0) {
      const k = (i % 4) * 4;
      for (let round = 0; round < 20; round++) {
        const fd = open(changetype<string>(load<usize>(racefiles, k)), 0, 0);
        if (fd < 0) exit(2);
        fstat(fd, buf2);
        close(fd);
        if (load<u32>(buf2) != load<u32>(pids, 32 + k)) exit(1);
      }
      exit(0);
    }
  }
  let wrong = 0, missing = 0;
  for (let i = 0; i < 8; i++) {
    if (waitpid(-1, status, 0) < 0) return fail("waitpid failed");
    if (load<i32>(status) == 1 << 8) wrong++;
    else if (load<i32>(status) != 0) missing++;
  }
  return check(wrong == 0 && missing == 0, "of 8 processes opening files at once, %d opened the wrong file and %d got an error", wrong, missing) ? OK : FAIL;
}

/** Reads into buffers across page boundaries, into pages never touched: bss, heap and stack. */
function t_readstraddle(): i32 {
  const ref = buf;
  let fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, ref, 8192), 8192, "read(8192) into a touched buffer")) return FAIL;
  close(fd);
  // The bss: from 100 bytes before a page boundary, over two more pages.
  const p = fresh + PGSIZE - 100;
  fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, p, 8192), 8192, "read(8192) across fresh bss pages")) return FAIL;
  close(fd);
  if (!check(same(p, ref, 8192), "the bytes read across fresh bss pages differ")) return FAIL;
  // The heap, just grown.
  const heap = brk(0);
  if (!check(brk(heap + 4 * PGSIZE) == heap + 4 * PGSIZE, "brk failed")) return FAIL;
  fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, heap + 4000, 8192), 8192, "read(8192) across fresh heap pages")) return FAIL;
  close(fd);
  if (!check(same(heap + 4000, ref, 8192), "the bytes read across fresh heap pages differ")) return FAIL;
  // The stack region, 1 MiB below the top: the kernel brings the pages in (docs/kernel.md).
  const q: usize = USERTOP - 0x100000 - 50;
  fd = open("/bin/usertests", 0, 0);
  if (!want(read(fd, q, 100), 100, "read(100) into the stack region, 1 MiB down")) return FAIL;
  close(fd);
  return check(same(q, ref, 100), "the bytes read into the stack region differ") ? OK : FAIL;
}

/** Whether directory path has an entry called name (with an inode); sizes are whole entries. */
function hasentry(path: string, name: string): bool {
  const fd = open(path, 0, 0);
  if (fd < 0) return false;
  let found = false;
  while (read(fd, buf2, 32) == 32) {
    if (load<u32>(buf2) != 0 && streq(buf2 + 4, s(name))) found = true;
  }
  close(fd);
  return found;
}

/** Reading a directory: whole 32-byte entries (inode, name), then 0 at the end. */
function t_readdir(): i32 {
  if (!check(hasentry("/", "bin") && hasentry("/", "demos") && hasentry("/", "etc"), "/ lacks bin, demos or etc")) return FAIL;
  if (!check(hasentry("/bin", "usertests") && hasentry("/bin", "ut-args") && hasentry("/bin", "sh"), "/bin lacks usertests, ut-args or sh")) return FAIL;
  if (!check(hasentry("/etc", "motd") && !hasentry("/etc", "nothere"), "/etc's entries are wrong")) return FAIL;
  const fd = open("/", 0, 0);
  let n = 0;
  while (true) {
    const r = read(fd, buf, 32);
    if (r == 0) break;
    if (!want(r, 32, "read(/, 32) for entry %d", n)) return FAIL;
    n++;
    if (n > 64) return fail("read(/) never ends");
  }
  close(fd);
  if (!check(n >= 3, "/ has %d entries", n)) return FAIL;
  // 70 bytes asked: two whole entries; then 31: not one, and the offset stays.
  const f2 = open("/", 0, 0);
  if (!want(read(f2, buf, 70), 64, "read(/, 70)")) return FAIL;
  const r31 = read(f2, buf2, 31);
  if (!check(r31 <= 0, "read(/, 31) = %d, want no partial entry", r31)) return FAIL;
  if (!want(read(f2, buf2, 32), 32, "read(/, 32) after read(/, 31)")) return FAIL;
  close(f2);
  const f3 = open("/", 0, 0);
  read(f3, buf, 96);
  close(f3);
  return check(same(buf + 64, buf2, 32), "read(/, 31) moved the offset") ? OK : FAIL;
}

function wrcall(p: usize, n: u32): i32 { return write(gfd, p, n); }

/** write: the console, bad descriptors, a file (read-only), bad buffers, a straddling buffer. */
function t_write(): i32 {
  if (!want(write(1, s(""), 0), 0, "write(1, \"\", 0)")) return FAIL;
  const line = "usertests: a line written with write(2)\n";
  if (!want(write(1, s(line), strlen(s(line))), <i32>strlen(s(line)), "write(1, line)")) return FAIL;
  if (!want(write(-1, s(line), 4), EBADF, "write(-1)")) return FAIL;
  if (!want(write(99, s(line), 4), EBADF, "write(99)")) return FAIL;
  if (!want(write(16, s(line), 4), EBADF, "write(16)")) return FAIL;
  if (!want(write(15, s(line), 4), EBADF, "write(15), never opened")) return FAIL;
  const fd = open("/etc/motd", 0, 0);
  if (!want(write(fd, s(line), 4), EBADF, "write to a file opened O_RDONLY")) return FAIL;
  close(fd);
  if (!want(write(fd, s(line), 4), EBADF, "write(%d), closed", fd)) return FAIL;
  gfd = 1;
  if (!badranges(wrcall, "write(1)", false, 0)) return FAIL;
  // A buffer across a page boundary.
  const p = fresh + PGSIZE - 20;
  copystr(p, s("usertests: a line across a page boundary\n"));
  return want(write(1, p, 41), 41, "write(1, across a page boundary)") ? OK : FAIL;
}

function opencall(p: usize, n: u32): i32 { return open(changetype<string>(p), 0, 0); }

/** open: missing paths, EROFS for writing, bad and straddling path pointers, too long a path. */
function t_open(): i32 {
  if (!want(open("/nonexistent", 0, 0), ENOENT, "open(/nonexistent)")) return FAIL;
  if (!want(open("/bin/nonexistent", 0, 0), ENOENT, "open(/bin/nonexistent)")) return FAIL;
  if (!want(open("/nonexistent/x", 0, 0), ENOENT, "open(/nonexistent/x)")) return FAIL;
  if (!want(open("/etc/motd/x", 0, 0), ENOENT, "open(/etc/motd/x), a file as a directory")) return FAIL;
  if (!want(open("", 0, 0), ENOENT, "open(\"\")")) return FAIL;
  // Paths are absolute (docs/kernel.md): there is no working directory.
  if (!want(open("etc/motd", 0, 0), ENOENT, "open(etc/motd), relative")) return FAIL;
  if (!want(open("/etc/motd", 1, 0), EROFS, "open(/etc/motd, O_WRONLY)")) return FAIL;
  if (!want(open("/etc/motd", 2, 0), EROFS, "open(/etc/motd, O_RDWR)")) return FAIL;
  if (!want(open("/etc/motd", 0x241, 0o644), EROFS, "open(/etc/motd, O_WRONLY|O_CREAT|O_TRUNC)")) return FAIL;
  if (!want(open("/etc/new", 0x41, 0o644), EROFS, "open(/etc/new, O_WRONLY|O_CREAT)")) return FAIL;
  if (!want(open("/", 1, 0), EROFS, "open(/, O_WRONLY)")) return FAIL;
  // Good ones: the lowest free descriptor each time.
  const a = open("/etc/motd", 0, 0);
  const b = open("/", 0, 0);
  const c = open("/bin/", 0, 0);
  if (!check(a == 3 && b == 4 && c == 5, "open gave %d, %d, %d; want 3, 4, 5", a, b, c)) return FAIL;
  close(b);
  if (!want(open("//etc//motd", 0, 0), 4, "open(//etc//motd) after close(4)")) return FAIL;
  // Bad path pointers; a path that runs off the end of the bss without its NUL.
  if (!badranges(opencall, "open", false, 1)) return FAIL;
  const top = brk(0);
  fill(top - 16, 97, 16);
  if (!want(open(changetype<string>(top - 16), 0, 0), EFAULT, "open(a path running off the bss)")) return FAIL;
  // A path ending at the region's last byte is fine; so is one across a page boundary.
  copystr(top - 10, s("/etc/motd"));
  if (!check(open(changetype<string>(top - 10), 0, 0) >= 0, "open(a path at the end of the bss) failed")) return FAIL;
  copystr(fresh + PGSIZE - 4, s("/etc/motd"));
  if (!check(open(changetype<string>(fresh + PGSIZE - 4), 0, 0) >= 0, "open(a path across a page boundary) failed")) return FAIL;
  // Too long: ENAMETOOLONG (a path of 300 bytes).
  store<u8>(buf, 47);
  fill(buf + 1, 97, 299);
  store<u8>(buf, 0, 300);
  return want(open(changetype<string>(buf), 0, 0), ENAMETOOLONG, "open(a 300-byte path)") ? OK : FAIL;
}

/** 16 descriptors a process: 13 opens after 0, 1, 2; the next is EMFILE; closing frees them. */
function t_openmany(): i32 {
  for (let i = 3; i < 16; i++) {
    if (!want(open("/etc/motd", 0, 0), i, "open number %d", i - 2)) return FAIL;
  }
  if (!want(open("/etc/motd", 0, 0), EMFILE, "open with every descriptor in use")) return FAIL;
  for (let i = 3; i < 16; i++) if (!want(close(i), 0, "close(%d)", i)) return FAIL;
  if (!want(open("/etc/motd", 0, 0), 3, "open after closing them all")) return FAIL;
  // Each open has its own offset.
  const fd = open("/etc/motd", 0, 0);
  read(3, buf, 8);
  if (!want(read(fd, buf, 7), 7, "read(second descriptor)")) return FAIL;
  return check(same(buf, s(MOTD), 7), "two opens share an offset") ? OK : FAIL;
}

/** close: bad descriptors, twice, then the descriptor is really closed. */
function t_close(): i32 {
  if (!want(close(-1), EBADF, "close(-1)")) return FAIL;
  if (!want(close(99), EBADF, "close(99)")) return FAIL;
  if (!want(close(16), EBADF, "close(16)")) return FAIL;
  if (!want(close(0x80000000), EBADF, "close(0x80000000)")) return FAIL;
  if (!want(close(7), EBADF, "close(7), never opened")) return FAIL;
  const fd = open("/etc/motd", 0, 0);
  if (!want(close(fd), 0, "close(fd)")) return FAIL;
  if (!want(close(fd), EBADF, "close(fd) twice")) return FAIL;
  if (!want(fstat(fd, buf), EBADF, "fstat of a closed descriptor")) return FAIL;
  // The console's descriptors close too (in a child).
  const pid = fork();
  if (pid == 0) {
    if (close(0) != 0) exit(1);
    if (read(0, buf, 1) != EBADF) exit(2);
    if (open("/etc/motd", 0, 0) != 0) exit(3);
    exit(0);
  }
  waitpid(pid, status, 0);
  return want(load<i32>(status), 0, "close(0) in a child, read(0), reopen as 0: wait status") ? OK : FAIL;
}

function fscall(p: usize, n: u32): i32 { return fstat(gfd, p); }

/** Whether fstat(fd) gives mode m (and size sz unless -1). */
function statis(fd: i32, m: u32, sz: i32, what: string): bool {
  fill(buf2, 0xee, 12);
  if (!want(fstat(fd, buf2), 0, "fstat(%s)", what)) return false;
  if (!check(load<u32>(buf2, 4) == m, "fstat(%s): mode 0x%x, want 0x%x", what, load<u32>(buf2, 4), m)) return false;
  if (sz >= 0 && !want(load<i32>(buf2, 8), sz, "fstat(%s): size", what)) return false;
  return true;
}

/** fstat: the console, a file, a directory, a program; bad descriptors and buffers. */
function t_fstat(): i32 {
  if (!statis(0, 0o020620, 0, "0, the console")) return FAIL;
  if (!statis(1, 0o020620, 0, "1, the console")) return FAIL;
  const a = open("/etc/motd", 0, 0);
  if (!statis(a, 0o100644, <i32>strlen(s(MOTD)), "/etc/motd")) return FAIL;
  const ino = load<u32>(buf2);
  const b = open("/", 0, 0);
  if (!want(fstat(b, buf2), 0, "fstat(/)")) return FAIL;
  if (!check((load<u32>(buf2, 4) & 0o170000) == 0o040000, "fstat(/): mode 0x%x, not a directory", load<u32>(buf2, 4))) return FAIL;
  if (!check(load<u32>(buf2) != ino && load<u32>(buf2) != 0, "/ and /etc/motd have inodes %u and %u", load<u32>(buf2), ino)) return FAIL;
  const c = open("/bin/usertests", 0, 0);
  if (!statis(c, 0o100755, -1, "/bin/usertests")) return FAIL;
  if (!want(fstat(-1, buf2), EBADF, "fstat(-1)")) return FAIL;
  if (!want(fstat(99, buf2), EBADF, "fstat(99)")) return FAIL;
  if (!want(fstat(12, buf2), EBADF, "fstat(12), never opened")) return FAIL;
  gfd = a;
  if (!badranges(fscall, "fstat", true, 12)) return FAIL;
  // A buffer across a page boundary, in pages never touched.
  const p = fresh + PGSIZE - 6;
  if (!want(fstat(a, p), 0, "fstat(across a page boundary)")) return FAIL;
  return check(load<u32>(p) == ino && load<u32>(p, 4) == 0o100644 && load<u32>(p, 8) == strlen(s(MOTD)), "fstat across a page boundary wrote %u %x %u", load<u32>(p), load<u32>(p, 4), load<u32>(p, 8)) ? OK : FAIL;
}

function execcall(p: usize, n: u32): i32 { return execve(changetype<string>(p), setargs(s("x")), 0); }
function argvcall(p: usize, n: u32): i32 { return execve("/bin/ut-args", p, 0); }
/** (A NULL here would end argv, and the execve would succeed: badranges is told NULL is fine.) */
function argcall(p: usize, n: u32): i32 { return execve("/bin/ut-args", setargs(s("ut-args"), p), 0); }

function fd3body(): void {
  if (open("/etc/motd", 0, 0) != 3) exit(99);
  execve("/bin/ut-args", setargs(s("ut-args"), s("fd3")), 0);
  exit(98);
}

function freshbody(): void {
  gval = 77;
  brk(brk(0) + 3 * PGSIZE);
  execve("/bin/ut-args", setargs(s("ut-args"), s("fresh")), 0);
  exit(98);
}

function noargvbody(): void {
  execve("/bin/ut-args", 0, 0);
  exit(98);
}

/** execve: bad paths, bad argv, too many arguments, the process intact after each failure; then runs with arguments. */
function t_execve(): i32 {
  gval = 4321;
  const heap = brk(0);
  if (!want(execve("/nonexistent", setargs(s("x")), 0), ENOENT, "execve(/nonexistent)")) return FAIL;
  if (!want(execve("/bin", setargs(s("x")), 0), EACCES, "execve(/bin), a directory")) return FAIL;
  if (!want(execve("/etc/motd", setargs(s("x")), 0), ENOEXEC, "execve(/etc/motd), not ELF")) return FAIL;
  store<u8>(buf, 47);
  fill(buf + 1, 97, 299);
  store<u8>(buf, 0, 300);
  if (!want(execve(changetype<string>(buf), setargs(s("x")), 0), ENAMETOOLONG, "execve(a 300-byte path)")) return FAIL;
  if (!badranges(execcall, "execve(path)", false, 1)) return FAIL;
  // argv: the array itself bad, or one of its strings, or an array that runs off the bss.
  if (!badranges(argvcall, "execve(/bin/ut-args, argv)", false, 4, true)) return FAIL;
  if (!badranges(argcall, "execve(/bin/ut-args, [ut-args, p])", false, 1, true)) return FAIL;
  const top = brk(0);
  store<usize>(top - 4, s("ut-args"));
  if (!want(execve("/bin/ut-args", top - 4, 0), EFAULT, "execve(argv without its NULL at the end of the bss)")) return FAIL;
  fill(top - 16, 97, 16);
  if (!want(execve("/bin/ut-args", setargs(s("ut-args"), top - 16), 0), EFAULT, "execve(an argument running off the bss)")) return FAIL;
  // 33 arguments: E2BIG; 4 KiB of strings: E2BIG.
  for (let i: u32 = 0; i < 33; i++) store<usize>(buf2, s("a"), i * 4);
  store<usize>(buf2, 0, 33 * 4);
  if (!want(execve("/bin/ut-args", buf2, 0), E2BIG, "execve(33 arguments)")) return FAIL;
  fill(buf, 120, 2500); store<u8>(buf, 0, 2500);
  fill(buf + 3000, 121, 2500); store<u8>(buf, 0, 5500);
  if (!want(execve("/bin/ut-args", setargs(s("ut-args"), buf, buf + 3000), 0), E2BIG, "execve(5000 bytes of arguments)")) return FAIL;
  // One argument longer than the 4 KiB of strings: E2BIG too (not ENAMETOOLONG: no path).
  fill(buf, 122, 5000); store<u8>(buf, 0, 5000);
  if (!want(execve("/bin/ut-args", setargs(s("ut-args"), buf), 0), E2BIG, "execve(one 5000-byte argument)")) return FAIL;
  // Still this process, unchanged.
  if (!check(gval == 4321 && brk(0) == heap, "a failed execve changed the process")) return FAIL;
  // Runs: argc and argv as given; argv NULL gives argc 1; 32 arguments; lengths of strings.
  if (!runs(4 << 8, "/bin/ut-args", s("argc"), s("b"), s("c"))) return FAIL;
  if (!want(child(noargvbody), 1 << 8, "execve(ut-args, NULL): wait status")) return FAIL;
  for (let i: u32 = 0; i < 32; i++) store<usize>(buf2, s("argc"), i * 4);
  store<usize>(buf2, 0, 32 * 4);
  const pid = fork();
  if (pid == 0) { execve("/bin/ut-args", buf2, 0); exit(98); }
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 32 << 8, "execve(32 arguments): wait status")) return FAIL;
  if (!runs(11 << 8, "/bin/ut-args", s("len"), s("hello"), s("world!"))) return FAIL;
  if (!runs(0, "/bin/ut-args", s("len"), s(""))) return FAIL;
  // Descriptors stay open across execve; the new program's memory is its own.
  if (!want(child(fd3body), 0, "execve keeps descriptor 3: wait status")) return FAIL;
  if (!want(child(freshbody), 0, "the new program's data, bss and heap are fresh: wait status")) return FAIL;
  // A demo: file-backed text, zero-filled bss.
  return runs(0, "/demos/zero-fill") ? OK : FAIL;
}

/** Loops n times, or forever when n is 0. */
function spin(n: u32): void {
  if (n == 0) while (true) {}
  for (let i: u32 = 0; i < n; i++) sink += i;
}

function spinbody(): void { spin(0); }

/** kill: ESRCH, signal 0, a zombie, a process killing itself. */
function t_kill(): i32 {
  if (!want(kill(100000, SIGKILL), ESRCH, "kill(100000)")) return FAIL;
  if (!want(kill(100000, 0), ESRCH, "kill(100000, 0)")) return FAIL;
  // Signal 0 checks a process is there and does nothing to it.
  const a = fork();
  if (a == 0) { msleep(100); exit(7); }
  if (!want(kill(a, 0), 0, "kill(child, 0)")) return FAIL;
  waitpid(a, status, 0);
  if (!want(load<i32>(status), 7 << 8, "wait status after kill(child, 0)")) return FAIL;
  // A zombie is not killed again: it keeps its status (kill gives 0 as on Linux, or ESRCH).
  const b = fork();
  if (b == 0) exit(8);
  msleep(50);
  const rz = kill(b, SIGKILL);
  if (!check(rz == 0 || rz == ESRCH, "kill(zombie) = %d, want 0 or -3", rz)) return FAIL;
  waitpid(b, status, 0);
  if (!want(load<i32>(status), 8 << 8, "the zombie's wait status")) return FAIL;
  if (!want(kill(b, SIGKILL), ESRCH, "kill(a reaped child)")) return FAIL;
  // Itself: it dies on its way back to user mode.
  const c = fork();
  if (c == 0) { kill(getpid(), SIGKILL); exit(1); }
  waitpid(c, status, 0);
  if (!want(load<i32>(status), SIGKILL, "kill(getpid(), 9): wait status")) return FAIL;
  const d = fork();
  if (d == 0) { kill(getpid(), 15); exit(1); }
  waitpid(d, status, 0);
  return want(load<i32>(status), 15, "kill(getpid(), 15): wait status") ? OK : FAIL;
}

/** kill with a signal number Linux refuses: EINVAL, and the target lives. */
function t_killsig(): i32 {
  const a = fork();
  if (a == 0) { msleep(200); exit(7); }
  const r1 = kill(a, -1);
  const r2 = kill(a, 65);
  const r3 = kill(a, 128);
  waitpid(a, status, 0);
  if (!want(r1, EINVAL, "kill(child, -1)")) return FAIL;
  if (!want(r2, EINVAL, "kill(child, 65)")) return FAIL;
  if (!want(r3, EINVAL, "kill(child, 128)")) return FAIL;
  return want(load<i32>(status), 7 << 8, "the child's wait status after the refused kills") ? OK : FAIL;
}

/** Kills a child while it sleeps in nanosleep: it dies at once. */
function t_killsleep(): i32 {
  const pid = fork();
  if (pid == 0) { store<u32>(ts, 100); store<u32>(ts, 0, 4); nanosleep(ts, 0); exit(1); }
  msleep(50);
  if (!want(kill(pid, SIGKILL), 0, "kill(sleeping child)")) return FAIL;
  const t0 = rdtsc();
  if (!want(waitpid(pid, status, 0), pid, "waitpid")) return FAIL;
  const dt = rdtsc() - t0;
  if (!want(load<i32>(status), SIGKILL, "the sleeping child's wait status")) return FAIL;
  return check(dt < 50 * TICK, "the killed sleeper took %u ticks to die", dt / TICK) ? OK : FAIL;
}

/** Kills a child spinning in user mode (this one's copy, and a program run by execve). */
function t_killspin(): i32 {
  const pid = fork();
  if (pid == 0) spinbody();
  sched_yield();
  if (!want(kill(pid, SIGKILL), 0, "kill(spinning child)")) return FAIL;
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), SIGKILL, "the spinner's wait status")) return FAIL;
  const pid2 = fork();
  if (pid2 == 0) { execve("/bin/ut-args", setargs(s("ut-args"), s("spin")), 0); exit(98); }
  msleep(30);
  if (!want(kill(pid2, SIGKILL), 0, "kill(ut-args spin)")) return FAIL;
  waitpid(pid2, status, 0);
  return want(load<i32>(status), SIGKILL, "ut-args spin's wait status") ? OK : FAIL;
}

/** Each signal number a process sends itself, 0 to 70 (SPEC §4.2: Linux's): 0 and those whose
 * default action is to ignore (SIGCHLD, SIGURG, SIGWINCH) or to stop and continue (SIGCONT,
 * SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: no job control) do nothing; the rest of 1–64 end it with
 * that signal; 65 and up are EINVAL. */
function t_killself(): i32 {
  for (let sig = 0; sig <= 70; sig++) {
    const pid = fork();
    if (pid == 0) { const r = kill(getpid(), sig); exit(r == 0 ? 50 : r == EINVAL ? 51 : 52); }
    if (waitpid(pid, status, 0) != pid) return fail("waitpid after kill(self, %d)", sig);
    let expect = sig;
    if (sig == 0 || (sig >= 17 && sig <= 23) || sig == 28) expect = 50 << 8;
    if (sig > 64) expect = 51 << 8;
    if (!want(load<i32>(status), expect, "kill(getpid(), %d): wait status", sig)) return FAIL;
  }
  return OK;
}

/** init (pid 1) takes no signal from another process: EPERM, and the machine goes on (Linux
 * protects init the same way); signal 0 still finds it. */
function t_killinit(): i32 {
  if (!want(kill(1, SIGKILL), EPERM, "kill(1, 9)")) return FAIL;
  if (!want(kill(1, SIGTERM), EPERM, "kill(1, 15)")) return FAIL;
  if (!want(kill(1, 2), EPERM, "kill(1, 2)")) return FAIL;
  if (!want(kill(1, 0), 0, "kill(1, 0)")) return FAIL;
  // From a child too (and a grandchild of init's), with init still there after.
  if (!want(child(killinitbody), 0, "a child's kill(1, 9): wait status")) return FAIL;
  return want(kill(1, 0), 0, "kill(1, 0) after the tries") ? OK : FAIL;
}

function killinitbody(): void { if (kill(1, SIGKILL) != EPERM) exit(1); }

/** kill(0) is the caller (its own process group: groups are single processes), kill(-n) the
 * group n, that is process n; kill(-1) every process but init and the caller. */
function t_killgroup(): i32 {
  if (!want(kill(0, 0), 0, "kill(0, 0)")) return FAIL;
  if (!want(kill(-getpid(), 0), 0, "kill(-getpid(), 0)")) return FAIL;
  if (!want(kill(-100000, 0), ESRCH, "kill(-100000, 0)")) return FAIL;
  if (!want(kill(-2147483647 - 1, 0), ESRCH, "kill(INT_MIN, 0)")) return FAIL;
  const c = fork();
  if (c == 0) { msleep(10000); exit(1); }
  if (!want(kill(-c, SIGKILL), 0, "kill(-child, 9)")) return FAIL;
  waitpid(c, status, 0);
  if (!want(load<i32>(status), SIGKILL, "the child's wait status after kill(-child, 9)")) return FAIL;
  const d = fork();
  if (d == 0) { kill(0, SIGTERM); exit(1); }
  waitpid(d, status, 0);
  if (!want(load<i32>(status), SIGTERM, "kill(0, 15): wait status")) return FAIL;
  // kill(-1) reaches every process but init: only where the runner is init (booted as init),
  // so that nothing else of the machine is in reach.
  if (getppid() != 1) return OK;
  const a = fork();
  if (a == 0) { msleep(10000); exit(1); }
  const b = fork();
  if (b == 0) { msleep(10000); exit(1); }
  if (!want(kill(-1, 0), 0, "kill(-1, 0)")) return FAIL;
  if (!want(kill(-1, SIGTERM), 0, "kill(-1, 15)")) return FAIL;
  // The caller lives on (this line runs), and so does init; both children died of it.
  waitpid(a, status, 0);
  if (!want(load<i32>(status), SIGTERM, "a child's wait status after kill(-1, 15)")) return FAIL;
  waitpid(b, status, 0);
  if (!want(load<i32>(status), SIGTERM, "another child's wait status after kill(-1, 15)")) return FAIL;
  return want(kill(1, 0), 0, "kill(1, 0) after kill(-1, 15)") ? OK : FAIL;
}

/** Kills a child that waits in waitpid for its own (sleeping) child. */
function t_killwait(): i32 {
  const pid = fork();
  if (pid == 0) {
    const g = fork();
    if (g == 0) { msleep(500); exit(0); }
    waitpid(g, status, 0);
    exit(1);
  }
  msleep(50);
  if (!want(kill(pid, SIGKILL), 0, "kill(waiting child)")) return FAIL;
  const st = waitfor(pid, 200);
  if (!check(st != -1, "a child killed in waitpid is still alive 200 ms later")) return FAIL;
  return want(st, SIGKILL, "the waiting child's wait status") ? OK : FAIL;
}

/** Kills a child that waits for console input (read(0)). */
function t_killread(): i32 {
  const pid = fork();
  if (pid == 0) { read(0, buf, 100); exit(3); }
  const early = waitfor(pid, 50);
  if (early != -1) return skip("read(0) did not wait: the console's input is at its end");
  if (!want(kill(pid, SIGKILL), 0, "kill(child in read(0))")) return FAIL;
  const st = waitfor(pid, 1000);
  if (!check(st != -1, "a child blocked in read(0) is still alive 1 s after kill(pid, 9)")) return FAIL;
  return want(st, SIGKILL, "the reading child's wait status") ? OK : FAIL;
}

/** Preemption: with two children spinning forever, this process still runs, sleeps and kills them. */
function t_preempt(): i32 {
  // The spinners' code is paged in here first (a child waiting for the disk is not spinning).
  spin(1);
  const a = fork();
  if (a == 0) spinbody();
  const b = fork();
  if (b == 0) spinbody();
  msleep(30);
  // Each yield hands the CPU to a spinner: only the timer brings it back.
  const t0 = rdtsc();
  for (let i = 0; i < 3; i++) sched_yield();
  const dt = rdtsc() - t0;
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 300000; i++) sum += i;
  const slept = msleep(30);
  const ka = kill(a, SIGKILL), kb = kill(b, SIGKILL);
  waitpid(a, status, 0);
  const sa = load<i32>(status);
  waitpid(b, status, 0);
  const sb = load<i32>(status);
  if (!check(dt >= TICK, "3 sched_yield()s with 2 spinners took %u units: the spinners did not run", dt)) return FAIL;
  if (!check(sum == 2050177040, "a computation beside the spinners went wrong: %u", sum)) return FAIL;
  if (!want(slept, 0, "nanosleep(30 ms) beside spinners")) return FAIL;
  if (!check(ka == 0 && kb == 0 && sa == SIGKILL && sb == SIGKILL, "kill gave %d %d, wait statuses 0x%x 0x%x", ka, kb, sa, sb)) return FAIL;
  return OK;
}

/** sched_yield: 0, at once when alone; beside a spinner, it gives the spinner the CPU until a tick. */
function t_yield(): i32 {
  let t0 = rdtsc();
  if (!want(sched_yield(), 0, "sched_yield() alone")) return FAIL;
  let dt = rdtsc() - t0;
  if (!check(dt < TICK, "sched_yield() alone took %u units", dt)) return FAIL;
  spin(1);
  const pid = fork();
  if (pid == 0) spinbody();
  msleep(30);
  // The first yield runs the spinner to the next tick; the next ones each give it a whole tick.
  t0 = rdtsc();
  for (let i = 0; i < 3; i++) if (!want(sched_yield(), 0, "sched_yield() beside a spinner")) return FAIL;
  dt = rdtsc() - t0;
  kill(pid, SIGKILL);
  waitpid(pid, status, 0);
  return check(dt >= TICK, "3 sched_yield()s beside a spinner took %u units: it did not run", dt) ? OK : FAIL;
}

function nscall(p: usize, n: u32): i32 { return nanosleep(p, 0); }

/** nanosleep: 0 s, 50 ms and 1 s take what they say; bad times EINVAL; bad pointers EFAULT. */
function t_nanosleep(): i32 {
  store<u32>(ts, 0); store<u32>(ts, 0, 4);
  if (!want(nanosleep(ts, 0), 0, "nanosleep(0 s)")) return FAIL;
  store<u32>(ts, 0); store<u32>(ts, 50000000, 4);
  let t0 = rdtsc();
  if (!want(nanosleep(ts, 0), 0, "nanosleep(50 ms)")) return FAIL;
  let dt = rdtsc() - t0;
  if (!check(dt >= 4 * TICK && dt < 20 * TICK, "nanosleep(50 ms) took %u units", dt)) return FAIL;
  store<u32>(ts, 1); store<u32>(ts, 0, 4);
  t0 = rdtsc();
  if (!want(nanosleep(ts, 0), 0, "nanosleep(1 s)")) return FAIL;
  dt = rdtsc() - t0;
  if (!check(dt >= 99 * TICK && dt < 120 * TICK, "nanosleep(1 s) took %u units", dt)) return FAIL;
  store<u32>(ts, 0); store<u32>(ts, 1000000000, 4);
  if (!want(nanosleep(ts, 0), EINVAL, "nanosleep(0 s, 1e9 ns)")) return FAIL;
  store<u32>(ts, 0); store<u32>(ts, 0xffffffff, 4);
  if (!want(nanosleep(ts, 0), EINVAL, "nanosleep(0 s, -1 ns)")) return FAIL;
  if (!badranges(nscall, "nanosleep", false, 8)) return FAIL;
  // A request across a page boundary, in pages never touched (zeros: 0 s).
  return want(nanosleep(fresh + PGSIZE - 4, 0), 0, "nanosleep(a zero request across a page boundary)") ? OK : FAIL;
}

function hugesleepbody(): void {
  // 42,949,673 s is 4,294,967,300 ticks of 10 ms: more than 32 bits (it used to wrap to 4 ticks).
  store<u32>(ts, 42949673); store<u32>(ts, 0, 4);
  nanosleep(ts, 0);
  exit(1);
}

/** nanosleep: a negative tv_sec is EINVAL; a sleep too long to count in ticks is not cut short. */
function t_nanosleephuge(): i32 {
  store<u32>(ts, 0xffffffff); store<u32>(ts, 0, 4);
  if (!want(nanosleep(ts, 0), EINVAL, "nanosleep(-1 s)")) return FAIL;
  store<u32>(ts, 0x80000000); store<u32>(ts, 0, 4);
  if (!want(nanosleep(ts, 0), EINVAL, "nanosleep(INT_MIN s)")) return FAIL;
  for (let k = 0; k < 2; k++) {
    const pid = fork();
    if (pid == 0) {
      if (k == 0) hugesleepbody();
      // The largest: 2^31 - 1 s.
      store<u32>(ts, 0x7fffffff); store<u32>(ts, 999999999, 4);
      nanosleep(ts, 0);
      exit(1);
    }
    // Still asleep a second later: killed, it dies of the kill.
    if (!want(waitfor(pid, 1000), -1, "a child in nanosleep(%s s) ended at once, wait status", k == 0 ? s("42949673") : s("2147483647"))) return FAIL;
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    if (!want(load<i32>(status), SIGKILL, "the long sleeper's wait status")) return FAIL;
  }
  return OK;
}

function readzerobody(): void { exit(read(0, buf, 0) == 0 ? 0 : 1); }

/** read of 0 bytes: 0 at once, even from the console with no line typed; a directory read with
 * room for less than one 32-byte entry: EINVAL (not 0, which would read as its end). */
function t_readzero(): i32 {
  const pid = fork();
  if (pid == 0) readzerobody();
  const st = waitfor(pid, 1000);
  if (st == -1) { kill(pid, SIGKILL); waitpid(pid, status, 0); return fail("read(0, buf, 0) waited for a line"); }
  if (!want(st, 0, "read(0, buf, 0) in a child: wait status")) return FAIL;
  const fd = open("/bin", 0, 0);
  if (!want(read(fd, buf, 0), 0, "read(/bin, 0)")) return FAIL;
  if (!want(read(fd, buf, 5), EINVAL, "read(/bin, 5)")) return FAIL;
  if (!want(read(fd, buf, 31), EINVAL, "read(/bin, 31)")) return FAIL;
  if (!want(read(fd, buf, 32), 32, "read(/bin, 32) after the refused reads")) return FAIL;
  close(fd);
  const pd = open("/proc", 0, 0);
  if (pd == ENOENT) return OK;
  if (!want(read(pd, buf, 7), EINVAL, "read(/proc, 7)")) return FAIL;
  if (!want(read(pd, buf, 32), 32, "read(/proc, 32)")) return FAIL;
  close(pd);
  if (!want(read(pd, buf, 0), EBADF, "read(a closed descriptor, 0)")) return FAIL;
  return want(read(-1, buf, 0), EBADF, "read(-1, 0)") ? OK : FAIL;
}

/** ioctl: EBADF for a descriptor not open, ENOTTY for one not on the console, EINVAL for a
 * request the console does not know, EFAULT for a bad argument — in that order. */
function t_ioctl(): i32 {
  if (!want(ioctl(-1, 0x540f, buf), EBADF, "ioctl(-1, TIOCGPGRP)")) return FAIL;
  if (!want(ioctl(1000, 0x540f, buf), EBADF, "ioctl(1000, TIOCGPGRP)")) return FAIL;
  if (!want(ioctl(9, 0x540f, buf), EBADF, "ioctl(9, never opened)")) return FAIL;
  const fd = open("/etc/motd", 0, 0);
  if (!want(ioctl(fd, 0x540f, buf), ENOTTY, "ioctl(/etc/motd, TIOCGPGRP)")) return FAIL;
  close(fd);
  if (!want(ioctl(0, 0x1234, 0), EINVAL, "ioctl(0, 0x1234, NULL)")) return FAIL;
  if (!want(ioctl(0, 0x540f, 0xC0000000), EFAULT, "ioctl(0, TIOCGPGRP, kernel address)")) return FAIL;
  if (!want(ioctl(0, 0x5410, 0), EFAULT, "ioctl(0, TIOCSPGRP, NULL)")) return FAIL;
  store<i32>(buf, -7);
  if (!want(ioctl(0, 0x540f, buf), 0, "ioctl(0, TIOCGPGRP)")) return FAIL;
  if (!check(load<i32>(buf) >= 0, "TIOCGPGRP gave %d", load<i32>(buf))) return FAIL;
  // A descriptor on the console that is not 0, 1 or 2 is a terminal too; a closed 0 is not.
  const pid = fork();
  if (pid == 0) { close(0); exit(ioctl(0, 0x540f, buf) == EBADF ? 0 : 1); }
  waitpid(pid, status, 0);
  return want(load<i32>(status), 0, "ioctl on a closed descriptor 0: wait status") ? OK : FAIL;
}

// ================================================================================================
// Memory: the heap, demand paging, the stack
// ================================================================================================

function touchbody(): void { sink = load<u8>(gaddr); }
function writebody(): void { store<u8>(gaddr, 1); }

/** brk: grows (zeroed pages), shrinks (the freed pages fault), refuses bad breaks. */
function t_brk(): i32 {
  const base = brk(0);
  if (!check(base != 0 && (base & 0xfff) == 0 && brk(0) == base, "brk(0) = 0x%x", base)) return FAIL;
  if (!check(brk(base + 10000) == base + 10000, "brk(base + 10000) = 0x%x", brk(0))) return FAIL;
  if (!check(brk(0) == base + 10000, "brk(0) after growing = 0x%x", brk(0))) return FAIL;
  for (let p = base; p < base + 10000; p += 4) if (load<u32>(p) != 0) return fail("new heap not zero at 0x%x", p);
  for (let p = base; p < base + 10000; p += 4) store<u32>(p, p);
  for (let p = base; p < base + 10000; p += 4) if (load<u32>(p) != p) return fail("heap lost a write at 0x%x", p);
  // The rest of the last page is there too (the break is rounded up to a page).
  store<u32>(base + 3 * PGSIZE - 4, 5);
  // Refused: below the start, into the stack region, into the kernel.
  if (!check(brk(base - PGSIZE) == base + 10000, "brk(below the heap's start) moved the break to 0x%x", brk(0))) return FAIL;
  if (!check(brk(0xBFFFF000) == base + 10000, "brk(into the stack) = 0x%x", brk(0))) return FAIL;
  if (!check(brk(0xC0001000) == base + 10000, "brk(into the kernel) = 0x%x", brk(0))) return FAIL;
  // Shrinking: the page holding the new break stays, the ones above fault.
  if (!check(brk(base + 100) == base + 100, "brk(base + 100) = 0x%x", brk(0))) return FAIL;
  if (!check(load<u32>(base + 96) == base + 96, "shrinking lost the data below the break")) return FAIL;
  gaddr = base + PGSIZE;
  if (!dies(touchbody, SIGSEGV, "reading the freed page at base + 4096")) return FAIL;
  gaddr = base + 2 * PGSIZE + 5;
  if (!dies(writebody, SIGSEGV, "writing the freed page at base + 8192")) return FAIL;
  // Growing again gives zeroed pages, not the old bytes.
  if (!check(brk(base + 3 * PGSIZE) == base + 3 * PGSIZE, "brk(regrow) = 0x%x", brk(0))) return FAIL;
  if (!check(load<u32>(base + PGSIZE) == 0 && load<u32>(base + 3 * PGSIZE - 4) == 0, "regrown heap holds old bytes")) return FAIL;
  // Back to empty: nothing of the heap is left.
  if (!check(brk(base) == base, "brk(base) = 0x%x", brk(0))) return FAIL;
  gaddr = base;
  if (!dies(touchbody, SIGSEGV, "reading the heap's first byte after brk(base)")) return FAIL;
  // Big, lazily: 32 MiB (twice the RAM) of which a few pages are touched.
  const bigend = base + 32 * 1024 * 1024;
  if (!check(brk(bigend) == bigend, "brk(+32 MiB) = 0x%x", brk(0))) return FAIL;
  store<u32>(bigend - 4, 1);
  store<u32>(base + 16 * 1024 * 1024, 2);
  if (!check(load<u32>(bigend - 4) == 1 && load<u32>(base + 16 * 1024 * 1024) == 2, "the big heap lost a write")) return FAIL;
  return check(brk(base) == base, "brk(base) after the big heap") ? OK : FAIL;
}

function brkwrapbody(): void {
  gval = 99;
  const before = brk(0);
  const r = brk(0xFFFFFFFF);
  if (r != before) exit(1);
  if (brk(0) != before) exit(2);
  if (gval != 99) exit(3);
  const r2 = brk(0xFFFFF001);
  if (r2 != before || gval != 99) exit(4);
  exit(0);
}

/** brk with an address whose page rounding wraps past 0xFFFFFFFF: refused, memory intact. */
function t_brkwrap(): i32 {
  const st = child(brkwrapbody);
  if (st == 0) return OK;
  if (st == 1 << 8) return fail("brk(0xFFFFFFFF) did not return the old break");
  if (st == 2 << 8) return fail("brk(0xFFFFFFFF) moved the break");
  if (st == 3 << 8) return fail("brk(0xFFFFFFFF) lost the process's data (a global went back to its initial value)");
  if (st == 4 << 8) return fail("brk(0xFFFFF001) was not refused");
  return fail("the child's wait status is 0x%x", st);
}

function brkholebody(): void { sink = load<u32>(gaddr); }

/** brk after munmap cut the heap in two: the break lives at the end of the top piece; it may
 * not go below that piece's start (the region would turn inside out); the bottom piece keeps
 * its words, the hole faults. */
function t_brkcut(): i32 {
  const b0 = brk(0);
  const base = (b0 + PGSIZE - 1) & ~(PGSIZE - 1);
  const top = base + 16 * PGSIZE;
  if (!want(<i32>brk(top), <i32>top, "brk(+16 pages)")) return FAIL;
  for (let i: u32 = 0; i < 16; i++) store<u32>(base + i * PGSIZE, 0xC0DE0000 + i);
  if (!want(munmap(base + 4 * PGSIZE, 4 * PGSIZE), 0, "munmap(pages 4-7 of the heap)")) return FAIL;
  if (!want(<i32>brk(base + PGSIZE), <i32>top, "brk(into the bottom piece)")) return FAIL;
  if (!want(<i32>brk(base + 6 * PGSIZE), <i32>top, "brk(into the hole)")) return FAIL;
  if (!want(<i32>brk(top + 4 * PGSIZE), <i32>(top + 4 * PGSIZE), "brk(+4 more pages)")) return FAIL;
  if (!want(<i32>brk(base + 10 * PGSIZE), <i32>(base + 10 * PGSIZE), "brk(shrinking the top piece)")) return FAIL;
  for (let i: u32 = 0; i < 4; i++) if (!want(<i32>load<u32>(base + i * PGSIZE), <i32>(0xC0DE0000 + i), "heap page %u", i)) return FAIL;
  for (let i: u32 = 8; i < 10; i++) if (!want(<i32>load<u32>(base + i * PGSIZE), <i32>(0xC0DE0000 + i), "heap page %u", i)) return FAIL;
  gaddr = base + 5 * PGSIZE;
  if (!dies(brkholebody, SIGSEGV, "reading the hole")) return FAIL;
  gaddr = base + 12 * PGSIZE;
  return dies(brkholebody, SIGSEGV, "reading above the shrunk break") ? OK : FAIL;
}

/** brk: 5 rounds of 4 MiB grown, touched and given back: more than the RAM, so frames must be freed. */
function t_brkleak(): i32 {
  const base = brk(0);
  const size: u32 = 4 * 1024 * 1024;
  for (let round = 0; round < 5; round++) {
    if (!check(brk(base + size) == base + size, "round %d: brk(+4 MiB) failed", round)) return FAIL;
    for (let p = base; p < base + size; p += PGSIZE) store<u32>(p, p);
    for (let p = base; p < base + size; p += PGSIZE) if (load<u32>(p) != p) return fail("round %d: lost a write at 0x%x", round, p);
    if (!check(brk(base) == base, "round %d: brk(base) failed", round)) return FAIL;
  }
  return OK;
}

function hogbody(): void {
  const base = brk(0);
  const size: u32 = 4 * 1024 * 1024;
  if (brk(base + size) != base + size) exit(1);
  for (let p = base; p < base + size; p += PGSIZE) store<u32>(p, p);
}

/** exit frees a process's frames: 5 children in turn each touch 4 MiB. */
function t_exitleak(): i32 {
  for (let i = 0; i < 5; i++) {
    if (!want(child(hogbody), 0, "child %d touching 4 MiB: wait status", i)) return FAIL;
  }
  return OK;
}

/** Demand-zero paging: 2 MiB of bss reads as zeros, then keeps what is written. */
function t_bss(): i32 {
  const size: u32 = 2 * 1024 * 1024;
  for (let i: u32 = 0; i < PGSIZE; i += 4) if (load<u32>(big, i) != 0 || load<u32>(big, size - PGSIZE + i) != 0) return fail("bss not zero at +0x%x", i);
  for (let p: u32 = 0; p < size; p += PGSIZE) if (load<u32>(big, p + 2048) != 0) return fail("bss not zero at +0x%x", p + 2048);
  for (let p: u32 = 0; p < size; p += PGSIZE) store<u32>(big, p ^ 0x5a5a5a5a, p + 1024);
  for (let p: u32 = 0; p < size; p += PGSIZE) if (load<u32>(big, p + 1024) != (p ^ 0x5a5a5a5a)) return fail("bss lost a write at +0x%x", p);
  return OK;
}

/** File-backed paging: the text and initialised data in memory are the bytes of /bin/usertests. */
function t_textfile(): i32 {
  const fd = open("/bin/usertests", 0, 0);
  const hdr = buf2;
  if (!check(read(fd, hdr, 512) == 512 && load<u32>(hdr) == 0x464c457f, "cannot read the ELF header")) return FAIL;
  const phoff = load<u32>(hdr, 28), phnum = load<u16>(hdr, 44);
  let seen = 0;
  for (let i: u32 = 0; i < phnum; i++) {
    const ph = hdr + phoff + i * 32;
    if (load<u32>(ph) != 1) continue;
    const off = load<u32>(ph, 4), va = load<u32>(ph, 8), filesz = load<u32>(ph, 16), flags = load<u32>(ph, 24);
    if ((flags & 2) != 0) {
      // Data: the constant table magic is where the file says.
      if (magic >= va && magic + 16 <= va + filesz) {
        const f2 = open("/bin/usertests", 0, 0);
        // Skip to its offset.
        let pos: u32 = 0;
        const at = off + (magic - va);
        while (pos < at) { const k = at - pos > 4096 ? 4096 : at - pos; pos += <u32>read(f2, buf, k); }
        read(f2, buf, 16);
        close(f2);
        if (!check(same(buf, magic, 16), "initialised data differs from the file")) return FAIL;
        seen++;
      }
      continue;
    }
    // Text (and read-only data): compare every byte.
    const f3 = open("/bin/usertests", 0, 0);
    let pos: u32 = 0;
    while (pos < off) { const k = off - pos > 4096 ? 4096 : off - pos; pos += <u32>read(f3, buf, k); }
    for (let done: u32 = 0; done < filesz; ) {
      const k = filesz - done > 4096 ? 4096 : filesz - done;
      if (read(f3, buf, k) != <i32>k) return fail("short read of the text");
      if (!same(va + done, buf, k)) return fail("the text at 0x%x differs from the file", va + done);
      done += k;
    }
    close(f3);
    seen++;
  }
  close(fd);
  // The text, the read-only data, and the table in the data.
  return check(seen >= 2, "found only %d segments to compare", seen) ? OK : FAIL;
}

function deep(n: i32): i32 {
  if (n <= 0) return 0;
  return deep(n - 1) + (n & 3);
}

function inf(n: i32): i32 {
  return inf(n + 1) + 1;
}

function infbody(): void { sink = <u32>inf(0); }

/** The stack grows on demand: 6 MiB of recursion (16 bytes a level) within the 8 MiB limit. */
function t_stack(): i32 {
  const levels = 6 * 1024 * 1024 / 16;
  const r = deep(levels);
  // Each group of 4 levels adds 0 + 1 + 2 + 3.
  return want(r, levels / 4 * 6, "deep(%d)", levels) ? OK : FAIL;
}

/** Recursion without end: SIGSEGV at the 8 MiB limit (not a panic, not a hang). */
function t_stackover(): i32 {
  return dies(infbody, SIGSEGV, "endless recursion") ? OK : FAIL;
}

/** The stack's limits: 8 MiB below the top is never stack; a touch far below ESP is no growth. */
function t_stacklimit(): i32 {
  gaddr = USERTOP - 9 * 1024 * 1024;
  if (!dies(touchbody, SIGSEGV, "reading USERTOP - 9 MiB")) return FAIL;
  gaddr = USERTOP - 8 * 1024 * 1024 - 4;
  if (!dies(writebody, SIGSEGV, "writing USERTOP - 8 MiB - 4")) return FAIL;
  // Within the region but 2 MiB below ESP: not growth (docs/kernel.md, the 64 KiB rule).
  gaddr = USERTOP - 2 * 1024 * 1024;
  if (!dies(writebody, SIGSEGV, "writing 2 MiB below the stack pointer")) return FAIL;
  // 32 KiB below the top (less than 64 KiB below ESP): growth.
  gaddr = USERTOP - 32 * 1024;
  return want(child(writebody), 0, "writing 32 KiB below the top: wait status") ? OK : FAIL;
}

// ================================================================================================
// Faults (SPEC §4.4): each in a child; the parent checks the signal in the wait status
// ================================================================================================

function execbody(): void { changetype<Body>(gaddr)(); }
function divbody(): void { sink = <u32>(1 / zero); }
function divovbody(): void { sink = <u32>(<i32>0x80000000 / minus1); }

/** Null pointers: read, write, execute at 0. */
function t_faultnull(): i32 {
  gaddr = 0;
  if (!dies(touchbody, SIGSEGV, "reading 0")) return FAIL;
  if (!dies(writebody, SIGSEGV, "writing 0")) return FAIL;
  if (!dies(execbody, SIGSEGV, "calling 0")) return FAIL;
  gaddr = 0xffc;
  if (!dies(touchbody, SIGSEGV, "reading 0xffc")) return FAIL;
  return runs(SIGSEGV, "/demos/null-deref") ? OK : FAIL;
}

/** Writing the program's own text (read-only): SIGSEGV. */
function t_faulttext(): i32 {
  gaddr = 0x08048000;
  if (!dies(writebody, SIGSEGV, "writing 0x08048000")) return FAIL;
  gaddr = changetype<usize>(t_faulttext);
  if (!dies(writebody, SIGSEGV, "writing this function's code")) return FAIL;
  gaddr = changetype<usize>(MOTD);
  if (!dies(writebody, SIGSEGV, "writing a string constant")) return FAIL;
  return runs(SIGSEGV, "/demos/write-text") ? OK : FAIL;
}

/** The kernel's half: reading, writing, executing there is SIGSEGV. */
function t_faultkernel(): i32 {
  gaddr = 0xC0000000;
  if (!dies(touchbody, SIGSEGV, "reading 0xC0000000")) return FAIL;
  gaddr = 0xC0100000;
  if (!dies(writebody, SIGSEGV, "writing 0xC0100000")) return FAIL;
  if (!dies(execbody, SIGSEGV, "calling 0xC0100000")) return FAIL;
  gaddr = 0xFFFFFFFC;
  if (!dies(touchbody, SIGSEGV, "reading 0xFFFFFFFC")) return FAIL;
  gaddr = 0xE0000000;
  if (!dies(touchbody, SIGSEGV, "reading 0xE0000000 (no RAM there)")) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("x"))) return FAIL;
  return runs(SIGSEGV, "/demos/kernel-read") ? OK : FAIL;
}

/** Unmapped user addresses between the heap and the stack. */
function t_faultwild(): i32 {
  gaddr = 0x40000000;
  if (!dies(touchbody, SIGSEGV, "reading 0x40000000")) return FAIL;
  if (!dies(execbody, SIGSEGV, "calling 0x40000000")) return FAIL;
  gaddr = 0x08047FFE;
  return dies(touchbody, SIGSEGV, "reading 0x08047FFE, just below the text") ? OK : FAIL;
}

/** #DE: division by zero and INT_MIN / -1: SIGFPE. */
function t_faultdiv(): i32 {
  if (!dies(divbody, SIGFPE, "1 / 0")) return FAIL;
  if (!dies(divovbody, SIGFPE, "INT_MIN / -1")) return FAIL;
  if (!runs(SIGFPE, "/bin/ut-asm", s("d"))) return FAIL;
  return runs(SIGFPE, "/demos/divzero") ? OK : FAIL;
}

/** #UD: SIGILL. */
function t_faultud(): i32 {
  if (!runs(SIGILL, "/bin/ut-asm", s("u"))) return FAIL;
  return runs(SIGILL, "/demos/illegal") ? OK : FAIL;
}

/** INT3: SIGTRAP. */
function t_faultint3(): i32 {
  if (!runs(SIGTRAP, "/bin/ut-asm", s("b"))) return FAIL;
  return runs(SIGTRAP, "/demos/breakpoint") ? OK : FAIL;
}

/** Privileged instructions at CPL 3 (#GP): SIGSEGV. */
function t_faultpriv(): i32 {
  if (!runs(SIGSEGV, "/demos/privileged")) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("h"))) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("c"))) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("i"))) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("o"))) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("r"))) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("l"))) return FAIL;
  // INT n through a gate of DPL 0: #GP.
  if (!runs(SIGSEGV, "/bin/ut-asm", s("n"))) return FAIL;
  return runs(SIGSEGV, "/bin/ut-asm", s("t")) ? OK : FAIL;
}

/** A fault kills only its process: a sibling and the parent go on. */
function t_faultonly(): i32 {
  const a = fork();
  if (a == 0) { msleep(100); exit(7); }
  const b = fork();
  if (b == 0) { sink = load<u32>(0); exit(1); }
  waitpid(b, status, 0);
  if (!want(load<i32>(status), SIGSEGV, "the faulting child's wait status")) return FAIL;
  waitpid(a, status, 0);
  return want(load<i32>(status), 7 << 8, "its sibling's wait status") ? OK : FAIL;
}

/** POPFD at CPL 3 changes neither IOPL nor IF (user code runs with IOPL 0). */
function t_iopl(): i32 {
  return runs(0, "/bin/ut-asm", s("f")) ? OK : FAIL;
}

/** TF set from user mode (POPFD): the single-step trap kills with SIGTRAP, one line. */
function t_faultstep(): i32 {
  return runs(SIGTRAP, "/bin/ut-asm", s("e")) ? OK : FAIL;
}

/** IRETD from user mode with a frame that leaves ring 3 or names no selector: #GP (SIGSEGV); to
 * the kernel's text: a fault on the fetch (SIGSEGV). */
function t_iretbad(): i32 {
  if (!runs(SIGSEGV, "/bin/ut-asm", s("k"))) return FAIL;
  if (!runs(SIGSEGV, "/bin/ut-asm", s("q"))) return FAIL;
  return runs(SIGSEGV, "/bin/ut-asm", s("v")) ? OK : FAIL;
}

/** Unknown system-call numbers: ENOSYS. */
function t_nosys(): i32 {
  return runs(0, "/bin/ut-asm", s("s")) ? OK : FAIL;
}

/** A system call keeps every register but EAX. */
function t_regs(): i32 {
  return runs(0, "/bin/ut-asm", s("p")) ? OK : FAIL;
}

/** System calls do not use the user's stack: they work with ESP pointing nowhere. */
function t_badesp(): i32 {
  return runs(42 << 8, "/bin/ut-asm", s("z")) ? OK : FAIL;
}

// ================================================================================================
// Processes
// ================================================================================================

/** 40 children one after another: fork, execve, exit, wait. */
function t_forkseq(): i32 {
  for (let i = 0; i < 40; i++) {
    if (!runs((i + 10) << 8, "/bin/ut-args", s("code"), itoa(i + 10))) return FAIL;
  }
  return OK;
}

/** 20 children at once, each running a program; each pid is reaped once with its own status. */
function t_forkpar(): i32 {
  for (let i = 0; i < 20; i++) {
    const pid = fork();
    if (pid < 0) return fail("fork %d = %d", i, pid);
    if (pid == 0) {
      const r = execve("/bin/ut-args", setargs(s("ut-args"), s("code"), itoa(100 + i)), 0);
      printf("usertests: forkpar: child %d: execve(/bin/ut-args) = %d\n", i, r);
      exit(127);
    }
    store<i32>(pids, pid, <u32>i * 4);
  }
  for (let k = 0; k < 20; k++) {
    const w = waitpid(-1, status, 0);
    let i = 0;
    while (i < 20 && load<i32>(pids, <u32>i * 4) != w) i++;
    if (i == 20) return fail("waitpid(-1) = %d, not one of the children (or one twice)", w);
    if (!want(load<i32>(status), (100 + i) << 8, "child %d's wait status", i)) return FAIL;
    store<i32>(pids, -5, <u32>i * 4);
  }
  return want(waitpid(-1, status, 0), ECHILD, "waitpid(-1) after 20") ? OK : FAIL;
}

/** Forks until the process table is full: EAGAIN (or ENOMEM), then everything is reaped and fork works again. */
function t_forkfull(): i32 {
  let n = 0;
  let r = 0;
  while (n < 100) {
    const pid = fork();
    if (pid == 0) exit(0);
    if (pid < 0) { r = pid; break; }
    n++;
  }
  for (let k = 0; k < n; k++) {
    const w = waitpid(-1, status, 0);
    if (w < 0) return fail("waitpid(-1) = %d after %d of %d children", w, k, n);
  }
  if (!check(r == EAGAIN || r == ENOMEM, "fork failed with %d after %d children, want -11 (EAGAIN) or -12", r, n)) return FAIL;
  if (!check(n >= 40, "only %d children before fork failed", n)) return FAIL;
  if (!want(waitpid(-1, status, 0), ECHILD, "waitpid(-1) at the end")) return FAIL;
  return want(child(exitbody), 0, "a fork after the table was full: wait status") ? OK : FAIL;
}

function kmembody(): void {
  // 13 descriptors on /proc files: a page of kernel memory each (or ENOMEM once the kernel's
  // share of memory is used up).
  for (let i = 0; i < 13; i++) {
    const fd = open("/proc/self/maps", 0, 0);
    if (fd < 0 && fd != ENOMEM) exit(100 + i);
  }
  // And 16 pages of its own, used over and over while its siblings do the same.
  for (let round: u32 = 0; round < 3; round++) {
    for (let i: u32 = 0; i < 16; i++) store<u32>(fresh + i * PGSIZE, round + i);
    msleep(20);
  }
  for (let i: u32 = 0; i < 16; i++) if (load<u32>(fresh + i * PGSIZE) != 2 + i) exit(99);
  exit(0);
}

/**
 * Kernel memory cannot crowd out user memory: 40 children each hold 13 descriptors on /proc
 * files (a kernel page each) and use 16 pages. On a small machine the kernel's pages would leave
 * the children too few frames to run — each page-in evicting a page another needs next, for
 * ever. The kernel keeps half the memory for user pages: opens past that are ENOMEM and forks
 * EAGAIN (or ENOMEM), and every child that was made runs to its end.
 */
function t_kmemfull(): i32 {
  let n = 0;
  while (n < 40) {
    const pid = fork();
    if (pid < 0) {
      if (!check(pid == EAGAIN || pid == ENOMEM, "fork = %d with the kernel's memory in use, want -11 or -12", pid)) break;
      break;
    }
    if (pid == 0) kmembody();
    store<i32>(pids, pid, <u32>n * 4);
    n++;
  }
  for (let k = 0; k < n; k++) {
    const pid = load<i32>(pids, <u32>k * 4);
    if (waitpid(pid, status, 0) != pid) return fail("waitpid(child %d)", k);
    if (!want(load<i32>(status), 0, "child %d of %d: wait status", k, n)) return FAIL;
  }
  if (rlen != 0) return FAIL;
  return check(n >= 4, "only %d children", n) ? OK : FAIL;
}

// ================================================================================================
// /proc (the kernel synthesises it: SPEC §4.2)
// ================================================================================================

/** Reads a whole small file into buf (NUL-terminated); its length, or the open's error. */
function slurp(path: string): i32 {
  const fd = open(path, 0, 0);
  if (fd < 0) return fd;
  let n: u32 = 0;
  while (n < 8000) {
    const r = read(fd, buf + n, 8000 - n);
    if (r <= 0) break;
    n += <u32>r;
  }
  close(fd);
  store<u8>(buf, 0, n);
  return <i32>n;
}

/** The k-th (from 1) space-separated field of a /proc/PID/stat line, as a number (-1 if missing). */
function statfield(k: i32): i32 {
  // The name in parentheses may hold spaces: count fields after the last ')'.
  let i: u32 = 0, close_: u32 = 0;
  while (load<u8>(buf, i) != 0) { if (load<u8>(buf, i) == 41) close_ = i; i++; }
  if (close_ == 0) return -1;
  i = close_ + 1;
  let f = 2;
  while (true) {
    while (load<u8>(buf, i) == 32) i++;
    if (load<u8>(buf, i) == 0 || load<u8>(buf, i) == 10) return -1;
    f++;
    if (f == k) {
      let v = 0;
      const c0 = load<u8>(buf, i);
      if (c0 < 48 || c0 > 57) return -1;
      while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
      return v;
    }
    while (load<u8>(buf, i) != 0 && load<u8>(buf, i) != 32) i++;
  }
}

/** /proc/self/stat: Linux's fields — pid, (name), minflt (10) grows by the pages touched. */
function t_procstat(): i32 {
  const n = slurp("/proc/self/stat");
  if (n == ENOENT) return skip("no /proc yet");
  if (!check(n > 0, "reading /proc/self/stat gave %d", n)) return FAIL;
  let v = 0, i: u32 = 0;
  while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
  if (!want(v, getpid(), "the pid at the start of /proc/self/stat")) return FAIL;
  if (!check(same(buf + i, s(" (usertests) "), 13), "/proc/self/stat: no \" (usertests) \" after the pid: %s", buf)) return FAIL;
  const min0 = statfield(10), maj0 = statfield(12);
  if (!check(min0 >= 0 && maj0 >= 0, "/proc/self/stat: no minflt (10) or majflt (12) field: %s", buf)) return FAIL;
  // 20 pages never touched: 20 more minor faults.
  for (let p: u32 = 0; p < 20; p++) store<u32>(big, 1, p * PGSIZE);
  slurp("/proc/self/stat");
  const min1 = statfield(10);
  return check(min1 - min0 >= 20, "minflt went from %d to %d after touching 20 new pages", min0, min1) ? OK : FAIL;
}

/** The value in kB of a "Name:   N kB" line of buf (-1 if missing). */
function meminfo(name: string): i32 {
  const nl = strlen(s(name));
  let i: u32 = 0;
  while (load<u8>(buf, i) != 0) {
    if ((i == 0 || load<u8>(buf, i - 1) == 10) && same(buf + i, s(name), nl) && load<u8>(buf, i + nl) == 58) {
      i += nl + 1;
      while (load<u8>(buf, i) == 32) i++;
      let v = 0;
      while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
      return v;
    }
    i++;
  }
  return -1;
}

/** /proc/meminfo: MemTotal and MemFree in kB; 1 MiB touched and given back moves MemFree. */
function t_meminfo(): i32 {
  const n = slurp("/proc/meminfo");
  if (n == ENOENT) return skip("no /proc yet");
  if (!check(n > 0, "reading /proc/meminfo gave %d", n)) return FAIL;
  const total = meminfo("MemTotal"), free0 = meminfo("MemFree");
  if (!check(total >= 8192 && free0 > 0 && free0 < total, "/proc/meminfo: MemTotal %d kB, MemFree %d kB: %s", total, free0, buf)) return FAIL;
  const base = brk(0);
  brk(base + 1024 * 1024);
  for (let p = base; p < base + 1024 * 1024; p += PGSIZE) store<u32>(p, 1);
  slurp("/proc/meminfo");
  const free1 = meminfo("MemFree");
  brk(base);
  slurp("/proc/meminfo");
  const free2 = meminfo("MemFree");
  if (!check(free0 - free1 >= 1000, "MemFree went from %d to %d kB after touching 1 MiB", free0, free1)) return FAIL;
  return check(free2 - free1 >= 1000, "MemFree went from %d to %d kB after brk gave 1 MiB back", free1, free2) ? OK : FAIL;
}

// ================================================================================================
// Paging, copy-on-write and mappings (issue 6; docs/kernel.md "Eviction and swap", "Mappings",
// copy-on-write fork in "Processes")
//
// The workloads are Pintos's (page-linear, page-parallel, page-shuffle, page-mergesort) and
// xv6's cowtest (cow-big, cow-three, cow-read). The big ones size themselves from /proc/meminfo:
// a multiple of MemTotal, so that they page on a small machine (tests/kernel/usertests.test.ts
// boots one of 2 MiB), but never more than what memory and swap have free, nor more than a cap that
// keeps them quick on the default 16 MiB. Every word they depend on is checked: the data are
// pat(i, salt), a different word for every index and salt, so that a page that comes back from
// swap holding another page's words, an older pass's words, or zeros is caught.
// ================================================================================================

const PROT_NONE: i32 = 0;
const PROT_READ: i32 = 1;
const PROT_WRITE: i32 = 2;
const PROT_RW: i32 = 3;
const MAP_SHARED: i32 = 0x01;
const MAP_PRIVATE: i32 = 0x02;
const MAP_FIXED: i32 = 0x10;
const MAP_ANONYMOUS: i32 = 0x20;
const MAP_ANON: i32 = 0x22;
const ENODEV: i32 = -19;
/** Mappings go between these (docs/kernel.md "Mappings": below the stack's 8 MiB). */
const MMAP_LO: usize = 0x40000000;
const MMAP_HI: usize = 0xBF800000;
const MIB: u32 = 1024 * 1024;
/** The most a paging workload takes, so that the default 16 MiB machine stays quick. */
const PAGECAP: u32 = 6 * MIB;

/** Whether a result of mmap2 is -errno. */
function mmerr(r: usize): bool { return r >= 0xFFFFF001; }

/** An anonymous private mapping of len bytes anywhere (0 when mmap2 fails: the reason says why). */
function anon(len: u32, prot: i32 = PROT_RW): usize {
  const r = mmap2(0, len, prot, MAP_ANON, -1, 0);
  if (mmerr(r)) { fail("mmap2(0, %u, %d, MAP_PRIVATE | MAP_ANONYMOUS) = %d", len, prot, <i32>r); return 0; }
  return r;
}

/** The word a workload expects at word index i under salt (a bijection of i for each salt). */
function pat(i: u32, salt: u32): u32 {
  const x = i * 0x9E3779B1 + salt * 0x85EBCA77 + 0x2545F491;
  return x ^ (x >>> 15);
}

/** pat(i, salt) into words [from, to) of base. */
function fillpat(base: usize, from: u32, to: u32, salt: u32): void {
  for (let i = from; i < to; i++) store<u32>(base + (i << 2), pat(i, salt));
}

/**
 * Checks that words [from, to) of base are pat(i, salt), rewriting each as pat(i, next) when
 * next differs. The first wrong word is the reason ("WHAT: the word at ... is ..., want ...").
 */
function sweep(base: usize, from: u32, to: u32, salt: u32, next: u32, what: string, a0: Arg = 0, a1: Arg = 0): bool {
  for (let i = from; i < to; i++) {
    const p = base + (i << 2);
    const v = load<u32>(p);
    const w = pat(i, salt);
    if (v != w) {
      if (rlen == 0) {
        format(rputc, what, a0, a1);
        format(rputc, ": the word at 0x%08x (page %u) is 0x%08x, want 0x%08x", p, i >>> 10, v, w);
      }
      return false;
    }
    if (next != salt) store<u32>(p, pat(i, next));
  }
  return true;
}

/** In a child of a test: prints the reason recorded and exits with code (the parent reports it). */
function bail(code: i32): void {
  printf("usertests: child %d: %s\n", getpid(), rlen == 0 ? s("no reason given") : reason);
  exit(code);
}

/** /proc/meminfo, in kB. */
let memtotal: u32 = 0;
let memfree: u32 = 0;
let swaptotal: u32 = 0;
let swapfree: u32 = 0;

function readmem(): bool {
  if (slurp("/proc/meminfo") <= 0) return false;
  memtotal = <u32>meminfo("MemTotal"); memfree = <u32>meminfo("MemFree");
  swaptotal = <u32>meminfo("SwapTotal"); swapfree = <u32>meminfo("SwapFree");
  return memtotal > 0 && memtotal < 0x400000;
}

/**
 * The bytes (whole pages) of a paging workload: num/den × MemTotal, at most `cap`, and small
 * enough that `foot`/4 times it (what the test holds at its peak, per byte of workload) fits in
 * 3/4 of what memory and swap have free; TOKEN when it would fit in free memory anyway. 0 when
 * /proc/meminfo cannot be read.
 */
function worksize(num: u32, den: u32, cap: u32, foot: u32): u32 {
  if (!readmem()) return 0;
  let want = memtotal * 1024 / den * num;
  if (want > cap) want = cap;
  const fit = (memfree + swapfree) * 1024 / 4 * 3 / foot * 4;
  if (want > fit) want = fit;
  // A workload that would not page anyway (the default machine's swap is too small for it to
  // outgrow memory) runs at a token size: then it checks only that every word comes back.
  if (want / 4 * foot <= memfree * 1024 && want > TOKEN) want = TOKEN;
  return want & ~(PGSIZE - 1);
}

/** The size of a paging workload on a machine where it would not page. */
const TOKEN: u32 = 512 * 1024;

function sizenote(name: string, size: u32, more: string = "", a0: Arg = 0): void {
  printf("usertests: %s: %u KiB (MemTotal %u kB, MemFree %u kB, SwapFree %u kB)", name, size / 1024, memtotal, memfree, swapfree);
  printf(more, a0);
  printf("\n");
}

/** Pages the workloads pick at random. */
let rseed: u32 = 2463534242;
function rnd(): u32 {
  rseed ^= rseed << 13; rseed ^= rseed >>> 17; rseed ^= rseed << 5;
  return rseed;
}

// ---- Pintos's paging workloads ----

/** Fills size bytes at base, then `passes` passes each checking every word and rewriting it; a last check. */
function linear(base: usize, size: u32, passes: u32, salt: u32): bool {
  const n = size >>> 2;
  fillpat(base, 0, n, salt);
  for (let k: u32 = 0; k < passes; k++) {
    if (!sweep(base, 0, n, salt + k, salt + k + 1, "pass %u of %u", k + 1, passes)) return false;
  }
  return sweep(base, 0, n, salt + passes, salt + passes, "the check after %u passes", passes);
}

/**
 * page-linear: a buffer of 3 × MemTotal, filled, then swept twice (each word checked and
 * rewritten with the next pass's word) and checked once more: in order, the worst case for LRU.
 */
function t_pagelinear(): i32 {
  const size = worksize(3, 1, PAGECAP, 4);
  if (size == 0) return skip("no /proc/meminfo");
  sizenote("page-linear", size, ", 2 passes");
  const base = anon(size);
  if (base == 0) return FAIL;
  return linear(base, size, 2, 0x100) ? OK : FAIL;
}

/** page-parallel: 3 processes at once, each sweeping a buffer of MemTotal (3 × MemTotal in all). */
function t_pageparallel(): i32 {
  const total = worksize(3, 1, PAGECAP, 4);
  if (total == 0) return skip("no /proc/meminfo");
  const each = (total / 3) & ~(PGSIZE - 1);
  sizenote("page-parallel", each, " in each of 3 processes, 2 passes");
  for (let c: u32 = 0; c < 3; c++) {
    const pid = fork();
    if (pid < 0) return fail("fork %u = %d", c, pid);
    if (pid == 0) {
      // Each child its own mapping and its own salt.
      const base = anon(each);
      if (base == 0 || !linear(base, each, 2, 0x200 + c * 16)) bail(1);
      exit(0);
    }
    store<i32>(pids, pid, c * 4);
  }
  let bad = 0;
  for (let c: u32 = 0; c < 3; c++) {
    const pid = load<i32>(pids, c * 4);
    if (waitpid(pid, status, 0) != pid) return fail("waitpid(child %u) failed", c);
    if (load<i32>(status) != 0) { if (bad == 0) fail("child %u (of 3 at once): wait status 0x%x", c, load<i32>(status)); bad++; }
  }
  return bad == 0 ? OK : FAIL;
}

/**
 * page-shuffle: 3 × MemTotal of pages, page p holding the words of "content" ids[p] (at first p);
 * as many random swaps of two pages' contents as there are pages, each checking both pages as it
 * moves them; then every word of every page, and that the contents are still a permutation.
 */
function t_pageshuffle(): i32 {
  const size = worksize(3, 1, PAGECAP, 4);
  if (size == 0) return skip("no /proc/meminfo");
  const pages = size / PGSIZE;
  sizenote("page-shuffle", size, ", %u swaps", pages);
  const base = anon(size);
  const ids = anon(pages * 8);
  if (base == 0 || ids == 0) return FAIL;
  const seen = ids + pages * 4;
  const SALT: u32 = 0x300;
  for (let p: u32 = 0; p < pages; p++) {
    store<u32>(ids, p, p * 4);
    fillpat(base, p * 1024, p * 1024 + 1024, SALT);
  }
  // Content c's words are pat(c * 1024 + w, SALT).
  rseed = 88172645;
  for (let k: u32 = 0; k < pages; k++) {
    const a = rnd() % pages, b = rnd() % pages;
    if (a == b) continue;
    const pa = base + a * PGSIZE, pb = base + b * PGSIZE;
    const ia = load<u32>(ids, a * 4), ib = load<u32>(ids, b * 4);
    for (let w: u32 = 0; w < 1024; w++) {
      const va = load<u32>(pa, w * 4), vb = load<u32>(pb, w * 4);
      if (va != pat(ia * 1024 + w, SALT)) return fail("swap %u: page %u (content %u) word %u is 0x%08x, want 0x%08x", k, a, ia, w, va, pat(ia * 1024 + w, SALT));
      if (vb != pat(ib * 1024 + w, SALT)) return fail("swap %u: page %u (content %u) word %u is 0x%08x, want 0x%08x", k, b, ib, w, vb, pat(ib * 1024 + w, SALT));
      store<u32>(pa, vb, w * 4);
      store<u32>(pb, va, w * 4);
    }
    store<u32>(ids, ib, a * 4);
    store<u32>(ids, ia, b * 4);
  }
  for (let p: u32 = 0; p < pages; p++) {
    const id = load<u32>(ids, p * 4);
    if (!check(id < pages && load<u8>(seen, id) == 0, "page %u holds content %u, out of range or twice", p, id)) return FAIL;
    store<u8>(seen, 1, id);
    for (let w: u32 = 0; w < 1024; w++) {
      const v = load<u32>(base + p * PGSIZE, w * 4);
      if (v != pat(id * 1024 + w, SALT)) return fail("after the shuffle: page %u (content %u) word %u is 0x%08x, want 0x%08x", p, id, w, v, pat(id * 1024 + w, SALT));
    }
  }
  return OK;
}

/** Merges words [a, m) and [m, e) of src (each sorted) into dst at a. */
function merge(src: usize, dst: usize, a: u32, m: u32, e: u32): void {
  let i = src + a * 4, j = src + m * 4, k = dst + a * 4;
  const iend = src + m * 4, jend = src + e * 4;
  while (i < iend && j < jend) {
    const x = load<u32>(i), y = load<u32>(j);
    if (x <= y) { store<u32>(k, x); i += 4; } else { store<u32>(k, y); j += 4; }
    k += 4;
  }
  while (i < iend) { store<u32>(k, load<u32>(i)); i += 4; k += 4; }
  while (j < jend) { store<u32>(k, load<u32>(j)); j += 4; k += 4; }
}

/** Insertion sort of words [lo, hi) of a (short runs). */
function isort(a: usize, lo: u32, hi: u32): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = load<u32>(a + i * 4);
    let j = i;
    while (j > lo && load<u32>(a + (j - 1) * 4) > x) { store<u32>(a + j * 4, load<u32>(a + (j - 1) * 4)); j--; }
    store<u32>(a + j * 4, x);
  }
}

/**
 * Sorts words [lo, hi) of a (unsigned) with the same words of t as scratch, the result in a
 * (toa) or in t. Top-down, so that once a piece fits in memory it is sorted there and only the
 * top levels sweep more than RAM; each level one merge from one array into the other.
 */
function msort(a: usize, t: usize, lo: u32, hi: u32, toa: bool = true): void {
  if (hi - lo <= 16) {
    isort(a, lo, hi);
    if (!toa) for (let i = lo; i < hi; i++) store<u32>(t + i * 4, load<u32>(a + i * 4));
    return;
  }
  const mid = lo + (hi - lo) / 2;
  // The halves go to the other array, and are merged back into the one wanted.
  msort(a, t, lo, mid, !toa);
  msort(a, t, mid, hi, !toa);
  if (toa) merge(t, a, lo, mid, hi); else merge(a, t, lo, mid, hi);
}

/** A sum that does not depend on the order of the words (the same multiset, the same sum). */
function mix(x: u32): u32 { const y = x * 0x2C1B3C6D + 0x297A2D39; return y ^ (y >>> 12); }

/**
 * Checks n words at a are strictly increasing (the input's words are all different) and have
 * the sums of the input, `sum` and `msum`; returns an 8-bit digest of them in 16..255, or -1.
 */
let gsum: u32 = 0;
let gmsum: u32 = 0;
function sortedsum(a: usize, n: u32, what: string, q: u32): i32 {
  let sum: u32 = 0, msum: u32 = 0, h: u32 = 0;
  let prev: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u32>(a + i * 4);
    if (i > 0 && x <= prev) { fail("%s %u: word %u (0x%08x) is not above the one before (0x%08x)", what, q, i, x, prev); return -1; }
    prev = x;
    sum += x; msum += mix(x);
    h = (h ^ x) * 0x01000193 + i;
  }
  if (sum != gsum || msum != gmsum) { fail("%s %u: the sorted words are not the input's (sums 0x%x 0x%x, want 0x%x 0x%x)", what, q, sum, msum, gsum, gmsum); return -1; }
  return <i32>(16 + (h ^ (h >>> 16)) % 240);
}

/** The sums of pat(i, salt) for i in [from, to), into gsum and gmsum. */
function patsums(from: u32, to: u32, salt: u32): void {
  gsum = 0; gmsum = 0;
  for (let i = from; i < to; i++) { const x = pat(i, salt); gsum += x; gmsum += mix(x); }
}

/**
 * page-mergesort: 2 × MemTotal of pseudo-random words, sorted. With fork and no shared memory,
 * pipes or writable files, a child's sorted words cannot come back to the parent: only its 8-bit
 * exit status can. So four children each sort a quarter in their own copy-on-write copy (two at
 * a time, their scratch space taken from a mapping the parent has not touched), check it
 * themselves (in order, and the same sums as the input's quarter) and exit with an 8-bit digest
 * of the sorted quarter. The parent checks that its own words are still the input, word for word
 * (the children's writes stayed in their copies), sorts each quarter itself and compares digests,
 * then merges the quarters into the whole sorted array and checks it: in order, the input's sums.
 */
function t_pagemergesort(): i32 {
  const size = worksize(3, 4, 2 * MIB, 8) & ~(4 * PGSIZE - 1);
  if (size == 0) return skip("no /proc/meminfo");
  const n = size / 4, q = n / 4;
  sizenote("page-mergesort", size, ", %u words", n);
  const SALT: u32 = 0x400;
  const data = anon(size);
  const tmp = anon(size);
  if (data == 0 || tmp == 0) return FAIL;
  fillpat(data, 0, n, SALT);
  for (let round: u32 = 0; round < 2; round++) {
    for (let c = round * 2; c < round * 2 + 2; c++) {
      const pid = fork();
      if (pid < 0) return fail("fork %u = %d", c, pid);
      if (pid == 0) {
        const part = data + c * q * 4;
        if (!sweep(data, c * q, c * q + q, SALT, SALT, "child %u's quarter before sorting", c)) bail(1);
        msort(data, tmp, c * q, c * q + q);
        patsums(c * q, c * q + q, SALT);
        const d = sortedsum(part, q, "child's quarter", c);
        if (d < 0) bail(2);
        exit(d);
      }
      store<i32>(pids, pid, c * 4);
    }
    for (let c = round * 2; c < round * 2 + 2; c++) {
      if (waitpid(load<i32>(pids, c * 4), status, 0) < 0) return fail("waitpid(child %u) failed", c);
      const st = load<i32>(status);
      if (!check((st & 0xff) == 0 && (st >> 8) >= 16, "child %u sorting a quarter: wait status 0x%x", c, st)) return FAIL;
      store<i32>(pids, st >> 8, 16 + c * 4);
    }
  }
  if (!sweep(data, 0, n, SALT, SALT, "the parent's words after the children sorted theirs")) return FAIL;
  for (let c: u32 = 0; c < 4; c++) {
    msort(data, tmp, c * q, c * q + q);
    patsums(c * q, c * q + q, SALT);
    const d = sortedsum(data + c * q * 4, q, "the parent's quarter", c);
    if (d < 0) return FAIL;
    if (!want(d, load<i32>(pids, 16 + c * 4), "the digest of quarter %u sorted by the parent (the child's is the wanted)", c)) return FAIL;
  }
  merge(data, tmp, 0, q, 2 * q);
  merge(data, tmp, 2 * q, 3 * q, 4 * q);
  merge(tmp, data, 0, 2 * q, 4 * q);
  patsums(0, n, SALT);
  return sortedsum(data, n, "the whole array", 0) >= 0 ? OK : FAIL;
}

// ---- xv6's cowtest ----

/**
 * One round of cow-big on size bytes at base: parent and child each check every word and rewrite
 * all of it with their own words at the same time (every page copied), and check again. Then one
 * side rewrites every page (without reading it first) while the other waits, and the other
 * looks: a child while the parent waits for it, then the parent while a child sleeps. The copies
 * are made with memory full of shared pages, which the kernel may evict meanwhile.
 */
function cowround(base: usize, size: u32, r: u32): bool {
  const n = size / 4;
  const salt: u32 = 0x500 + r * 8;
  fillpat(base, 0, n, salt);
  const pid = fork();
  if (pid < 0) return check(false, "round %u: fork with %u KiB in use = %d", r, size / 1024, pid);
  if (pid == 0) {
    if (!sweep(base, 0, n, salt, salt + 1, "round %u: the child's first pass", r) || !sweep(base, 0, n, salt + 1, salt + 1, "round %u: the child's check of its words", r)) bail(1);
    exit(0);
  }
  if (!sweep(base, 0, n, salt, salt + 2, "round %u: the parent's first pass", r)) return false;
  if (!sweep(base, 0, n, salt + 2, salt + 2, "round %u: the parent's check of its words", r)) return false;
  if (!want(waitpid(pid, status, 0), pid, "round %u: waitpid(child)", r)) return false;
  if (!want(load<i32>(status), 0, "round %u: the child's wait status", r)) return false;
  if (!sweep(base, 0, n, salt + 2, salt + 2, "round %u: the parent's words after the child exited", r)) return false;
  const c2 = fork();
  if (c2 < 0) return check(false, "round %u: the second fork = %d", r, c2);
  if (c2 == 0) {
    fillpat(base, 0, n, salt + 3);
    if (!sweep(base, 0, n, salt + 3, salt + 3, "round %u: the second child's check of its words", r)) bail(1);
    exit(0);
  }
  if (!want(waitpid(c2, status, 0), c2, "round %u: waitpid(child 2)", r)) return false;
  if (!want(load<i32>(status), 0, "round %u: the wait status of a child that rewrote every shared page", r)) return false;
  if (!sweep(base, 0, n, salt + 2, salt + 2, "round %u: the parent's words after a child rewrote all of its copy", r)) return false;
  // (The child sleeps 1 s: longer than the parent's writes take.)
  const c3 = fork();
  if (c3 < 0) return check(false, "round %u: the third fork = %d", r, c3);
  if (c3 == 0) {
    msleep(1000);
    if (!sweep(base, 0, n, salt + 2, salt + 2, "round %u: the third child's words after the parent rewrote its copy", r)) bail(1);
    exit(0);
  }
  fillpat(base, 0, n, salt + 4);
  if (!sweep(base, 0, n, salt + 4, salt + 4, "round %u: the parent's check of its words, a child sleeping", r)) return false;
  if (!want(waitpid(c3, status, 0), c3, "round %u: waitpid(child 3)", r)) return false;
  if (!want(load<i32>(status), 0, "round %u: the wait status of a child that slept while the parent rewrote every shared page", r)) return false;
  return sweep(base, 0, n, salt + 4, salt + 4, "round %u: the parent's words at the end", r);
}

/**
 * cow-big: fork with most of memory in use — all of the free memory but what the fork itself
 * needs (a kernel stack, page tables), and as much as two copies fit in memory and swap — in four
 * rounds of cowround, from MemFree less 96 kB down to MemFree less 288 kB (how full memory is
 * decides which pages the kernel evicts while the copies are made); one round of a token size
 * where nothing would page.
 */
function t_cowbig(): i32 {
  if (!readmem()) return skip("no /proc/meminfo");
  const fit = (memfree + swapfree) * 1024 / 8 * 3;
  let top = memfree > 400 ? (memfree - 96) * 1024 : memfree * 1024 / 2;
  if (top > fit) top = fit;
  if (top > 12 * MIB) top = 12 * MIB;
  // Where two copies fit in free memory, nothing pages: a token size then.
  if (top / 512 <= memfree && top > 2 * TOKEN) top = 2 * TOKEN;
  top &= ~(PGSIZE - 1);
  sizenote("cow-big", top, " shared by a fork, %u rounds", top == 2 * TOKEN ? 1 : 4);
  const base = anon(top);
  if (base == 0) return FAIL;
  const rounds: u32 = top == 2 * TOKEN ? 1 : 4;
  for (let r: u32 = 0; r < rounds; r++) {
    const size = top - r * 64 * 1024;
    if (!cowround(base, size, r)) return FAIL;
  }
  return OK;
}

const COWPAGES: u32 = 32;

/** One of cow-three's writers: sees the parent's words, then 4 rounds of its own, yielding as it goes. */
function cowwriter(base: usize, me: u32): bool {
  const n = COWPAGES * 1024;
  if (!sweep(base, 0, n, 0x600, 0x600, "writer %u, before writing", me)) return false;
  let cur: u32 = 0x600;
  for (let r: u32 = 0; r < 4; r++) {
    const next = 0x700 + me * 16 + r;
    for (let p: u32 = 0; p < COWPAGES; p++) {
      if (!sweep(base, p * 1024, p * 1024 + 1024, cur, next, "writer %u, round %u", me, r)) return false;
      if ((p & 3) == 3) sched_yield();
    }
    if (!sweep(base, 0, n, next, next, "writer %u, after round %u", me, r)) return false;
    cur = next;
  }
  return true;
}

/**
 * cow-three: three children write the same inherited pages at once (rounds of their own words,
 * yielding to each other page by page); each checks every word after each round and sees only
 * its own. The parent writes too, and its words survive all three.
 */
function t_cowthree(): i32 {
  const base = anon(COWPAGES * PGSIZE);
  if (base == 0) return FAIL;
  fillpat(base, 0, COWPAGES * 1024, 0x600);
  for (let c: u32 = 0; c < 3; c++) {
    const pid = fork();
    if (pid < 0) return fail("fork %u = %d", c, pid);
    if (pid == 0) { if (!cowwriter(base, c)) bail(1); exit(0); }
    store<i32>(pids, pid, c * 4);
  }
  if (!cowwriter(base, 3)) return FAIL;
  for (let c: u32 = 0; c < 3; c++) {
    const pid = load<i32>(pids, c * 4);
    if (waitpid(pid, status, 0) != pid) return fail("waitpid(writer %u) failed", c);
    if (!want(load<i32>(status), 0, "writer %u's wait status", c)) return FAIL;
  }
  const last: u32 = 0x700 + 3 * 16 + 3;
  return sweep(base, 0, COWPAGES * 1024, last, last, "the parent, after the three writers exited") ? OK : FAIL;
}

/** The byte a cow-read buffer holds where nothing was read into it. */
function cowbyte(i: u32): u8 { return <u8>(i * 7 + 3); }

function cowbytes(p: usize, from: u32, to: u32, what: string): bool {
  for (let i = from; i < to; i++) {
    if (load<u8>(p, i) != cowbyte(i)) { fail("%s: byte %u is 0x%x, want 0x%x", what, i, load<u8>(p, i), cowbyte(i)); return false; }
  }
  return true;
}

/** read(/bin/usertests, p + at, len): whether it gave len bytes equal to ref's. */
function readinto(p: usize, at: u32, len: u32, ref: usize, what: string): bool {
  const fd = open("/bin/usertests", 0, 0);
  const r = read(fd, p + at, len);
  close(fd);
  if (!want(r, <i32>len, "%s: read(/bin/usertests, %u bytes)", what, len)) return false;
  for (let i: u32 = 0; i < len; i++) {
    if (load<u8>(p, at + i) != load<u8>(ref, i)) { fail("%s: byte %u read is 0x%x, want 0x%x", what, i, load<u8>(p, at + i), load<u8>(ref, i)); return false; }
  }
  return true;
}

/**
 * cow-read: read() into copy-on-write pages — the kernel's own write takes the copy-on-write
 * path (CR0.WP). A child reads a file across three page boundaries of pages it shares with the
 * parent; the parent's bytes stay. Then the parent reads into pages a sleeping child shares; the
 * child's stay. Last, the parent reads into pages whose other sharer has exited (the last
 * reference: taken over, not copied).
 */
function t_cowread(): i32 {
  const LEN: u32 = 3 * PGSIZE + 500;
  const AT: u32 = 100;
  const SZ: u32 = 4 * PGSIZE;
  const ref = anon(SZ);
  const p = anon(SZ);
  if (ref == 0 || p == 0) return FAIL;
  const fd = open("/bin/usertests", 0, 0);
  let got: u32 = 0;
  while (got < LEN) { const r = read(fd, ref + got, LEN - got); if (r <= 0) break; got += <u32>r; }
  close(fd);
  if (!want(<i32>got, <i32>LEN, "reading the reference bytes")) return FAIL;
  for (let i: u32 = 0; i < SZ; i++) store<u8>(p, cowbyte(i), i);
  // The child reads into the shared pages.
  let pid = fork();
  if (pid == 0) {
    if (!readinto(p, AT, LEN, ref, "the child") || !cowbytes(p, 0, AT, "the child, before the bytes read") || !cowbytes(p, AT + LEN, SZ, "the child, after the bytes read")) bail(1);
    exit(0);
  }
  if (!want(waitpid(pid, status, 0), pid, "waitpid")) return FAIL;
  if (!want(load<i32>(status), 0, "the child that read into shared pages: wait status")) return FAIL;
  if (!cowbytes(p, 0, SZ, "the parent's pages after the child read into its copies")) return FAIL;
  // The parent reads while a child shares the pages and waits to look.
  pid = fork();
  if (pid == 0) {
    msleep(200);
    if (!cowbytes(p, 0, SZ, "the child's pages after the parent read into its copies")) bail(1);
    exit(0);
  }
  if (!readinto(p, AT, LEN, ref, "the parent")) return FAIL;
  if (!want(waitpid(pid, status, 0), pid, "waitpid")) return FAIL;
  if (!want(load<i32>(status), 0, "the child sharing the pages the parent read into: wait status")) return FAIL;
  // Copy-on-write pages whose other sharer is gone.
  for (let i: u32 = 0; i < SZ; i++) store<u8>(p, cowbyte(i), i);
  pid = fork();
  if (pid == 0) exit(0);
  waitpid(pid, status, 0);
  if (!readinto(p, AT, LEN, ref, "the parent, its pages' other sharer gone")) return FAIL;
  return cowbytes(p, 0, AT, "the parent, before the bytes read") && cowbytes(p, AT + LEN, SZ, "the parent, after the bytes read") ? OK : FAIL;
}

// ---- mmap2, munmap, mprotect ----

const mline = memory.data(64, 4);
let mlen: u32 = 0;
function mputc(c: u8): void { if (mlen < 63) { store<u8>(mline + mlen, c); mlen++; store<u8>(mline + mlen, 0); } }

/** Whether /proc/self/maps has the line of a region [start, end) with the rights (e.g. "rw-"). */
function hasmap(start: usize, end: usize, rights: string): bool {
  mlen = 0;
  format(mputc, "%08x-%08x %sp ", start, end, rights);
  const n = slurp("/proc/self/maps");
  for (let i: u32 = 0; <i32>i < n; i++) {
    if ((i == 0 || load<u8>(buf, i - 1) == 10) && same(buf + i, mline, mlen)) return true;
  }
  return false;
}

/** The number of regions /proc/self/maps lists. */
function nmaps(): i32 {
  const n = slurp("/proc/self/maps");
  let k = 0;
  for (let i: u32 = 0; <i32>i < n; i++) if (load<u8>(buf, i) == 10) k++;
  return k;
}

function inmmap(a: usize, len: u32): bool {
  return (a & (PGSIZE - 1)) == 0 && a >= MMAP_LO && a + len <= MMAP_HI && a + len > a;
}

/** mmap-anon: anonymous mappings are zero-filled, keep what is written, are distinct, are inherited copy-on-write; munmap removes them. */
function t_mmapanon(): i32 {
  const SZ: u32 = 8 * PGSIZE;
  const a = anon(SZ);
  if (a == 0) return FAIL;
  if (!check(inmmap(a, SZ), "mmap2(0, 8 pages) = 0x%08x: not page-aligned in [0x40000000, 0xbf800000)", a)) return FAIL;
  if (!check(hasmap(a, a + SZ, "rw-"), "/proc/self/maps has no line %s: %s", mline, buf)) return FAIL;
  for (let i: u32 = 0; i < SZ; i += 4) if (load<u32>(a, i) != 0) return fail("a new anonymous mapping holds 0x%x at +%u", load<u32>(a, i), i);
  fillpat(a, 0, SZ / 4, 0x800);
  const b = anon(SZ);
  if (b == 0) return FAIL;
  if (!check(inmmap(b, SZ) && (b + SZ <= a || b >= a + SZ), "a second mapping at 0x%08x meets the first at 0x%08x", b, a)) return FAIL;
  for (let i: u32 = 0; i < SZ; i += 4) if (load<u32>(b, i) != 0) return fail("a second mapping holds 0x%x at +%u", load<u32>(b, i), i);
  fillpat(b, 0, SZ / 4, 0x801);
  if (!sweep(a, 0, SZ / 4, 0x800, 0x800, "the first mapping after the second was written")) return FAIL;
  // A length that is not whole pages: the rest of the last page is there too.
  const c = anon(5000);
  if (c == 0) return FAIL;
  store<u32>(c + 2 * PGSIZE - 4, 0x12345678);
  if (!want(<i32>load<u32>(c + 2 * PGSIZE - 4), 0x12345678, "the last word of a 5000-byte mapping")) return FAIL;
  if (!check(hasmap(c, c + 2 * PGSIZE, "rw-"), "/proc/self/maps has no line %s", mline)) return FAIL;
  // Read-only and inaccessible mappings.
  const r = anon(PGSIZE, PROT_READ);
  if (r == 0) return FAIL;
  if (!want(<i32>load<u32>(r, 100), 0, "a word of a read-only anonymous mapping")) return FAIL;
  gaddr = r + 8;
  if (!dies(writebody, SIGSEGV, "writing a PROT_READ mapping")) return FAIL;
  const z = anon(PGSIZE, PROT_NONE);
  if (z == 0) return FAIL;
  if (!check(hasmap(z, z + PGSIZE, "---"), "/proc/self/maps has no line %s", mline)) return FAIL;
  gaddr = z;
  if (!dies(touchbody, SIGSEGV, "reading a PROT_NONE mapping")) return FAIL;
  if (!dies(writebody, SIGSEGV, "writing a PROT_NONE mapping")) return FAIL;
  // Big and lazy: 256 MiB, three pages of it touched.
  const big_ = anon(256 * MIB);
  if (big_ == 0) return FAIL;
  store<u32>(big_, 1); store<u32>(big_ + 128 * MIB, 2); store<u32>(big_ + 256 * MIB - 4, 3);
  if (!check(load<u32>(big_) == 1 && load<u32>(big_ + 128 * MIB) == 2 && load<u32>(big_ + 256 * MIB - 4) == 3 && load<u32>(big_ + 64 * MIB) == 0, "a 256 MiB mapping lost a write")) return FAIL;
  if (!want(munmap(big_, 256 * MIB), 0, "munmap(256 MiB)")) return FAIL;
  // Inherited by fork, copy-on-write.
  const pid = fork();
  if (pid == 0) {
    if (!sweep(a, 0, SZ / 4, 0x800, 0x802, "the child's view of the mapping")) bail(1);
    if (!sweep(a, 0, SZ / 4, 0x802, 0x802, "the child's own words")) bail(2);
    exit(0);
  }
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 0, "the child using an inherited mapping: wait status")) return FAIL;
  if (!sweep(a, 0, SZ / 4, 0x800, 0x800, "the parent's mapping after the child wrote its copy")) return FAIL;
  // munmap: the pages are gone.
  if (!want(munmap(a, SZ), 0, "munmap(a)")) return FAIL;
  if (!check(!hasmap(a, a + SZ, "rw-"), "/proc/self/maps still lists an unmapped mapping")) return FAIL;
  gaddr = a + 3 * PGSIZE;
  if (!dies(touchbody, SIGSEGV, "reading an unmapped mapping")) return FAIL;
  if (!sweep(b, 0, SZ / 4, 0x801, 0x801, "the second mapping after the first was unmapped")) return FAIL;
  // Unmapped and mapped again: zeros, not the old words.
  const a2 = mmap2(a, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!want(<i32>a2, <i32>a, "mmap2 again at the old address as a hint")) return FAIL;
  for (let i: u32 = 0; i < SZ; i += 4) if (load<u32>(a2, i) != 0) return fail("a mapping made again holds old words: 0x%x at +%u", load<u32>(a2, i), i);
  return OK;
}

/** mmap-fixed: MAP_FIXED goes exactly where asked, replacing what was there; bad addresses are EINVAL. */
function t_mmapfixed(): i32 {
  const F: usize = 0x50000000;
  const SZ: u32 = 4 * PGSIZE;
  if (!want(<i32>mmap2(F, SZ, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), <i32>F, "mmap2(0x50000000, 4 pages, MAP_FIXED)")) return FAIL;
  fillpat(F, 0, SZ / 4, 0x900);
  // Over its middle two pages: those are new (zeros); the outer two keep their words.
  if (!want(<i32>mmap2(F + PGSIZE, 2 * PGSIZE, PROT_READ, MAP_ANON | MAP_FIXED, -1, 0), <i32>(F + PGSIZE), "mmap2(MAP_FIXED) over the middle of a mapping")) return FAIL;
  for (let i: u32 = PGSIZE; i < 3 * PGSIZE; i += 4) if (load<u32>(F, i) != 0) return fail("a MAP_FIXED mapping over old pages holds 0x%x at +%u", load<u32>(F, i), i);
  if (!sweep(F, 0, 1024, 0x900, 0x900, "the page before the replaced ones")) return FAIL;
  if (!sweep(F, 3072, 4096, 0x900, 0x900, "the page after the replaced ones")) return FAIL;
  if (!check(hasmap(F, F + PGSIZE, "rw-") && hasmap(F + PGSIZE, F + 3 * PGSIZE, "r--") && hasmap(F + 3 * PGSIZE, F + 4 * PGSIZE, "rw-"), "/proc/self/maps after MAP_FIXED over the middle: %s", buf)) return FAIL;
  gaddr = F + 2 * PGSIZE;
  if (!dies(writebody, SIGSEGV, "writing the read-only pages MAP_FIXED put in the middle")) return FAIL;
  // Refused: not page-aligned, page 0, into the stack's 8 MiB, past the top, wrapping.
  if (!want(<i32>mmap2(F + 100, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0x50000064, MAP_FIXED)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0, MAP_FIXED)")) return FAIL;
  if (!want(<i32>mmap2(MMAP_HI, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0xbf800000, MAP_FIXED), the stack's region")) return FAIL;
  if (!want(<i32>mmap2(MMAP_HI - PGSIZE, 2 * PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0xbf7ff000, 2 pages, MAP_FIXED), into the stack's region")) return FAIL;
  if (!want(<i32>mmap2(0xC0000000, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0xc0000000, MAP_FIXED)")) return FAIL;
  if (!want(<i32>mmap2(0xFFFFF000, 2 * PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0xfffff000, 2 pages, MAP_FIXED)")) return FAIL;
  // The refusals changed nothing.
  if (!sweep(F, 0, 1024, 0x900, 0x900, "the mapping after refused MAP_FIXED calls")) return FAIL;
  // In a child, MAP_FIXED replaces the child's pages only.
  const pid = fork();
  if (pid == 0) {
    if (<i32>mmap2(F, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0) != <i32>F) exit(1);
    if (load<u32>(F) != 0) exit(2);
    store<u32>(F, 7);
    exit(0);
  }
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 0, "a child's MAP_FIXED: wait status")) return FAIL;
  if (!sweep(F, 0, 1024, 0x900, 0x900, "the parent's page after a child replaced its own")) return FAIL;
  // Adjacent to the stack's region is fine.
  if (!want(<i32>mmap2(MMAP_HI - PGSIZE, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), <i32>(MMAP_HI - PGSIZE), "mmap2(0xbf7ff000, 1 page, MAP_FIXED)")) return FAIL;
  store<u32>(MMAP_HI - 4, 0xfeed);
  if (!want(<i32>load<u32>(MMAP_HI - 4), 0xfeed, "the last word below the stack's region")) return FAIL;
  return want(munmap(F, SZ), 0, "munmap(F)") ? OK : FAIL;
}

/** mmap-hint: a free hint is taken; a hint in use (or out of bounds) is not, and the mapping goes elsewhere, meeting nothing. */
function t_mmaphint(): i32 {
  const H: usize = 0x60000000;
  const SZ: u32 = 2 * PGSIZE;
  const text0 = load<u32>(0x08048000);
  const a = mmap2(H, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!want(<i32>a, <i32>H, "mmap2(hint 0x60000000) with the range free")) return FAIL;
  fillpat(a, 0, SZ / 4, 0xA00);
  const b = mmap2(H, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(b) && inmmap(b, SZ) && (b + SZ <= H || b >= H + SZ), "mmap2(hint 0x60000000) with the range in use = 0x%08x", b)) return FAIL;
  const c = mmap2(H + PGSIZE, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(c) && inmmap(c, SZ) && (c + SZ <= H || c >= H + SZ) && (c + SZ <= b || c >= b + SZ), "mmap2(hint 0x60001000) overlapping a mapping = 0x%08x", c)) return FAIL;
  // A hint on the program's text, in the stack's region, in the kernel's half.
  const d = mmap2(0x08048000, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(d) && inmmap(d, SZ), "mmap2(hint 0x08048000, the text) = 0x%08x", d)) return FAIL;
  const e = mmap2(0xBFF00000, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(e) && inmmap(e, SZ), "mmap2(hint 0xbff00000, the stack) = 0x%08x", e)) return FAIL;
  const f = mmap2(0xC0100000, SZ, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(f) && inmmap(f, SZ), "mmap2(hint 0xc0100000, the kernel) = 0x%08x", f)) return FAIL;
  if (!sweep(a, 0, SZ / 4, 0xA00, 0xA00, "the mapping at the hint after others were asked there")) return FAIL;
  // Without a hint: the highest free range; the next one just below it.
  const g = mmap2(0, 3 * PGSIZE, PROT_RW, MAP_ANON, -1, 0);
  const h = mmap2(0, 3 * PGSIZE, PROT_RW, MAP_ANON, -1, 0);
  if (!check(inmmap(g, 3 * PGSIZE) && inmmap(h, 3 * PGSIZE) && h + 3 * PGSIZE <= g, "two mappings without a hint at 0x%08x, then 0x%08x", g, h)) return FAIL;
  // Each is its own: words written in one are not in another.
  store<u32>(b, 1); store<u32>(c, 2); store<u32>(d, 3); store<u32>(e, 4); store<u32>(f, 5); store<u32>(g, 6); store<u32>(h, 7);
  if (!check(load<u32>(b) == 1 && load<u32>(c) == 2 && load<u32>(d) == 3 && load<u32>(e) == 4 && load<u32>(f) == 5 && load<u32>(g) == 6 && load<u32>(h) == 7, "mappings share words")) return FAIL;
  // The text is still the program's.
  if (!want(<i32>load<u32>(0x08048000), <i32>text0, "the first word of the text after a hint there")) return FAIL;
  // After munmap the hint's range is free again.
  if (!want(munmap(H, SZ), 0, "munmap(H)")) return FAIL;
  return want(<i32>mmap2(H, SZ, PROT_RW, MAP_ANON, -1, 0), <i32>H, "mmap2(hint 0x60000000) after munmap") ? OK : FAIL;
}

/**
 * mmap-file: a private mapping of a file reads its bytes (to the end of its last page, zeros past
 * the file's end; at a page offset too); it outlives the descriptor; written, it changes only the
 * process's copy — not the file, not other mappings of it — and keeps the bytes written through
 * swap; a child inherits the written bytes and its own writes stay its own.
 */
function t_mmapfile(): i32 {
  const fd = open("/bin/usertests", 0, 0);
  if (!want(fstat(fd, buf2), 0, "fstat(/bin/usertests)")) return FAIL;
  const size = load<u32>(buf2, 8);
  const pages = (size + PGSIZE - 1) / PGSIZE;
  const ref = anon(pages * PGSIZE);
  if (ref == 0) return FAIL;
  let got: u32 = 0;
  while (got < size) { const r = read(fd, ref + got, size - got); if (r <= 0) break; got += <u32>r; }
  if (!want(<i32>got, <i32>size, "reading /bin/usertests")) return FAIL;
  const m = mmap2(0, size, PROT_RW, MAP_PRIVATE, fd, 0);
  if (!check(!mmerr(m) && inmmap(m, size), "mmap2(/bin/usertests, MAP_PRIVATE) = %d", <i32>m)) return FAIL;
  const m1 = mmap2(0, 2 * PGSIZE, PROT_READ, MAP_PRIVATE, fd, 1);
  if (!check(!mmerr(m1), "mmap2(/bin/usertests, offset 1 page, PROT_READ) = %d", <i32>m1)) return FAIL;
  const m2 = mmap2(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (!check(!mmerr(m2), "mmap2(/bin/usertests) again = %d", <i32>m2)) return FAIL;
  // The mapping outlives the descriptor.
  close(fd);
  for (let i: u32 = 0; i < size; i++) if (load<u8>(m, i) != load<u8>(ref, i)) return fail("the mapping's byte %u is 0x%x, the file's 0x%x", i, load<u8>(m, i), load<u8>(ref, i));
  for (let i = size; i < pages * PGSIZE; i++) if (load<u8>(m, i) != 0) return fail("the mapping's byte %u, past the end of the file, is 0x%x", i, load<u8>(m, i));
  for (let i: u32 = 0; i < 2 * PGSIZE; i++) if (load<u8>(m1, i) != load<u8>(ref, PGSIZE + i)) return fail("the mapping at offset 1 page: byte %u is 0x%x, the file's 0x%x", i, load<u8>(m1, i), load<u8>(ref, PGSIZE + i));
  // Written privately: every byte.
  for (let i: u32 = 0; i < size; i++) store<u8>(m, ~load<u8>(ref, i), i);
  for (let i: u32 = 0; i < size; i++) if (load<u8>(m, i) != <u8>~load<u8>(ref, i)) return fail("the written mapping's byte %u is 0x%x", i, load<u8>(m, i));
  // The file and the other mappings of it are unchanged.
  for (let i: u32 = 0; i < size; i++) if (load<u8>(m2, i) != load<u8>(ref, i)) return fail("another mapping of the file changed: byte %u is 0x%x, the file's 0x%x", i, load<u8>(m2, i), load<u8>(ref, i));
  const f2 = open("/bin/usertests", 0, 0);
  for (let at: u32 = 0; at < size; ) {
    const r = read(f2, buf, 4096);
    if (r <= 0) return fail("reading the file again: %d at %u", r, at);
    for (let i: u32 = 0; i < <u32>r; i++) if (load<u8>(buf, i) != load<u8>(ref, at + i)) return fail("the file changed after a private mapping was written: byte %u", at + i);
    at += <u32>r;
  }
  close(f2);
  // A new mapping of the file, made after the writes: the file's bytes.
  const f3 = open("/bin/usertests", 0, 0);
  const m3 = mmap2(0, size, PROT_READ, MAP_PRIVATE, f3, 0);
  close(f3);
  if (!check(!mmerr(m3), "mmap2 after the writes = %d", <i32>m3)) return FAIL;
  for (let i: u32 = 0; i < size; i++) if (load<u8>(m3, i) != load<u8>(ref, i)) return fail("a mapping made after the writes: byte %u is 0x%x, the file's 0x%x", i, load<u8>(m3, i), load<u8>(ref, i));
  // Pushed out to swap and read back (not written again), then pushed out and read back again:
  // still the bytes written, not the file's — on a machine small enough for 2 × MemTotal of
  // other pages to push them out (elsewhere TOKEN: skipped).
  const press = worksize(2, 1, PAGECAP, 4);
  if (press > TOKEN) {
    for (let round: u32 = 0; round < 2; round++) {
      const junk = anon(press);
      if (junk == 0) return FAIL;
      for (let p: u32 = 0; p < press; p += PGSIZE) store<u32>(junk + p, p);
      munmap(junk, press);
      for (let i: u32 = 0; i < size; i++) if (load<u8>(m, i) != <u8>~load<u8>(ref, i)) return fail("after round %u of other pages pushing it out to swap: the written mapping's byte %u (page %u) is 0x%x, want 0x%x (the file's byte: 0x%x)", round + 1, i, i / PGSIZE, load<u8>(m, i), ~load<u8>(ref, i) & 0xff, load<u8>(ref, i));
    }
  }
  // Inherited: the child sees the parent's private bytes; its own writes stay its own.
  const pid = fork();
  if (pid == 0) {
    for (let i: u32 = 0; i < size; i++) if (load<u8>(m, i) != <u8>~load<u8>(ref, i)) { fail("the child's view of the parent's written mapping: byte %u (page %u) is 0x%x, want 0x%x (the file's byte: 0x%x)", i, i / PGSIZE, load<u8>(m, i), ~load<u8>(ref, i) & 0xff, load<u8>(ref, i)); bail(1); }
    for (let i: u32 = 0; i < size; i++) store<u8>(m, load<u8>(ref, i) ^ 0x5a, i);
    for (let i: u32 = 0; i < size; i++) if (load<u8>(m, i) != (load<u8>(ref, i) ^ 0x5a)) { fail("the child's own bytes: byte %u (page %u) is 0x%x, want 0x%x", i, i / PGSIZE, load<u8>(m, i), load<u8>(ref, i) ^ 0x5a); bail(2); }
    exit(0);
  }
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 0, "the child using an inherited file mapping: wait status")) return FAIL;
  for (let i: u32 = 0; i < size; i++) if (load<u8>(m, i) != <u8>~load<u8>(ref, i)) return fail("the parent's mapping changed by the child at byte %u", i);
  // A read-only file mapping cannot be written.
  gaddr = m1 + 10;
  if (!dies(writebody, SIGSEGV, "writing a PROT_READ file mapping")) return FAIL;
  return want(munmap(m, size), 0, "munmap(file mapping)") ? OK : FAIL;
}

/** mmap-bad: bad lengths, flags and descriptors are refused with -errno, and map nothing. */
function t_mmapbad(): i32 {
  const before = nmaps();
  if (!want(<i32>mmap2(0, 0, PROT_RW, MAP_ANON, -1, 0), EINVAL, "mmap2(length 0)")) return FAIL;
  const huge = <i32>mmap2(0, 0xFFFFF000, PROT_RW, MAP_ANON, -1, 0);
  if (!check(huge == EINVAL || huge == ENOMEM, "mmap2(length 0xfffff000) = %d, want -22 or -12", huge)) return FAIL;
  if (!want(<i32>mmap2(0, 0x80000000, PROT_RW, MAP_ANON, -1, 0), ENOMEM, "mmap2(length 2 GiB, more than the room for mappings)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0), EINVAL, "mmap2(MAP_SHARED | MAP_ANONYMOUS)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_RW, MAP_ANONYMOUS, -1, 0), EINVAL, "mmap2(neither MAP_PRIVATE nor MAP_SHARED)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_RW, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL, "mmap2(MAP_SHARED | MAP_PRIVATE)")) return FAIL;
  const fd = open("/etc/motd", 0, 0);
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0), EINVAL, "mmap2(/etc/motd, MAP_SHARED)")) return FAIL;
  if (!want(<i32>mmap2(0, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL, "mmap2(/etc/motd, length 0)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF, "mmap2(fd -1, not anonymous)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, 99, 0), EBADF, "mmap2(fd 99)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, 15, 0), EBADF, "mmap2(fd 15, never opened)")) return FAIL;
  close(fd);
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0), EBADF, "mmap2(a closed fd)")) return FAIL;
  const dfd = open("/bin", 0, 0);
  const rd = <i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, dfd, 0);
  close(dfd);
  if (!check(rd == EACCES || rd == ENODEV, "mmap2(a directory) = %d, want -13 (EACCES) or -19 (ENODEV)", rd)) return FAIL;
  const rc = <i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, 0, 0);
  if (!check(rc < 0 && rc > -4096, "mmap2(the console) = %d, want -errno", rc)) return FAIL;
  const pfd = open("/proc/meminfo", 0, 0);
  const rp = <i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, pfd, 0);
  close(pfd);
  if (!check(rp < 0 && rp > -4096, "mmap2(/proc/meminfo) = %d, want -errno", rp)) return FAIL;
  if (!want(nmaps(), before, "the regions in /proc/self/maps after the refused mmap2s")) return FAIL;
  // The region table has room for 16: mappings until ENOMEM, then one freed makes room again.
  let k = 0;
  let last: usize = 0;
  while (k < 40) {
    const r = mmap2(0, PGSIZE, PROT_RW, MAP_ANON, -1, 0);
    if (mmerr(r)) { if (!want(<i32>r, ENOMEM, "mmap2 number %d, with the region table full", k + 1)) return FAIL; break; }
    store<u32>(r, r);
    last = r;
    k++;
  }
  if (!check(k >= 8 && before + k <= 16, "%d mappings before ENOMEM (the process had %d regions)", k, before)) return FAIL;
  // With no slot free, cutting a hole in a mapping is refused and changes nothing.
  const three = mmap2(0, 3 * PGSIZE, PROT_RW, MAP_ANON, -1, 0);
  if (!want(<i32>three, ENOMEM, "mmap2 with the region table still full")) return FAIL;
  if (!want(munmap(last, PGSIZE), 0, "munmap(the last mapping)")) return FAIL;
  const t = mmap2(0, 3 * PGSIZE, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(t), "mmap2 after munmap freed a region = %d", <i32>t)) return FAIL;
  fillpat(t, 0, 3 * 1024, 0xB00);
  if (!want(munmap(t + PGSIZE, PGSIZE), ENOMEM, "munmap(the middle of a mapping) with the region table full")) return FAIL;
  if (!want(mprotect(t + PGSIZE, PGSIZE, PROT_READ), ENOMEM, "mprotect(the middle of a mapping) with the region table full")) return FAIL;
  if (!sweep(t, 0, 3 * 1024, 0xB00, 0xB01, "a mapping after a refused munmap and mprotect (still writable)")) return FAIL;
  return OK;
}

/** Lengths that wrap: mmap2 as big as user space, munmap and mprotect with a length that rounds
 * up to 4 GiB (to 0), a file offset past 32 bits. Refused, nothing changed (an mprotect of this
 * kind used to panic the kernel). */
function t_mmapwrap(): i32 {
  const before = nmaps();
  if (!want(<i32>mmap2(0, 0xC0000000, PROT_RW, MAP_ANON, -1, 0), ENOMEM, "mmap2(0, 0xc0000000)")) return FAIL;
  if (!want(<i32>mmap2(0, 0xBFFFF001, PROT_RW, MAP_ANON, -1, 0), ENOMEM, "mmap2(0, 0xbffff001)")) return FAIL;
  if (!want(<i32>mmap2(0x40000000, 0xC0000000, PROT_RW, MAP_ANON, -1, 0), ENOMEM, "mmap2(0x40000000, 0xc0000000)")) return FAIL;
  if (!want(<i32>mmap2(0xFFFFF000, 0x2000, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), EINVAL, "mmap2(0xfffff000, 0x2000, MAP_FIXED)")) return FAIL;
  // A hint at the stack's top is not taken: the mapping goes below the stack's 8 MiB.
  const h = mmap2(0xBFFFF000, 0x2000, PROT_RW, MAP_ANON, -1, 0);
  if (!check(!mmerr(h) && h + 0x2000 <= 0xBF800000, "mmap2(hint 0xbffff000) = 0x%08x", h)) return FAIL;
  munmap(h, 0x2000);
  const fd = open("/etc/motd", 0, 0);
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0x100000), EOVERFLOW, "mmap2(/etc/motd, pgoffset 0x100000)")) return FAIL;
  if (!want(<i32>mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0xFFFFFFFF), EOVERFLOW, "mmap2(/etc/motd, pgoffset 0xffffffff)")) return FAIL;
  close(fd);
  if (!want(munmap(0x1000, 0xFFFFFFFF), EINVAL, "munmap(0x1000, 0xffffffff)")) return FAIL;
  if (!want(munmap(0x08048000, 0xFFFFF001), EINVAL, "munmap(0x08048000, 0xfffff001)")) return FAIL;
  if (!want(mprotect(0x08048000, 0xFFFFFFFF, 7), ENOMEM, "mprotect(0x08048000, 0xffffffff)")) return FAIL;
  if (!want(mprotect(0x08048000, 0xFFFFF001, 1), ENOMEM, "mprotect(0x08048000, 0xfffff001)")) return FAIL;
  if (!want(mprotect(0xBFFFF000, 0x2000, 7), ENOMEM, "mprotect(0xbffff000, 0x2000)")) return FAIL;
  if (!want(mprotect(0xC0000000, PGSIZE, 7), ENOMEM, "mprotect(0xc0000000)")) return FAIL;
  if (!want(munmap(0xC0000000, PGSIZE), EINVAL, "munmap(0xc0000000)")) return FAIL;
  if (!want(nmaps(), before, "the regions after the refused calls")) return FAIL;
  // The text is as it was: still runs, still read-only.
  return runs(0, "/bin/true") ? OK : FAIL;
}

/** munmap-partial: unmapping the middle of a mapping splits it; the hole faults, the rest keeps its words. */
function t_munmappartial(): i32 {
  const SZ: u32 = 5 * PGSIZE;
  const a = anon(SZ);
  if (a == 0) return FAIL;
  fillpat(a, 0, SZ / 4, 0xC00);
  if (!want(munmap(a + 2 * PGSIZE, PGSIZE), 0, "munmap(the middle page)")) return FAIL;
  if (!check(hasmap(a, a + 2 * PGSIZE, "rw-") && hasmap(a + 3 * PGSIZE, a + SZ, "rw-"), "/proc/self/maps after cutting a hole: %s", buf)) return FAIL;
  gaddr = a + 2 * PGSIZE + 16;
  if (!dies(touchbody, SIGSEGV, "reading the hole")) return FAIL;
  if (!dies(writebody, SIGSEGV, "writing the hole")) return FAIL;
  if (!sweep(a, 0, 2048, 0xC00, 0xC00, "the pages before the hole")) return FAIL;
  if (!sweep(a, 3072, 5120, 0xC00, 0xC00, "the pages after the hole")) return FAIL;
  // Both halves still work as they were: writable.
  if (!sweep(a, 0, 2048, 0xC00, 0xC01, "rewriting the first part")) return FAIL;
  if (!sweep(a, 3072, 5120, 0xC00, 0xC01, "rewriting the last part")) return FAIL;
  // The ends: the first page, then the last.
  if (!want(munmap(a, PGSIZE), 0, "munmap(the first page)")) return FAIL;
  if (!want(munmap(a + 4 * PGSIZE, PGSIZE), 0, "munmap(the last page)")) return FAIL;
  gaddr = a;
  if (!dies(touchbody, SIGSEGV, "reading the unmapped first page")) return FAIL;
  gaddr = a + SZ - 4;
  if (!dies(touchbody, SIGSEGV, "reading the unmapped last page")) return FAIL;
  if (!sweep(a, 1024, 2048, 0xC01, 0xC01, "page 1 after the ends went")) return FAIL;
  if (!sweep(a, 3072, 4096, 0xC01, 0xC01, "page 3 after the ends went")) return FAIL;
  // A range over the hole and both pieces: all gone; unmapped parts of a range are fine.
  if (!want(munmap(a, SZ), 0, "munmap(the whole range, partly unmapped already)")) return FAIL;
  gaddr = a + PGSIZE;
  if (!dies(touchbody, SIGSEGV, "reading page 1 after the whole range went")) return FAIL;
  if (!want(munmap(0x70000000, 16 * PGSIZE), 0, "munmap(a range never mapped)")) return FAIL;
  // Bad ranges.
  const b = anon(2 * PGSIZE);
  if (b == 0) return FAIL;
  fillpat(b, 0, 2048, 0xC02);
  if (!want(munmap(b + 100, PGSIZE), EINVAL, "munmap(an address not page-aligned)")) return FAIL;
  if (!want(munmap(b, 0), EINVAL, "munmap(length 0)")) return FAIL;
  if (!want(munmap(0xFFFFF000, 2 * PGSIZE), EINVAL, "munmap(a range wrapping past 0xffffffff)")) return FAIL;
  if (!want(munmap(0xC0000000, PGSIZE), EINVAL, "munmap(the kernel's half)")) return FAIL;
  if (!sweep(b, 0, 2048, 0xC02, 0xC02, "a mapping after refused munmaps")) return FAIL;
  // A length that is not whole pages unmaps the whole last page.
  if (!want(munmap(b, PGSIZE + 1), 0, "munmap(b, 4097)")) return FAIL;
  gaddr = b + PGSIZE + 100;
  if (!dies(touchbody, SIGSEGV, "reading the second page of munmap(b, 4097)")) return FAIL;
  // A child's munmap is its own.
  const c = anon(3 * PGSIZE);
  if (c == 0) return FAIL;
  fillpat(c, 0, 3072, 0xC03);
  const pid = fork();
  if (pid == 0) { if (munmap(c + PGSIZE, PGSIZE) != 0) exit(1); exit(0); }
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 0, "the child's munmap: wait status")) return FAIL;
  if (!sweep(c, 0, 3072, 0xC03, 0xC03, "the parent's mapping after a child unmapped its middle")) return FAIL;
  // The hole can be mapped again (MAP_FIXED), with zeros, between the old pieces.
  if (!want(munmap(c + PGSIZE, PGSIZE), 0, "munmap(c's middle)")) return FAIL;
  if (!want(<i32>mmap2(c + PGSIZE, PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), <i32>(c + PGSIZE), "mmap2(MAP_FIXED) into the hole")) return FAIL;
  for (let i: u32 = 0; i < PGSIZE; i += 4) if (load<u32>(c + PGSIZE, i) != 0) return fail("the hole mapped again holds 0x%x at +%u", load<u32>(c + PGSIZE, i), i);
  if (!sweep(c, 0, 1024, 0xC03, 0xC03, "c's first page")) return FAIL;
  return sweep(c, 2048, 3072, 0xC03, 0xC03, "c's last page") ? OK : FAIL;
}

/**
 * mprotect-split: a read-only middle page splits a mapping in three; writing it kills (a child),
 * reading works; PROT_NONE kills a reader; read-write again works with the words intact.
 * Unmapped ranges are ENOMEM and change nothing. A copy-on-write page made writable again is
 * still copied on its first write.
 */
function t_mprotectsplit(): i32 {
  // At fixed addresses, with nothing mapped next to them (the unmapped neighbours matter below).
  const SZ: u32 = 3 * PGSIZE;
  const a: usize = 0x58000000;
  if (!want(<i32>mmap2(a, SZ, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), <i32>a, "mmap2(0x58000000, 3 pages, MAP_FIXED)")) return FAIL;
  fillpat(a, 0, 3072, 0xD00);
  const mid = a + PGSIZE;
  if (!want(mprotect(mid, PGSIZE, PROT_READ), 0, "mprotect(middle, PROT_READ)")) return FAIL;
  if (!check(hasmap(a, mid, "rw-") && hasmap(mid, mid + PGSIZE, "r--") && hasmap(mid + PGSIZE, a + SZ, "rw-"), "/proc/self/maps after mprotect of the middle: %s", buf)) return FAIL;
  if (!sweep(a, 1024, 2048, 0xD00, 0xD00, "reading the read-only middle")) return FAIL;
  gaddr = mid + 8;
  if (!dies(writebody, SIGSEGV, "writing the read-only middle")) return FAIL;
  // The outer pages are still writable, here.
  if (!sweep(a, 0, 1024, 0xD00, 0xD01, "rewriting the first page")) return FAIL;
  if (!sweep(a, 2048, 3072, 0xD00, 0xD01, "rewriting the last page")) return FAIL;
  if (!want(mprotect(mid, PGSIZE, PROT_NONE), 0, "mprotect(middle, PROT_NONE)")) return FAIL;
  if (!check(hasmap(mid, mid + PGSIZE, "---"), "/proc/self/maps after PROT_NONE: %s", buf)) return FAIL;
  if (!dies(touchbody, SIGSEGV, "reading the PROT_NONE middle")) return FAIL;
  if (!dies(writebody, SIGSEGV, "writing the PROT_NONE middle")) return FAIL;
  if (!want(mprotect(mid, PGSIZE, PROT_RW), 0, "mprotect(middle, PROT_READ | PROT_WRITE)")) return FAIL;
  if (!sweep(a, 1024, 2048, 0xD00, 0xD01, "the middle, read-write again")) return FAIL;
  if (!sweep(a, 0, 3072, 0xD01, 0xD01, "the whole mapping")) return FAIL;
  // Pages never touched: read-only gives zeros and refuses writes; PROT_NONE refuses reads.
  const b: usize = 0x58100000;
  if (!want(<i32>mmap2(b, 2 * PGSIZE, PROT_RW, MAP_ANON | MAP_FIXED, -1, 0), <i32>b, "mmap2(0x58100000, 2 pages, MAP_FIXED)")) return FAIL;
  if (!want(mprotect(b, 2 * PGSIZE, PROT_READ), 0, "mprotect(untouched pages, PROT_READ)")) return FAIL;
  if (!want(<i32>load<u32>(b, 40), 0, "a word of an untouched read-only page")) return FAIL;
  gaddr = b + PGSIZE;
  if (!dies(writebody, SIGSEGV, "writing an untouched page made read-only")) return FAIL;
  if (!want(mprotect(b + PGSIZE, PGSIZE, PROT_NONE), 0, "mprotect(an untouched page, PROT_NONE)")) return FAIL;
  if (!dies(touchbody, SIGSEGV, "reading an untouched PROT_NONE page")) return FAIL;
  // Refused: unmapped, partly mapped, not page-aligned; nothing changes.
  if (!want(mprotect(0x70000000, PGSIZE, PROT_READ), ENOMEM, "mprotect(an unmapped page)")) return FAIL;
  if (!want(mprotect(a + 2 * PGSIZE, 2 * PGSIZE, PROT_READ), ENOMEM, "mprotect(a range running past the mapping)")) return FAIL;
  if (!want(mprotect(a - PGSIZE, 2 * PGSIZE, PROT_READ), ENOMEM, "mprotect(a range starting before the mapping)")) return FAIL;
  if (!want(mprotect(a + 10, PGSIZE, PROT_READ), EINVAL, "mprotect(an address not page-aligned)")) return FAIL;
  if (!sweep(a, 0, 3072, 0xD01, 0xD02, "the mapping after refused mprotects (still writable)")) return FAIL;
  // Copy-on-write: a child makes an inherited page read-only and back, then writes it: its own copy.
  const pid = fork();
  if (pid == 0) {
    if (mprotect(a, SZ, PROT_READ) != 0) exit(1);
    gaddr = a;
    if (child(writebody) != SIGSEGV) exit(2);
    if (mprotect(a, SZ, PROT_RW) != 0) exit(3);
    if (!sweep(a, 0, 3072, 0xD02, 0xD03, "the child's pages after mprotect back to read-write")) bail(4);
    exit(0);
  }
  waitpid(pid, status, 0);
  if (!want(load<i32>(status), 0, "the child's mprotect of shared pages: wait status")) return FAIL;
  if (!sweep(a, 0, 3072, 0xD02, 0xD02, "the parent's pages after the child wrote its copies")) return FAIL;
  // And the other way: the parent does it while a child shares the pages and looks later.
  const pid2 = fork();
  if (pid2 == 0) {
    msleep(200);
    if (!sweep(a, 0, 3072, 0xD02, 0xD02, "the child's pages after the parent wrote its copies")) bail(1);
    exit(0);
  }
  if (!want(mprotect(a, SZ, PROT_READ), 0, "mprotect(shared pages, PROT_READ)")) return FAIL;
  if (!want(mprotect(a, SZ, PROT_RW), 0, "mprotect(shared pages, PROT_READ | PROT_WRITE)")) return FAIL;
  if (!sweep(a, 0, 3072, 0xD02, 0xD04, "the parent rewriting shared pages")) return FAIL;
  waitpid(pid2, status, 0);
  if (!want(load<i32>(status), 0, "the child sharing the pages: wait status")) return FAIL;
  if (!sweep(a, 0, 3072, 0xD04, 0xD04, "the parent's own words")) return FAIL;
  // Pages that were read-only when the child was forked — an anonymous page (zeros), a page of
  // a private file mapping, the program's text — are shared too: made writable in the child,
  // they are copied on its first write, and the parent never sees the child's bytes.
  const ro = anon(PGSIZE, PROT_READ);
  const fd = open("/etc/motd", 0, 0);
  const mf = mmap2(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (ro == 0 || !check(!mmerr(mf), "mmap2(/etc/motd, PROT_READ) = %d", <i32>mf)) return FAIL;
  const text: usize = 0x08048000;
  const ro0 = load<u32>(ro), mf0 = load<u32>(mf), text0 = load<u32>(text);
  const pid3 = fork();
  if (pid3 == 0) {
    if (mprotect(ro, PGSIZE, PROT_RW) != 0 || mprotect(mf, PGSIZE, PROT_RW) != 0 || mprotect(text, PGSIZE, PROT_RW | 4) != 0) exit(1);
    store<u32>(ro, 0x5eed); store<u32>(mf, 0x5eed); store<u32>(text, load<u32>(text));
    if (load<u32>(ro) != 0x5eed || load<u32>(mf) != 0x5eed) exit(2);
    exit(0);
  }
  waitpid(pid3, status, 0);
  if (!want(load<i32>(status), 0, "a child writing read-only pages it shares, made writable: wait status")) return FAIL;
  if (!want(<i32>load<u32>(ro), <i32>ro0, "the parent's read-only anonymous page after the child made its own writable and wrote it")) return FAIL;
  if (!want(<i32>load<u32>(mf), <i32>mf0, "the parent's read-only file page after the child made its own writable and wrote it")) return FAIL;
  if (!want(<i32>load<u32>(text), <i32>text0, "the parent's text after the child made its own writable")) return FAIL;
  // The same in the parent, while a child still shares the page: the child keeps the old word.
  const pid4 = fork();
  if (pid4 == 0) {
    msleep(200);
    exit(load<u32>(ro) == ro0 ? 0 : 1);
  }
  if (!want(mprotect(ro, PGSIZE, PROT_RW), 0, "mprotect(a read-only page a child shares, PROT_READ | PROT_WRITE)")) return FAIL;
  store<u32>(ro, 0xfeed);
  waitpid(pid4, status, 0);
  if (!want(load<i32>(status), 0, "a child sharing a page its parent made writable and wrote: wait status (1: it saw the parent's word)")) return FAIL;
  return want(<i32>load<u32>(ro), 0xfeed, "the parent's own word") ? OK : FAIL;
}

// ---- the end of swap ----

function hogallbody(): void {
  // 256 MiB mapped lazily, more than any machine's memory and swap: pages written until killed.
  const m = mmap2(0, 256 * MIB, PROT_RW, MAP_ANON, -1, 0);
  if (mmerr(m)) exit(2);
  for (let p: u32 = 0; p < 256 * MIB; p += PGSIZE) store<u32>(m + p, p);
  exit(3);
}

function hogreadbody(): void {
  // The same, but the kernel fills the last pages: all but 256 KiB of free memory and swap
  // (/proc/meminfo) written here, then read() copies /etc/motd (a cached sector) into page after
  // page, so memory and swap run out in the kernel's copy to user memory (a fault in the kernel).
  if (!readmem()) exit(5);
  const m = mmap2(0, 256 * MIB, PROT_RW, MAP_ANON, -1, 0);
  if (mmerr(m)) exit(2);
  const room = memfree + swapfree > 256 ? (memfree + swapfree - 256) * 1024 : 0;
  let off: u32 = 0;
  for (; off < room; off += PGSIZE) store<u32>(m + off, off);
  while (off < 255 * MIB) {
    const fd = open("/etc/motd", 0, 0);
    const r = read(fd, m + off, 64);
    close(fd);
    if (r <= 0) exit(4);
    off += <u32>r;
  }
  exit(3);
}

/**
 * out-of-swap: a child that writes pages until memory and swap are full is killed with SIGKILL
 * (docs/kernel.md: "no frame and no slot to be had"); twice; then a child whose pages the kernel
 * fills, with read(), is killed the same way in the middle of its system call (not faulting for
 * ever); and then swap and memory are free again and this process still works (a child sweeps a
 * quarter of MemFree, checking every word).
 */
function t_outofswap(): i32 {
  if (!readmem()) return skip("no /proc/meminfo");
  const swap0 = swapfree, mem0 = memfree;
  printf("usertests: out-of-swap: MemTotal %u kB, MemFree %u kB, SwapFree %u kB\n", memtotal, memfree, swapfree);
  for (let round = 0; round < 3; round++) {
    const st = child(round < 2 ? hogallbody : hogreadbody);
    if (!want(st, SIGKILL, "round %d: the wait status of a child filling memory and swap", round)) return FAIL;
    readmem();
    if (!check(swapfree + 512 >= swap0, "round %d: SwapFree is %u kB after the child was killed, %u before", round, swapfree, swap0)) return FAIL;
    if (!check(memfree * 2 >= mem0, "round %d: MemFree is %u kB after the child was killed, %u before", round, memfree, mem0)) return FAIL;
  }
  // A quarter of the free memory: no swap needed (with a failing disk there is none).
  const size = (memfree * 1024 / 4) & ~(PGSIZE - 1);
  const pid = fork();
  if (pid == 0) {
    const m = anon(size);
    if (m == 0 || !linear(m, size, 1, 0xE00)) bail(1);
    exit(0);
  }
  waitpid(pid, status, 0);
  return want(load<i32>(status), 0, "a child using MemFree / 4 after the kills: wait status") ? OK : FAIL;
}

// ================================================================================================
// The table and the runner
// ================================================================================================

type Test = () => i32;

/** Name, function, time limit in seconds (0: TIMEOUT): in the order they run. */
const tests = memory.data<usize>([
  changetype<usize>("exit"), changetype<usize>(t_exit), 0,
  changetype<usize>("fork"), changetype<usize>(t_fork), 0,
  changetype<usize>("getpid"), changetype<usize>(t_getpid), 0,
  changetype<usize>("getppid"), changetype<usize>(t_getppid), 0,
  changetype<usize>("waitpid"), changetype<usize>(t_waitpid), 0,
  changetype<usize>("read"), changetype<usize>(t_read), 0,
  changetype<usize>("readfile"), changetype<usize>(t_readfile), 0,
  changetype<usize>("readstraddle"), changetype<usize>(t_readstraddle), 0,
  changetype<usize>("readdir"), changetype<usize>(t_readdir), 0,
  changetype<usize>("write"), changetype<usize>(t_write), 0,
  changetype<usize>("open"), changetype<usize>(t_open), 0,
  changetype<usize>("openmany"), changetype<usize>(t_openmany), 0,
  changetype<usize>("close"), changetype<usize>(t_close), 0,
  changetype<usize>("fstat"), changetype<usize>(t_fstat), 0,
  changetype<usize>("execve"), changetype<usize>(t_execve), 0,
  changetype<usize>("kill"), changetype<usize>(t_kill), 0,
  changetype<usize>("killsig"), changetype<usize>(t_killsig), 0,
  changetype<usize>("killsleep"), changetype<usize>(t_killsleep), 0,
  changetype<usize>("killspin"), changetype<usize>(t_killspin), 0,
  changetype<usize>("killwait"), changetype<usize>(t_killwait), 0,
  changetype<usize>("killread"), changetype<usize>(t_killread), 0,
  changetype<usize>("killself"), changetype<usize>(t_killself), 0,
  changetype<usize>("killinit"), changetype<usize>(t_killinit), 0,
  changetype<usize>("killgroup"), changetype<usize>(t_killgroup), 0,
  changetype<usize>("preempt"), changetype<usize>(t_preempt), 0,
  changetype<usize>("yield"), changetype<usize>(t_yield), 0,
  changetype<usize>("nanosleep"), changetype<usize>(t_nanosleep), 0,
  changetype<usize>("nanosleep-huge"), changetype<usize>(t_nanosleephuge), 0,
  changetype<usize>("readzero"), changetype<usize>(t_readzero), 0,
  changetype<usize>("ioctl"), changetype<usize>(t_ioctl), 0,
  changetype<usize>("nosys"), changetype<usize>(t_nosys), 0,
  changetype<usize>("regs"), changetype<usize>(t_regs), 0,
  changetype<usize>("badesp"), changetype<usize>(t_badesp), 0,
  changetype<usize>("brk"), changetype<usize>(t_brk), 0,
  changetype<usize>("brkwrap"), changetype<usize>(t_brkwrap), 0,
  changetype<usize>("brkcut"), changetype<usize>(t_brkcut), 0,
  changetype<usize>("brkleak"), changetype<usize>(t_brkleak), 0,
  changetype<usize>("exitleak"), changetype<usize>(t_exitleak), 0,
  changetype<usize>("bss"), changetype<usize>(t_bss), 0,
  changetype<usize>("textfile"), changetype<usize>(t_textfile), 0,
  changetype<usize>("stack"), changetype<usize>(t_stack), 0,
  changetype<usize>("stackover"), changetype<usize>(t_stackover), 0,
  changetype<usize>("stacklimit"), changetype<usize>(t_stacklimit), 0,
  changetype<usize>("faultnull"), changetype<usize>(t_faultnull), 0,
  changetype<usize>("faulttext"), changetype<usize>(t_faulttext), 0,
  changetype<usize>("faultkernel"), changetype<usize>(t_faultkernel), 0,
  changetype<usize>("faultwild"), changetype<usize>(t_faultwild), 0,
  changetype<usize>("faultdiv"), changetype<usize>(t_faultdiv), 0,
  changetype<usize>("faultud"), changetype<usize>(t_faultud), 0,
  changetype<usize>("faultint3"), changetype<usize>(t_faultint3), 0,
  changetype<usize>("faultpriv"), changetype<usize>(t_faultpriv), 0,
  changetype<usize>("faultonly"), changetype<usize>(t_faultonly), 0,
  changetype<usize>("iopl"), changetype<usize>(t_iopl), 0,
  changetype<usize>("faultstep"), changetype<usize>(t_faultstep), 0,
  changetype<usize>("iretbad"), changetype<usize>(t_iretbad), 0,
  changetype<usize>("forkseq"), changetype<usize>(t_forkseq), 0,
  changetype<usize>("forkpar"), changetype<usize>(t_forkpar), 0,
  changetype<usize>("forkfull"), changetype<usize>(t_forkfull), 0,
  changetype<usize>("kmemfull"), changetype<usize>(t_kmemfull), 120,
  changetype<usize>("readrace"), changetype<usize>(t_readrace), 0,
  changetype<usize>("openrace"), changetype<usize>(t_openrace), 0,
  // Last: a kernel that gets this wrong may panic.
  changetype<usize>("readaligned"), changetype<usize>(t_readaligned), 0,
  changetype<usize>("procstat"), changetype<usize>(t_procstat), 0,
  changetype<usize>("meminfo"), changetype<usize>(t_meminfo), 0,
  // Paging, copy-on-write and mappings (issue 6). The big workloads run longest on a small
  // machine, where most of their time is the disk's (50,000 units a page).
  changetype<usize>("page-linear"), changetype<usize>(t_pagelinear), 120,
  changetype<usize>("page-parallel"), changetype<usize>(t_pageparallel), 120,
  changetype<usize>("page-shuffle"), changetype<usize>(t_pageshuffle), 120,
  changetype<usize>("page-mergesort"), changetype<usize>(t_pagemergesort), 300,
  changetype<usize>("cow-three"), changetype<usize>(t_cowthree), 0,
  changetype<usize>("cow-read"), changetype<usize>(t_cowread), 0,
  changetype<usize>("mmap-anon"), changetype<usize>(t_mmapanon), 0,
  changetype<usize>("mmap-fixed"), changetype<usize>(t_mmapfixed), 0,
  changetype<usize>("mmap-hint"), changetype<usize>(t_mmaphint), 0,
  changetype<usize>("mmap-file"), changetype<usize>(t_mmapfile), 120,
  changetype<usize>("mmap-bad"), changetype<usize>(t_mmapbad), 0,
  changetype<usize>("mmap-wrap"), changetype<usize>(t_mmapwrap), 0,
  changetype<usize>("munmap-partial"), changetype<usize>(t_munmappartial), 0,
  changetype<usize>("mprotect-split"), changetype<usize>(t_mprotectsplit), 0,
  changetype<usize>("out-of-swap"), changetype<usize>(t_outofswap), 120,
  // Last: a kernel that gets copy-on-write under eviction wrong may corrupt its free frames.
  changetype<usize>("cow-big"), changetype<usize>(t_cowbig), 120,
  0, 0, 0,
]);

function testname(i: u32): usize { return load<usize>(tests, i * 12); }

/** Test i's time limit in seconds. */
function timelimit(i: u32): u32 { const t = load<u32>(tests, i * 12 + 8); return t != 0 ? t : TIMEOUT; }

/**
 * Runs test i in a child, with a watchdog child that kills it after its time limit. Returns OK,
 * FAIL or SKIP; prints the line for an ok, a crash or a time-out (the test prints its own failure).
 */
function runtest(i: u32): i32 {
  const name = testname(i);
  const t = fork();
  if (t < 0) { printf("test %s: FAILED (fork = %d)\n", name, t); return FAIL; }
  if (t == 0) {
    rlen = 0;
    const r = changetype<Test>(load<usize>(tests, i * 12 + 4))();
    if (r == FAIL) printf("test %s: FAILED (%s)\n", name, rlen == 0 ? changetype<usize>("no reason given") : reason);
    if (r == SKIP) printf("test %s: skipped (%s)\n", name, reason);
    exit(r);
  }
  const w = fork();
  if (w == 0) {
    store<u32>(ts, timelimit(i)); store<u32>(ts, 0, 4);
    nanosleep(ts, 0);
    kill(t, SIGKILL);
    exit(0);
  }
  // Wait for the test (reaping whatever else ends: orphans come to init, which may be us).
  let st = 0;
  while (true) {
    const r = waitpid(-1, status, 0);
    if (r < 0) { printf("test %s: FAILED (waitpid = %d)\n", name, r); return FAIL; }
    if (r == t) { st = load<i32>(status); break; }
  }
  const timedout = w > 0 && kill(w, SIGKILL) == ESRCH;
  if (w > 0) while (true) { const r = waitpid(-1, status, 0); if (r == w || r < 0) break; }
  if (st == 0) { printf("test %s: ok\n", name); return OK; }
  if (st == FAIL << 8) return FAIL;
  if (st == SKIP << 8) return SKIP;
  if (st == SIGKILL && timedout) printf("test %s: FAILED (timed out after %u s)\n", name, timelimit(i));
  else if ((st & 0x7f) != 0) printf("test %s: FAILED (killed by signal %d)\n", name, st & 0x7f);
  else printf("test %s: FAILED (exit status %d)\n", name, (st >> 8) & 0xff);
  return FAIL;
}

function find(name: usize): i32 {
  for (let i: u32 = 0; testname(i) != 0; i++) if (streq(testname(i), name)) return <i32>i;
  return -1;
}

export function main(argc: i32, argv: usize): i32 {
  for (let a = 1; a < argc; a++) {
    if (find(arg(argv, a)) < 0) { printf("usertests: no test named %s\n", arg(argv, a)); return 2; }
  }
  printf("usertests starting\n");
  let failed = 0, skipped = 0, ran = 0;
  for (let i: u32 = 0; testname(i) != 0; i++) {
    if (argc > 1) {
      let chosen = false;
      for (let a = 1; a < argc; a++) if (streq(testname(i), arg(argv, a))) chosen = true;
      if (!chosen) continue;
    }
    const r = runtest(i);
    ran++;
    if (r == FAIL) failed++;
    if (r == SKIP) skipped++;
  }
  printf("usertests: %d tests, %d failed, %d skipped\n", ran, failed, skipped);
  if (failed == 0) { printf("ALL TESTS PASSED\n"); return 0; }
  printf("%d TESTS FAILED\n", failed);
  return 1;
}
