// `toy86 run PROGRAM [ARGS...]` (SPEC §5): builds the program (a .ts or .s source, or an
// executable), makes a fresh disk holding it as /bin/NAME beside the standard userland, boots
// with init=/bin/NAME and its arguments, and exits with its status (128 + signal if killed).

import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename, dirname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, readInput } from './boot.js';
import { parseImage } from './mkdisk/fs.js';
import { buildImage } from './mkdisk/build.js';

declare const TOY86_ROOT: string | undefined;
const ROOT = typeof TOY86_ROOT === 'string' ? TOY86_ROOT : join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The program's file: PROGRAM as given, or, when there is no such file, the userland's own of
 * that name (`demos/cow.ts` is userland/demos/cow.ts, `bin/ls.ts` userland/bin/ls.ts), so the
 * bundled programs run from anywhere.
 */
export function resolveProgram(program: string): string {
  if (existsSync(program) || isAbsolute(program)) return program;
  const bundled = join(ROOT, 'userland', program);
  return existsSync(bundled) ? bundled : program;
}

/** The program's executable image: built from a .ts or .s source, or read as it is (run and debug run). */
export async function buildProgram(program: string): Promise<Uint8Array> {
  const bytes = readInput(program, 'program');
  if (program.endsWith('.ts') || program.endsWith('.s')) {
    const { buildProgram } = await import('./userland.js');
    return buildProgram([program]);
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

/** The name of the program on the disk (/bin/NAME), from its file's name. */
export function programName(program: string): string {
  return basename(program).replace(/\.(ts|s|elf)$/, '').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 27) || 'program';
}

/** The kernel command line's arguments, which cannot hold spaces. */
export function checkArgs(args: string[]): void {
  for (const a of args) if (/\s/.test(a) || a === '') throw new UserError(`an argument with a space or an empty argument cannot be passed on the kernel command line: '${a}'`, 2);
}

export interface RunOptions {
  program: string;
  args: string[];
  /** boot's machine flags (their --append goes before init=). */
  boot: Record<string, unknown>;
  /** --swap: the swap area of the fresh disk, in bytes (default 32 MiB). */
  swapBytes?: number;
}

export async function runCommand(o: RunOptions): Promise<number> {
  return asUserErrors(() => runInner(o));
}

/** Runs body, a failed build (of the default images, or of the program) becoming one clear line. */
export async function asUserErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    const { BuildError } = await import('./images.js');
    if (e instanceof BuildError) throw new UserError(e.message, 1);
    const { asCcError } = await import('./cc/driver.js');
    const { asToolError } = await import('./asm/index.js');
    const t = asCcError(e) ?? asToolError(e);
    if (t) throw new UserError(t.message, 1);
    throw e;
  }
}

async function runInner(o: RunOptions): Promise<number> {
  const name = programName(o.program);
  checkArgs(o.args);
  const image = await buildProgram(o.program);
  const dir = mkdtempSync(join(tmpdir(), 'toy86-run-'));
  try {
    const diskPath = join(dir, 'disk.img');
    const { defaultKernel, defaultDisk } = await import('./images.js');
    writeFileSync(diskPath, runDisk(readFileSync(await defaultDisk()), name, image, o.swapBytes));
    const { boot } = await import('./boot.js');
    const append = [o.boot.append, `init=/bin/${name}`, ...(o.args.length ? ['--', ...o.args] : [])].filter(Boolean).join(' ');
    // --trace names the program's addresses with its own symbols.
    return await boot({ ...(o.boot as object), kernel: await defaultKernel(), disk: diskPath, snapshot: true, append, traceElf: image } as Parameters<typeof boot>[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
