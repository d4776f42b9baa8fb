// The machine `toy86 debug` starts: what `toy86 boot` or `toy86 run` would start (tools/boot.ts,
// tools/run.ts), built into a DebugTarget. The disk is always kept in memory, as with --snapshot:
// reverse execution cannot take back a write to a file.

import { readFileSync } from 'node:fs';
import { UserError, parseSize, parseCount, parseDiskFail, readInput } from '../boot.js';
import { buildProgram, runDisk, programName, checkArgs, asUserErrors } from '../run.js';
import type { DebugTarget } from './session.js';

export { runDisk };

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
export async function runTarget(f: MachineFlags & { program: string; args: string[]; swap?: number }): Promise<DebugTarget> {
  const name = programName(f.program);
  checkArgs(f.args);
  return asUserErrors(async () => {
    const { defaultKernel, defaultDisk } = await import('../images.js');
    const image = await buildProgram(f.program);
    const disk = runDisk(readFileSync(await defaultDisk()), name, image, f.swap);
    const kernelPath = await defaultKernel();
    const append = [f.append, `init=/bin/${name}`, ...(f.args.length ? ['--', ...f.args] : [])].filter(Boolean).join(' ');
    return { ...machineFields({ ...f, append }), kernel: readInput(kernelPath, 'kernel'), kernelPath, disk, program: name };
  });
}
