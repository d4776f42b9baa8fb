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
import { runtime } from '../userland.js';

export interface CcOptions {
  inputs: string[];
  output: string;
  /** Kernel code: no user runtime; linked at --base (default 0x100000). Otherwise a user
   *  program: linked with crt0 and the system-call stubs at --base (default 0x08048000). */
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
  let objects = [...compiled.objects];
  for (const f of others) {
    let bytes: Uint8Array | string;
    try { bytes = f.endsWith('.o') ? readFileSync(f) : readFileSync(f, 'utf8'); } catch (e) {
      throw new ToolError(`${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
    }
    objects.push(f.endsWith('.o') ? readObject(bytes as Uint8Array, f) : assemble(f));
  }
  if (!o.kernel) {
    // A user program: crt0 and the system-call stubs, as `toy86 run` links it (an assembly
    // file with its own _start gets the stubs but not crt0), at 0x08048000 by default.
    const ownStart = objects.some((obj) => obj.symbols.some((x) => x.name === '_start' && x.global && !x.extern));
    const rt = runtime();
    objects = [...(ownStart ? rt.slice(1) : rt), ...objects];
  }
  write(o.output, link(objects, { base: o.base ?? (o.kernel ? 0x100000 : 0x08048000), loadOffset: o.loadOffset }));
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
