// Pass 5 of `toy86 cc`, the driver: runs the passes — parse.ts (and subset.ts), lower.ts, gen.ts,
// emit.ts — and links their objects with assembly sources, objects and the runtime. This is also
// the `cc` command (SPEC §5).

import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { resolve, basename } from 'node:path';
import { parse, CcError, CcErrors } from './parse.js';
import { lower } from './lower.js';
import { generate } from './gen.js';
import { assemble, link, writeObject, readObject } from '../asm/index.js';
import { emit, type Compiled } from './emit.js';
import { ToolError } from '../asm/index.js';

export interface CcOptions {
  inputs: string[];
  output: string;
  /** Kernel code: no user runtime; linked at --base (default 0x100000). */
  kernel?: boolean;
  /** Write the generated assembly (-S). */
  assembly?: boolean;
  /** Write a relocatable object (-c). */
  object?: boolean;
  base?: number;
  loadOffset?: number;
}

export type { Compiled } from './emit.js';

/** Compiles TypeScript sources (and every file they import) into objects: passes 1 to 4. */
export function compile(files: string[]): Compiled {
  return emit(lower(parse(files)).map((u) => ({ unit: u, text: generate(u) })));
}

/** `toy86 cc FILE... -o OUT [--kernel] [-S] [-c] [--base] [--load-offset]`. */
export function ccCommand(o: CcOptions): void {
  if (o.inputs.length === 0) throw new ToolError('give at least one source file', 2);
  const tsFiles = o.inputs.filter((f) => f.endsWith('.ts'));
  const others = o.inputs.filter((f) => !f.endsWith('.ts'));
  for (const f of others) if (!f.endsWith('.s') && !f.endsWith('.o')) throw new ToolError(`${f}: cc takes .ts and .s sources and .o objects`, 2);
  for (const f of o.inputs) {
    let st;
    try { st = statSync(f); } catch { throw new ToolError(`${f}: no such file`, 1); }
    if (!st.isFile()) throw new ToolError(`${f}: not a file`, 1);
  }
  let compiled: Compiled;
  try {
    compiled = tsFiles.length ? compile(tsFiles) : { assembly: new Map<string, string>(), objects: [] };
  } catch (e) {
    // TypeScript's parser and checker, and the lowering, recurse on the syntax tree.
    if (e instanceof RangeError) throw new ToolError(`${tsFiles.join(' ')}: the program is nested too deeply to compile (an expression or statements nested thousands deep)`, 1);
    throw e;
  }
  if (o.assembly || o.object) {
    if (tsFiles.length !== 1 || others.length) throw new ToolError(`${o.assembly ? '-S' : '-c'} takes exactly one .ts file`, 2);
    const name = [...compiled.assembly.keys()].find((k) => resolve(k) === resolve(tsFiles[0]))!;
    if (o.assembly) write(o.output, compiled.assembly.get(name)!);
    else write(o.output, writeObject(compiled.objects[[...compiled.assembly.keys()].indexOf(name)]));
    return;
  }
  if (!o.kernel) {
    throw new ToolError('the user runtime (crt0 and the system-call stubs) arrives with the kernel: for now link bare-metal code with --kernel and an assembly file that defines _start', 2);
  }
  const objects = [...compiled.objects];
  for (const f of others) {
    let bytes: Uint8Array | string;
    try { bytes = f.endsWith('.o') ? readFileSync(f) : readFileSync(f, 'utf8'); } catch (e) {
      throw new ToolError(`${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
    }
    objects.push(f.endsWith('.o') ? readObject(bytes as Uint8Array, f) : assemble(f));
  }
  write(o.output, link(objects, { base: o.base ?? 0x100000, loadOffset: o.loadOffset }));
}

function write(path: string, data: string | Uint8Array): void {
  try { writeFileSync(path, data); } catch (e) { throw new ToolError(`cannot write ${path}: ${(e as Error).message}`, 1); }
}

/** Turns compiler errors into one message per mistake (other exceptions pass through). */
export function asCcError(e: unknown): ToolError | null {
  if (e instanceof CcErrors) return new ToolError(e.message, 1);
  if (e instanceof CcError) return new ToolError(e.message, 1);
  return null;
}

export { basename };
