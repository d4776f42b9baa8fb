// `toy86 run PROGRAM [ARGS...]` (SPEC §5): builds the program (a .ts or .s source, or an
// executable), makes a fresh disk holding it as /bin/NAME beside the standard userland, boots
// with init=/bin/NAME and its arguments, and exits with its status (128 + signal if killed).

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { UserError } from './boot.js';

/** The program's executable image. */
async function build(program: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try { bytes = readFileSync(program); } catch (e) {
    throw new UserError(`${program}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
  if (program.endsWith('.ts') || program.endsWith('.s')) {
    const { buildProgram } = await import('./userland.js');
    return buildProgram([program]);
  }
  if (!(bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46)) {
    throw new UserError(`${program}: not a .ts or .s source, and not an ELF executable`, 1);
  }
  return bytes;
}

/** The disk: the default disk's files and this program as /bin/NAME. */
async function disk(name: string, program: Uint8Array): Promise<Uint8Array> {
  const { defaultDisk } = await import('./images.js');
  const { parseImage } = await import('./mkdisk/fs.js');
  const { buildImage } = await import('./mkdisk/build.js');
  const base = parseImage(readFileSync(await defaultDisk()));
  const files = base.walk().filter((e) => e.inode.type === 'file' && e.path !== `/bin/${name}`)
    .map((e) => ({ path: e.path, data: base.readFile(e.path), mode: e.inode.mode }));
  files.push({ path: `/bin/${name}`, data: program, mode: 0o755 });
  return buildImage({ files });
}

export interface RunOptions {
  program: string;
  args: string[];
  /** boot's machine flags (their --append goes before init=). */
  boot: Record<string, unknown>;
}

export async function runCommand(o: RunOptions): Promise<number> {
  try {
    return await runInner(o);
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
  const name = basename(o.program).replace(/\.(ts|s|elf)$/, '').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 27) || 'program';
  for (const a of o.args) if (/\s/.test(a) || a === '') throw new UserError(`an argument with a space or an empty argument cannot be passed on the kernel command line: '${a}'`, 2);
  const image = await build(o.program);
  const dir = mkdtempSync(join(tmpdir(), 'toy86-run-'));
  try {
    const diskPath = join(dir, 'disk.img');
    writeFileSync(diskPath, await disk(name, image));
    const { defaultKernel } = await import('./images.js');
    const { boot } = await import('./boot.js');
    const append = [o.boot.append, `init=/bin/${name}`, ...(o.args.length ? ['--', ...o.args] : [])].filter(Boolean).join(' ');
    // --trace names the program's addresses with its own symbols.
    return await boot({ ...(o.boot as object), kernel: await defaultKernel(), disk: diskPath, snapshot: true, append, traceElf: image } as Parameters<typeof boot>[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
