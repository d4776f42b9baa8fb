// The default kernel and disk of `toy86 boot` (SPEC §5): built into node_modules/.cache/toy86 on
// first use and whenever a source is newer than the build. This module is light on purpose: the
// compiler (and TypeScript with it) is loaded only when something must be built, so that a boot
// with everything built starts at once.

import { readdirSync, statSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolError } from './asm/index.js';

declare const TOY86_ROOT: string | undefined;
const ROOT = typeof TOY86_ROOT === 'string' ? TOY86_ROOT : join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of the kernel's sources (and the compiler's, which shapes the code). */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|s)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['kernel', 'userland', 'tools/cc', 'tools/asm', 'tools/mkdisk']) walk(join(ROOT, d));
  for (const f of ['kernel.ts', 'userland.ts']) newest = Math.max(newest, statSync(join(ROOT, 'tools', f)).mtimeMs);
  return newest;
}

/** The default kernel or disk could not be built (its sources have a mistake): exit code 1. */
export class BuildError extends ToolError {
  constructor(message: string) { super(message, 1); }
}

/** Builds `name` in node_modules/.cache/toy86 with `make` when a source is newer; returns its path. */
async function cached(name: string, make: () => Promise<Uint8Array>): Promise<string> {
  const dir = join(ROOT, 'node_modules', '.cache', 'toy86');
  const path = join(dir, name);
  let built = 0;
  try { built = statSync(path).mtimeMs; } catch { /* not built yet */ }
  if (built < newestSource()) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    let image: Uint8Array;
    try {
      image = await make();
    } catch (e) {
      // A mistake in kernel/ or userland/ sources: one message per mistake, no stack trace.
      const { asCcError } = await import('./cc/driver.js');
      const { asToolError } = await import('./asm/index.js');
      const t = asCcError(e) ?? asToolError(e);
      if (t) throw new BuildError(`cannot build ${name}:\n${t.message}`);
      throw e;
    }
    writeFileSync(tmp, image);
    renameSync(tmp, path);
  }
  return path;
}

/** The default kernel (node_modules/.cache/toy86/kernel.elf), built on first use. */
export function defaultKernel(): Promise<string> {
  return cached('kernel.elf', async () => (await import('./kernel.js')).buildKernel());
}

/** The default disk (node_modules/.cache/toy86/disk.img): the userland and 32 MiB of swap (or swapBytes). */
export function defaultDisk(swapBytes?: number): Promise<string> {
  const name = swapBytes === undefined ? 'disk.img' : `disk-swap${swapBytes}.img`;
  return cached(name, async () => (await import('./userland.js')).buildDisk(swapBytes));
}
