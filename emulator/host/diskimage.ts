// The disk's backing file (SPEC §2.5): the image is read into memory when the machine starts;
// completed writes go through to the file at once (so nothing written is lost if the host dies),
// flush makes them durable. With `snapshot` (QEMU's -snapshot), writes stay in memory and the
// file is never written.

import { openSync, readSync, writeSync, fsyncSync, closeSync, fstatSync } from 'node:fs';
import type { DiskImage } from '../devices/disk.js';
import { SECTOR } from '../devices/disk.js';

export class DiskImageError extends Error {}

export interface OpenedImage extends DiskImage {
  close(): void;
}

/** Opens an image file; its size must be a whole number of 512-byte sectors. */
export function openDiskImage(path: string, snapshot: boolean): OpenedImage {
  let fd: number;
  try {
    fd = openSync(path, snapshot ? 'r' : 'r+');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    throw new DiskImageError(`cannot open disk image '${path}': ${why}`);
  }
  const size = fstatSync(fd).size;
  if (size % SECTOR !== 0 || size === 0) {
    closeSync(fd);
    throw new DiskImageError(`disk image '${path}' is ${size} bytes, not a whole number of ${SECTOR}-byte sectors`);
  }
  const data = new Uint8Array(size);
  let got = 0;
  while (got < size) got += readSync(fd, data, got, size - got, got);
  if (snapshot) {
    closeSync(fd);
    return { data, close() {} };
  }
  let open = true;
  return {
    data,
    persist(sector: number, bytes: Uint8Array) {
      if (open) writeSync(fd, bytes, 0, bytes.length, sector * SECTOR);
    },
    flush() {
      if (open) fsyncSync(fd);
    },
    close() {
      if (open) { open = false; closeSync(fd); }
    },
  };
}

/** An in-memory disk (tests, and `toy86 run`'s fresh disks). */
export function memoryDisk(data: Uint8Array): DiskImage {
  return { data };
}
