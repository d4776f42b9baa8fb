// Open files (docs/kernel.md "Files"): each process has NOFILE descriptors; 0, 1 and 2 start on
// the console. A descriptor names the console or an inode of the filesystem, with a read offset.
// Reading a directory gives its 32-byte entries (as Version 7 Unix did); ls reads them so.

import { Proc, myproc, procindex } from './proc';
import { consputc, consread } from './console';
import { readi, isize, itype, imode, T_DIR } from './fs';
import { KERNBASE, PGSIZE } from './memlayout';
import { kalloc, kfree, FRAME_KERNEL } from './kalloc';
import { procgen, procgen_len, procnomem } from './procfs';

declare function memcopy(dst: usize, src: usize, n: u32): void;

export const NOFILE: u32 = 16;
/** A descriptor: kind, inode (or a /proc file's page), offset, size (16 bytes). */
const fdtab = memory.data(64 * 16 * 16, 4);
const F_NONE: u32 = 0;
const F_CONSOLE: u32 = 1;
const F_INODE: u32 = 2;
/** A /proc file: its text in a page of its own; F_PROCDIR: a /proc directory. */
const F_PROC: u32 = 3;
const F_PROCDIR: u32 = 4;
const SLOT: u32 = 16;

function slot(p: Proc, fd: u32): usize {
  return fdtab + (procindex(p) * NOFILE + fd) * SLOT;
}

/** A new process's descriptors: 0, 1, 2 on the console. */
export function fdinit(p: Proc): void {
  for (let fd: u32 = 0; fd < NOFILE; fd++) {
    const s = slot(p, fd);
    store<u32>(s, fd < 3 ? F_CONSOLE : F_NONE); store<u32>(s, 0, 4); store<u32>(s, 0, 8); store<u32>(s, 0, 12);
  }
}

/** fork: the child gets copies of the parent's descriptors (and of their /proc pages). */
export function fdcopy(from: Proc, to: Proc): void {
  for (let fd: u32 = 0; fd < NOFILE; fd++) {
    const a = slot(from, fd), b = slot(to, fd);
    for (let k: u32 = 0; k < SLOT; k += 4) store<u32>(b, load<u32>(a, k), k);
    const kind = load<u32>(a);
    if (kind == F_PROC || kind == F_PROCDIR) {
      const pa = kalloc(FRAME_KERNEL, to.pid, 0);
      if (pa == 0) { store<u32>(b, F_NONE); continue; }
      memcopy(KERNBASE + pa, KERNBASE + load<u32>(a, 4), PGSIZE);
      store<u32>(b, pa, 4);
    }
  }
}

/** exit: every descriptor closed. */
export function fdclear(p: Proc): void {
  for (let fd: u32 = 0; fd < NOFILE; fd++) {
    const s = slot(p, fd);
    const kind = load<u32>(s);
    if (kind == F_PROC || kind == F_PROCDIR) kfree(load<u32>(s, 4));
    store<u32>(s, F_NONE);
  }
}

/** open of a /proc path: the text made now (procfs.ts); -2 when there is no such file. */
export function fdopenproc(path: usize): i32 {
  const p = myproc();
  for (let fd: u32 = 0; fd < NOFILE; fd++) {
    const s = slot(p, fd);
    if (load<u32>(s) != F_NONE) continue;
    const isdir = memory.data(4, 4);
    const pa = procgen(path, isdir);
    if (pa == 0) return procnomem ? -12 : -2; // ENOMEM: no frame for the text; ENOENT
    store<u32>(s, load<u32>(isdir) != 0 ? F_PROCDIR : F_PROC); store<u32>(s, pa, 4); store<u32>(s, 0, 8); store<u32>(s, procgen_len(), 12);
    return <i32>fd;
  }
  return -24;
}

/** open: the lowest free descriptor on inode ino, or -24 (EMFILE). */
export function fdopen(ino: u32): i32 {
  const p = myproc();
  for (let fd: u32 = 0; fd < NOFILE; fd++) {
    const s = slot(p, fd);
    if (load<u32>(s) == F_NONE) { store<u32>(s, F_INODE); store<u32>(s, ino, 4); store<u32>(s, 0, 8); store<u32>(s, 0, 12); return <i32>fd; }
  }
  return -24;
}

export function fdclose(fd: u32): i32 {
  if (fd >= NOFILE) return -9;
  const s = slot(myproc(), fd);
  const kind = load<u32>(s);
  if (kind == F_NONE) return -9;
  if (kind == F_PROC || kind == F_PROCDIR) kfree(load<u32>(s, 4));
  store<u32>(s, F_NONE);
  return 0;
}

/** read: from the console, or from the file at its offset (buf: a checked user address). */
export function fdread(fd: u32, buf: usize, n: u32): i32 {
  if (fd >= NOFILE) return -9;
  const s = slot(myproc(), fd);
  const kind = load<u32>(s);
  // Nothing asked, nothing read: at once, without waiting for a line of the console.
  if (n == 0) return kind == F_NONE ? -9 : 0;
  if (kind == F_CONSOLE) return consread(buf, n);
  if (kind == F_PROC || kind == F_PROCDIR) {
    const page = KERNBASE + load<u32>(s, 4), off = load<u32>(s, 8), size = load<u32>(s, 12);
    if (kind == F_PROCDIR) { n = n - n % 32; if (n == 0) return -22; } // EINVAL: no room for one entry
    let k: u32 = 0;
    while (k < n && off + k < size) { store<u8>(buf, load<u8>(page, off + k), k); k++; }
    store<u32>(s, off + k, 8);
    return <i32>k;
  }
  if (kind != F_INODE) return -9;
  const ino = load<u32>(s, 4), off = load<u32>(s, 8);
  // A directory: whole entries only.
  // (Fewer than 32 bytes asked: EINVAL, as getdents says a buffer is too small; 0 would read
  // as the end of the directory.)
  if (itype(ino) == T_DIR) { n = n - n % 32; if (n == 0) return -22; }
  const got = readi(ino, buf, off, n);
  if (got < 0) return got;
  store<u32>(s, off + <u32>got, 8);
  return got;
}

export function fdwrite(fd: u32, buf: usize, n: u32): i32 {
  if (fd >= NOFILE) return -9;
  const kind = load<u32>(slot(myproc(), fd));
  if (kind == F_CONSOLE) { for (let i: u32 = 0; i < n; i++) consputc(load<u8>(buf, i)); return <i32>n; }
  if (kind == F_INODE) return -9; // the filesystem is read-only
  return -9;
}

/** fstat: our stat (docs/kernel.md): inode, mode (S_IFDIR or S_IFREG | permissions), size. */
export function fdstat(fd: u32, buf: usize): i32 {
  if (fd >= NOFILE) return -9;
  const s = slot(myproc(), fd);
  const kind = load<u32>(s);
  if (kind == F_CONSOLE) { store<u32>(buf, 0); store<u32>(buf, 0o020620, 4); store<u32>(buf, 0, 8); return 0; }
  if (kind == F_PROC) { store<u32>(buf, 0); store<u32>(buf, 0o100444, 4); store<u32>(buf, load<u32>(s, 12), 8); return 0; }
  if (kind == F_PROCDIR) { store<u32>(buf, 0); store<u32>(buf, 0o040555, 4); store<u32>(buf, load<u32>(s, 12), 8); return 0; }
  if (kind != F_INODE) return -9;
  const ino = load<u32>(s, 4);
  store<u32>(buf, ino);
  store<u32>(buf, (itype(ino) == T_DIR ? 0o040000 : 0o100000) | imode(ino), 4);
  store<u32>(buf, isize(ino), 8);
  return 0;
}

/** For ioctl: 1 if fd is open on the console, 0 if it is open on something else, -9 (EBADF) if not open. */
export function fdisconsole(fd: i32): i32 {
  if (fd < 0 || <u32>fd >= NOFILE) return -9;
  const kind = load<u32>(slot(myproc(), <u32>fd));
  if (kind == F_NONE) return -9;
  return kind == F_CONSOLE ? 1 : 0;
}

/** The inode of a descriptor on a file of the disk, or -9 (EBADF). */
export function fdinode(fd: i32): i32 {
  if (fd < 0 || <u32>fd >= NOFILE) return -9;
  const s = slot(myproc(), <u32>fd);
  if (load<u32>(s) != F_INODE) return -9;
  return <i32>load<u32>(s, 4);
}
