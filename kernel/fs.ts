// The read-only filesystem (docs/disk.md; built by `toy86 mkdisk`): a superblock, a table of
// 64-byte inodes, and each file's or directory's contents in one contiguous run of sectors that
// starts on a 4 KiB boundary — so that byte k of a file is at sector start + k / 512, and a page of
// a program comes in with one 8-sector read straight into its frame.

import { PGSIZE, KERNBASE } from './memlayout';
import { sleep, wakeup, myproc, procindex } from './proc';
import { diskrw } from './disk';
import { panic } from './trap';

const MAGIC0: u32 = 0x38594f54;
const MAGIC1: u32 = 0x00534636;
export const ROOT_INO: u32 = 1;
export const T_FILE: u32 = 1;
export const T_DIR: u32 = 2;
const DIRENT: u32 = 32;

/** The superblock (sector 0), kept from mount. */
const sb = memory.data(512, 16);
/** Bytes on their way from the bounce buffer to a destination that may fault (one per process). */
const chunks = memory.data(64 * 512, 16);

function chunkbuf(): usize {
  const p = myproc();
  return chunks + (changetype<usize>(p) == 0 ? 0 : procindex(p)) * 512;
}
/**
 * The buffer cache: NBUF sectors of the (read-only) filesystem, with their sector numbers and the
 * time each was last used; the least recently used one is reused.
 */
const NBUF: u32 = 32;
const bufs = memory.data(32 * 512, 16);
const bufsector = memory.data(32 * 4, 4);
const bufused = memory.data(32 * 4, 4);
let bufclock: u32 = 0;
let bufsready = false;
const secbuf = bufs;
export let mounted = false;

export function swapStart(): u32 { return load<u32>(sb, 24); }
export function swapSectors(): u32 { return load<u32>(sb, 28); }

/** Reads the superblock; false without a toy86 filesystem. */
export function fsinit(): bool {
  if (diskrw(0, 1, sb, false) != 0) return false;
  if (load<u32>(sb) != MAGIC0 || load<u32>(sb, 4) != MAGIC1) return false;
  mounted = true;
  return true;
}

/** The buffer cache is someone's (from bread to brelse; a disk read may sleep in between). */
let buflocked = false;
/** A read since the flag was cleared failed (readi reports it as -5, EIO). */
let ioerror = false;

/**
 * Sector `sector` from the buffer cache (read from the disk when it is not there); the caller
 * holds the cache until brelse, so a process waiting for the disk cannot have it changed under it.
 */
function bread(sector: u32): usize {
  while (buflocked) sleep(secbuf);
  buflocked = true;
  if (!bufsready) {
    for (let i: u32 = 0; i < NBUF; i++) store<u32>(bufsector, 0xffffffff, i * 4);
    bufsready = true;
  }
  bufclock++;
  let lru: u32 = 0;
  for (let i: u32 = 0; i < NBUF; i++) {
    if (load<u32>(bufsector, i * 4) == sector) {
      store<u32>(bufused, bufclock, i * 4);
      return bufs + i * 512;
    }
    if (load<u32>(bufused, i * 4) < load<u32>(bufused, lru * 4)) lru = i;
  }
  const b = bufs + lru * 512;
  store<u32>(bufsector, 0xffffffff, lru * 4);
  if (diskrw(sector, 1, b, false) != 0) {
    // A disk error: the buffer holds nothing; the caller gets zeroes (and readi reports it).
    for (let i: u32 = 0; i < 512; i += 4) store<u32>(b, 0, i);
    ioerror = true;
    return b;
  }
  store<u32>(bufsector, sector, lru * 4);
  store<u32>(bufused, bufclock, lru * 4);
  return b;
}

function brelse(): void {
  buflocked = false;
  wakeup(secbuf);
}

/** An inode's field (0 type, 4 size, 8 first sector, 16 mode). */
function ifield(ino: u32, field: u32): u32 {
  if (!mounted || ino == 0 || ino >= load<u32>(sb, 40)) return 0;
  const b = bread(load<u32>(sb, 36) + ino / 8);
  const v = load<u32>(b, (ino % 8) * 64 + field);
  brelse();
  return v;
}

export function itype(ino: u32): u32 { return ifield(ino, 0); }
export function isize(ino: u32): u32 { return ifield(ino, 4); }
export function imode(ino: u32): u32 { return ifield(ino, 16); }

/**
 * n bytes of inode ino from offset off into dst (kernel memory); returns the bytes read. Whole
 * sectors to a sector-aligned destination go by DMA straight there; the rest through the bounce
 * buffer.
 */
export function readi(ino: u32, dst: usize, off: u32, n: u32): i32 {
  const size = isize(ino);
  if (off >= size) return 0;
  ioerror = false;
  if (n > size - off) n = size - off;
  const start = ifield(ino, 8);
  let done: u32 = 0;
  while (done < n) {
    const pos = off + done;
    const sector = start + pos / 512;
    const within = pos % 512;
    const left = n - done;
    // (Only into kernel memory: a user buffer's physical pages are not known, nor contiguous.)
    if (within == 0 && left >= 512 && ((dst + done) & 511) == 0 && dst >= KERNBASE) {
      let count = left / 512;
      if (count > PGSIZE / 512) count = PGSIZE / 512;
      if (diskrw(sector, count, dst + done, false) != 0) return -5; // EIO
      done += count * 512;
      continue;
    }
    // The bytes go from the bounce buffer to dst; a user page of dst may fault in meanwhile,
    // so they go through a small kernel buffer first and the bounce buffer is released.
    const chunk = chunkbuf();
    const b = bread(sector);
    if (ioerror) { brelse(); return -5; }
    let k = 512 - within;
    if (k > left) k = left;
    for (let i: u32 = 0; i < k; i++) store<u8>(chunk, load<u8>(b, within + i), i);
    brelse();
    for (let i: u32 = 0; i < k; i++) store<u8>(dst + done + i, load<u8>(chunk, i));
    done += k;
  }
  return <i32>n;
}

const entbuf = memory.data(32, 4);

/** The inode named name (len bytes at name) in directory dir, or 0. */
export function dirlookup(dir: u32, name: usize, len: u32): u32 {
  if (itype(dir) != T_DIR || len == 0 || len > 27) return 0;
  const size = isize(dir);
  for (let off: u32 = 0; off < size; off += DIRENT) {
    if (readi(dir, entbuf, off, DIRENT) != <i32>DIRENT) return 0;
    const ino = load<u32>(entbuf);
    if (ino == 0) continue;
    let same = true;
    for (let i: u32 = 0; i < len && same; i++) if (load<u8>(entbuf, 4 + i) != load<u8>(name, i)) same = false;
    if (same && load<u8>(entbuf, 4 + len) == 0) return ino;
  }
  return 0;
}

/** The inode of an absolute path (kernel memory, NUL-terminated), or 0. */
export function namei(path: usize): u32 {
  if (load<u8>(path) != 47) return 0; // '/'
  let ino = ROOT_INO;
  let i: u32 = 0;
  while (true) {
    while (load<u8>(path, i) == 47) i++;
    if (load<u8>(path, i) == 0) return ino;
    const s = i;
    while (load<u8>(path, i) != 0 && load<u8>(path, i) != 47) i++;
    ino = dirlookup(ino, path + s, i - s);
    if (ino == 0) return 0;
  }
}

/** The directory entry at offset off of directory dir: its inode (0: none) and name into buf. */
export function direntry(dir: u32, off: u32, buf: usize): u32 {
  if (readi(dir, entbuf, off, DIRENT) != <i32>DIRENT) return 0;
  for (let i: u32 = 0; i < 28; i++) store<u8>(buf, load<u8>(entbuf, 4 + i), i);
  return load<u32>(entbuf);
}

/**
 * The path of inode ino, for /proc/PID/maps: written at buf (256 bytes) with its NUL; its length,
 * or 0 when no directory names it. The tree is searched from the root, depth first (skipping `.`
 * and `..`); it is small, and its sectors are mostly in the buffer cache. It may sleep on the disk.
 */
export function ipath(ino: u32, buf: usize): u32 {
  store<u8>(buf, 0);
  return ifind(ROOT_INO, ino, buf, 0, 0);
}

function ifind(dir: u32, ino: u32, buf: usize, len: u32, depth: u32): u32 {
  // Room for "/" and a 27-byte name with its NUL after the first len bytes.
  if (depth >= 8 || len + 30 > 256) return 0;
  const size = isize(dir);
  for (let off: u32 = 0; off < size; off += DIRENT) {
    store<u8>(buf, 47, len);
    const e = direntry(dir, off, buf + len + 1);
    let n: u32 = 0;
    while (n < 27 && load<u8>(buf, len + 1 + n) != 0) n++;
    store<u8>(buf, 0, len + 1 + n);
    if (e == 0 || n == 0 || (load<u8>(buf, len + 1) == 46 && (n == 1 || (n == 2 && load<u8>(buf, len + 2) == 46)))) continue;
    if (e == ino) return len + 1 + n;
    if (itype(e) == T_DIR) {
      const r = ifind(e, ino, buf, len + 1 + n, depth + 1);
      if (r != 0) return r;
    }
  }
  store<u8>(buf, 0, len);
  return 0;
}
