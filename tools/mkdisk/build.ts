// The writer of toy86's disk images (docs/disk.md): a tree of directories and files becomes the
// filesystem area — superblock, inode table, then each directory's and file's contents, one
// contiguous extent each — followed by a zero-filled swap area.
//
// The layout is deterministic: the same files give the same bytes. Inode numbers follow a
// depth-first walk from the root (inode 1) with each directory's entries in byte order of their
// names, and the contents are laid out in inode order.

import { writeFileSync, truncateSync } from 'node:fs';
import {
  SECTOR, MAGIC, VERSION, SB, INODE, INODE_SIZE, TYPE_FILE, TYPE_DIR, DIRENT_SIZE,
  NAME_FIELD, ROOT_INO, MODE_DIR, MODE_FILE, STANDARD_DIRS, DEFAULT_SWAP, MAX_FILE_BYTES,
  MAX_IMAGE_BYTES, BLOCK, MiB, alignSectors, extentSectors, nameProblem,
} from './format.js';

/** A mistake in mkdisk's inputs, as one line for the user: code 2 for usage, 1 for a file. */
export class MkdiskError extends Error {
  constructor(message: string, readonly code: 1 | 2) { super(message); }
}

export interface DiskFile {
  /** Where the file goes: an absolute path such as /bin/sh. Missing directories are made. */
  path: string;
  data: Uint8Array;
  /** Permission bits (default 0o644; 0o755 makes it executable). */
  mode?: number;
}

export interface DiskSpec {
  files?: DiskFile[];
  /** Directories to make (with their parents), empty unless files go into them. */
  dirs?: string[];
  /** Bytes of swap: a multiple of 4 KiB, 0 for none (default 32 MiB). */
  swapBytes?: number;
  /** Make /bin, /demos, /etc and /proc (default true). */
  standardDirs?: boolean;
}

/** Where things went: the numbers of the superblock. */
export interface DiskLayout {
  totalSectors: number;
  fsSectors: number;
  swapStart: number;
  swapSectors: number;
  inodeCount: number;
  dataStart: number;
  files: number;
  dirs: number;
}

/** A built image: the filesystem area's bytes (the swap area that follows is all zero). */
export interface BuiltDisk extends DiskLayout {
  fs: Uint8Array;
}

interface FileNode { kind: 'file'; path: string; data: Uint8Array; mode: number; ino: number }
interface DirNode { kind: 'dir'; path: string; children: Map<string, Node>; parent: DirNode | null; ino: number }
type Node = FileNode | DirNode;

/** The components of an absolute destination path (repeated slashes count as one). */
function components(path: string, what: string): string[] {
  if (!path.startsWith('/')) throw new MkdiskError(`${what} '${path}' is not an absolute path (it must start with '/')`, 2);
  const parts = path.split('/').filter((p) => p !== '');
  for (const p of parts) {
    const why = nameProblem(p);
    if (why) throw new MkdiskError(`${what} '${path}': ${why}`, 2);
  }
  return parts;
}

const joinPath = (dir: DirNode, name: string) => (dir.path === '/' ? `/${name}` : `${dir.path}/${name}`);

/** The directory at `parts`, made with its parents if need be. */
function makeDirs(root: DirNode, parts: string[], path: string): DirNode {
  let d = root;
  for (const name of parts) {
    const next = d.children.get(name);
    if (next === undefined) {
      const made: DirNode = { kind: 'dir', path: joinPath(d, name), children: new Map(), parent: d, ino: 0 };
      d.children.set(name, made);
      d = made;
    } else if (next.kind === 'file') {
      throw new MkdiskError(`'${next.path}' is a file, so '${path}' cannot be made`, 2);
    } else {
      d = next;
    }
  }
  return d;
}

/** Checks a swap size: a whole number of 4 KiB slots. */
export function checkSwap(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new MkdiskError(`--swap: ${bytes} is not a size`, 2);
  if (bytes % BLOCK !== 0) throw new MkdiskError(`--swap: ${bytes} bytes is not a whole number of 4 KiB pages`, 2);
  return bytes;
}

/** A size for a message: in MiB or KiB when it is whole ones, else in bytes. */
const human = (bytes: number) => (bytes % MiB === 0 ? `${bytes / MiB} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/** Builds the filesystem area of an image. Throws MkdiskError on bad input. */
export function buildDisk(spec: DiskSpec): BuiltDisk {
  const swapBytes = checkSwap(spec.swapBytes ?? DEFAULT_SWAP);
  const root: DirNode = { kind: 'dir', path: '/', children: new Map(), parent: null, ino: 0 };
  const dirPaths = [...(spec.standardDirs === false ? [] : STANDARD_DIRS), ...(spec.dirs ?? [])];
  for (const p of dirPaths) makeDirs(root, components(p, 'directory'), p);
  for (const f of spec.files ?? []) {
    if (f.path.endsWith('/')) throw new MkdiskError(`'${f.path}' ends with '/': give the file's own name`, 2);
    const parts = components(f.path, 'destination');
    if (parts.length === 0) throw new MkdiskError(`'${f.path}' is the root directory, not a file name`, 2);
    if (f.data.length > MAX_FILE_BYTES) throw new MkdiskError(`'${f.path}' is ${f.data.length} bytes; a file is at most ${human(MAX_FILE_BYTES)}`, 1);
    const name = parts.pop()!;
    const dir = makeDirs(root, parts, f.path);
    const old = dir.children.get(name);
    if (old) {
      throw new MkdiskError(old.kind === 'dir' ? `'${old.path}' is a directory, so a file cannot go there` : `'${old.path}' is given twice`, 2);
    }
    dir.children.set(name, { kind: 'file', path: joinPath(dir, name), data: f.data, mode: (f.mode ?? MODE_FILE) & 0o7777, ino: 0 });
  }

  // Inode numbers: depth first from the root, names in byte order (ASCII, so < compares bytes).
  const nodes: Node[] = [null as unknown as Node]; // slot 0 is never used
  const sorted = (d: DirNode) => [...d.children.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const number = (n: Node) => {
    n.ino = nodes.length;
    nodes.push(n);
    if (n.kind === 'dir') for (const [, c] of sorted(n)) number(c);
  };
  number(root);
  const inodeCount = nodes.length;

  // Sizes and places.
  const sizeOf = (n: Node) => (n.kind === 'file' ? n.data.length : (2 + n.children.size) * DIRENT_SIZE);
  const inodeSectors = Math.ceil((inodeCount * INODE_SIZE) / SECTOR);
  const dataStart = alignSectors(1 + inodeSectors);
  const start = new Array<number>(inodeCount).fill(0);
  let cursor = dataStart;
  for (let i = 1; i < inodeCount; i++) {
    const size = sizeOf(nodes[i]);
    if (size === 0) continue;
    start[i] = cursor;
    cursor += extentSectors(size);
  }
  const fsSectors = cursor;
  const swapStart = alignSectors(fsSectors);
  const swapSectors = swapBytes / SECTOR;
  const totalSectors = swapStart + swapSectors;
  if (totalSectors * SECTOR > MAX_IMAGE_BYTES) {
    throw new MkdiskError(`the image would be ${human(totalSectors * SECTOR)} (filesystem ${human(fsSectors * SECTOR)}, swap ${human(swapBytes)}); an image is at most ${human(MAX_IMAGE_BYTES)}`, 2);
  }

  // The bytes.
  const fs = new Uint8Array(fsSectors * SECTOR);
  const view = new DataView(fs.buffer);
  const u32 = (off: number, v: number) => view.setUint32(off, v >>> 0, true);
  for (let i = 0; i < MAGIC.length; i++) fs[SB.MAGIC + i] = MAGIC.charCodeAt(i);
  u32(SB.VERSION, VERSION);
  u32(SB.TOTAL_SECTORS, totalSectors);
  u32(SB.FS_START, 0);
  u32(SB.FS_SECTORS, fsSectors);
  u32(SB.SWAP_START, swapStart);
  u32(SB.SWAP_SECTORS, swapSectors);
  u32(SB.ROOT_INO, ROOT_INO);
  u32(SB.INODE_START, 1);
  u32(SB.INODE_COUNT, inodeCount);
  u32(SB.INODE_SIZE, INODE_SIZE);
  u32(SB.DIRENT_SIZE, DIRENT_SIZE);
  u32(SB.DATA_START, dataStart);

  let files = 0;
  let dirs = 0;
  for (let i = 1; i < inodeCount; i++) {
    const n = nodes[i];
    const size = sizeOf(n);
    const at = SECTOR + i * INODE_SIZE;
    u32(at + INODE.TYPE, n.kind === 'file' ? TYPE_FILE : TYPE_DIR);
    u32(at + INODE.SIZE, size);
    u32(at + INODE.START, start[i]);
    u32(at + INODE.SECTORS, size === 0 ? 0 : extentSectors(size));
    const base = start[i] * SECTOR;
    if (n.kind === 'file') {
      files++;
      u32(at + INODE.MODE, n.mode);
      u32(at + INODE.NLINK, 1);
      fs.set(n.data, base);
    } else {
      dirs++;
      const children = sorted(n);
      u32(at + INODE.MODE, MODE_DIR);
      u32(at + INODE.NLINK, 2 + children.filter(([, c]) => c.kind === 'dir').length);
      const entry = (k: number, ino: number, name: string) => {
        const e = base + k * DIRENT_SIZE;
        u32(e, ino);
        for (let j = 0; j < name.length && j < NAME_FIELD - 1; j++) fs[e + 4 + j] = name.charCodeAt(j);
      };
      entry(0, n.ino, '.');
      entry(1, (n.parent ?? n).ino, '..');
      children.forEach(([name, c], k) => entry(2 + k, c.ino, name));
    }
  }
  return { fs, totalSectors, fsSectors, swapStart, swapSectors, inodeCount, dataStart, files, dirs };
}

/** A whole image in memory (filesystem, then the zero-filled swap area): for `toy86 run` and tests. */
export function buildImage(spec: DiskSpec): Uint8Array {
  const d = buildDisk(spec);
  const image = new Uint8Array(d.totalSectors * SECTOR);
  image.set(d.fs);
  return image;
}

/**
 * Writes an image file: the filesystem area, then the swap area as a hole (the file is sparse
 * where the host allows it, and its size is exact). Throws MkdiskError on bad input.
 */
export function writeImage(path: string, spec: DiskSpec): BuiltDisk {
  const d = buildDisk(spec);
  try {
    writeFileSync(path, d.fs);
    truncateSync(path, d.totalSectors * SECTOR);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such directory' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.code === 'ENOSPC' ? 'no space left on the device' : err.message;
    throw new MkdiskError(`cannot write '${path}': ${why}`, 1);
  }
  return d;
}
