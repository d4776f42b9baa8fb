// `toy86 mkdisk -o IMAGE [--swap SIZE] [--dir /path]... HOST:/dest/path...` (SPEC §5,
// docs/disk.md): reads the host files, builds the read-only filesystem and writes the image with
// its swap area. The writer is build.ts, the reader fs.ts, the format format.ts.

import { statSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MkdiskError, writeImage, buildDisk, buildImage, checkSwap, type DiskFile, type DiskSpec, type BuiltDisk, type DiskLayout } from './build.js';
import { MAX_FILE_BYTES, MODE_EXEC, MODE_FILE, DEFAULT_SWAP, MiB } from './format.js';

export { MkdiskError, writeImage, buildDisk, buildImage };
export type { DiskFile, DiskSpec, BuiltDisk, DiskLayout };
export { DiskFs, FsError, parseImage, readSuperblock, type Inode, type DirEntry, type Superblock } from './fs.js';

export interface MkdiskOptions {
  output: string;
  /** HOST:/dest/path pairs (a destination ending in '/' takes the host file's name). */
  inputs: string[];
  /** Empty directories to make. */
  dirs?: string[];
  /** The swap size as written on the command line (default 32M). */
  swap?: string;
}

/** Parses a size: bytes, or with K, M or G (16M, 512K, 1048576). */
export function parseSwap(text: string): number {
  const m = /^(\d+)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(String(text).trim());
  if (!m) throw new MkdiskError(`--swap: '${text}' is not a size (examples: 32M, 512K, 0)`, 2);
  const unit = (m[2] ?? '').toLowerCase()[0];
  const bytes = Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1);
  if (bytes % 4096 !== 0) throw new MkdiskError(`--swap: ${text} is not a whole number of 4 KiB pages`, 2);
  return checkSwap(bytes);
}

/** Whether bytes are an ELF executable (ET_EXEC): such a file gets mode 755. */
function isElfExecutable(b: Uint8Array): boolean {
  return b.length >= 18 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46 && b[16] === 2 && b[17] === 0;
}

/** Reads one `HOST:/dest/path` argument. */
export function readInput(arg: string): DiskFile {
  const colon = arg.lastIndexOf(':');
  if (colon <= 0 || arg[colon + 1] !== '/') {
    throw new MkdiskError(`'${arg}': give a host file and where it goes, as HOST:/dest/path (for example build/sh.elf:/bin/sh)`, 2);
  }
  const host = arg.slice(0, colon);
  let path = arg.slice(colon + 1);
  if (path.endsWith('/')) path += basename(host);
  let size: number;
  let hostMode: number;
  try {
    const st = statSync(host);
    if (st.isDirectory()) throw new MkdiskError(`cannot read '${host}': is a directory`, 1);
    size = st.size;
    hostMode = st.mode;
  } catch (e) {
    if (e instanceof MkdiskError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new MkdiskError(`cannot read '${host}': ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message}`, 1);
  }
  if (size > MAX_FILE_BYTES) throw new MkdiskError(`'${host}' is ${size} bytes; a file is at most ${MAX_FILE_BYTES / MiB} MiB`, 1);
  let data: Uint8Array;
  try {
    data = readFileSync(host);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new MkdiskError(`cannot read '${host}': ${err.code === 'EACCES' ? 'permission denied' : err.message}`, 1);
  }
  // Executable: an ELF executable, or a host file with an execute bit.
  const mode = isElfExecutable(data) || (hostMode & 0o111) !== 0 ? MODE_EXEC : MODE_FILE;
  return { path, data, mode };
}

/** The `mkdisk` command: builds and writes the image. */
export function mkdiskCommand(o: MkdiskOptions): BuiltDisk {
  const swapBytes = o.swap === undefined ? DEFAULT_SWAP : parseSwap(o.swap);
  const files = o.inputs.map(readInput);
  return writeImage(o.output, { files, dirs: o.dirs ?? [], swapBytes });
}
