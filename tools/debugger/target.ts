// The machine `toy86 debug` starts: what `toy86 boot` or `toy86 run` would start (tools/boot.ts,
// tools/run.ts), built into a DebugTarget. The disk is always kept in memory, as with --snapshot:
// reverse execution cannot take back a write to a file.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError, parseSize, parseCount, parseDiskFail } from '../boot.js';
import type { DebugTarget } from './session.js';
import { parseImage } from '../mkdisk/fs.js';
import { buildImage } from '../mkdisk/build.js';

/** The machine flags of boot and run, as the command line gives them. */
export interface MachineFlags {
  mem?: string;
  tlb?: string;
  tlbWays?: string;
  append?: string;
  maxInsns?: string;
  diskLatency?: string;
  diskFail?: string;
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UserError(`cannot read ${what} '${path}': ${why}`, 1);
  }
}

function machineFields(f: MachineFlags): Omit<DebugTarget, 'kernel' | 'kernelPath' | 'disk'> {
  return {
    memSize: f.mem !== undefined ? parseSize(f.mem, '--mem') : undefined,
    tlbEntries: f.tlb !== undefined ? parseCount(f.tlb, '--tlb') : undefined,
    tlbWays: f.tlbWays !== undefined ? parseCount(f.tlbWays, '--tlb-ways') : undefined,
    maxInsns: f.maxInsns !== undefined ? parseCount(f.maxInsns, '--max-insns') : undefined,
    diskLatency: f.diskLatency !== undefined ? parseCount(f.diskLatency, '--disk-latency') : undefined,
    diskFaults: f.diskFail !== undefined ? parseDiskFail(f.diskFail) : undefined,
    append: f.append ?? '',
  };
}

/** `toy86 debug boot [--kernel FILE] [--disk FILE] ...`. */
export async function bootTarget(f: MachineFlags & { kernel?: string; disk?: string; swap?: number }): Promise<DebugTarget> {
  let kernel = f.kernel, disk = f.disk;
  if (kernel === undefined) {
    const { defaultKernel, defaultDisk, BuildError } = await import('../images.js');
    try {
      kernel = await defaultKernel();
      if (disk === undefined) disk = await defaultDisk(f.swap);
    } catch (e) {
      if (e instanceof BuildError) throw new UserError(e.message, 1);
      throw e;
    }
  }
  const diskBytes = disk !== undefined ? readInput(disk, 'disk image') : null;
  if (diskBytes && (diskBytes.length === 0 || diskBytes.length % 512 !== 0)) {
    throw new UserError(`disk image '${disk}' is ${diskBytes.length} bytes, not a whole number of 512-byte sectors`, 1);
  }
  return { ...machineFields(f), kernel: readInput(kernel, 'kernel'), kernelPath: kernel, disk: diskBytes };
}

/** `toy86 debug run PROGRAM [ARGS]`: the program built, on a fresh disk, as init. */
export async function runTarget(f: MachineFlags & { program: string; args: string[] }): Promise<DebugTarget> {
  const name = basename(f.program).replace(/\.(ts|s|elf)$/, '').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 27) || 'program';
  for (const a of f.args) if (/\s/.test(a) || a === '') throw new UserError(`an argument with a space or an empty argument cannot be passed on the kernel command line: '${a}'`, 2);
  const { BuildError, defaultKernel, defaultDisk } = await import('../images.js');
  try {
    const image = await buildProgram(f.program);
    const disk = runDisk(readFileSync(await defaultDisk()), name, image);
    const kernelPath = await defaultKernel();
    const append = [f.append, `init=/bin/${name}`, ...(f.args.length ? ['--', ...f.args] : [])].filter(Boolean).join(' ');
    return { ...machineFields({ ...f, append }), kernel: readInput(kernelPath, 'kernel'), kernelPath, disk, program: name };
  } catch (e) {
    if (e instanceof BuildError) throw new UserError(e.message, 1);
    const { asCcError } = await import('../cc/driver.js');
    const { asToolError } = await import('../asm/index.js');
    const t = asCcError(e) ?? asToolError(e);
    if (t) throw new UserError(t.message, 1);
    throw e;
  }
}

/** A program's executable: built from a .ts or .s source, or read as it is. */
async function buildProgram(program: string): Promise<Uint8Array> {
  const bytes = readInput(program, 'program');
  if (program.endsWith('.ts') || program.endsWith('.s')) {
    const { buildProgram: build } = await import('../userland.js');
    return build([program]);
  }
  if (!(bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46)) {
    throw new UserError(`${program}: not a .ts or .s source, and not an ELF executable`, 1);
  }
  return bytes;
}

/** The disk of `run`: the base disk's files and the program as /bin/NAME (with swapBytes of swap, default 32 MiB). */
export function runDisk(base: Uint8Array, name: string, program: Uint8Array, swapBytes?: number): Uint8Array {
  const fs = parseImage(base);
  const files = fs.walk().filter((e) => e.inode.type === 'file' && e.path !== `/bin/${name}`)
    .map((e) => ({ path: e.path, data: fs.readFile(e.path), mode: e.inode.mode }));
  files.push({ path: `/bin/${name}`, data: program, mode: 0o755 });
  return buildImage(swapBytes !== undefined ? { files, swapBytes } : { files });
}
