// Passes 4 and 5 of `toy86 cc`: emit (the generated assembly through toy86's own assembler into
// ELF32 objects, with the TypeScript source lines in their line tables) and link (with assembly
// sources, objects and the runtime). This is also the `cc` command (SPEC §5).

import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { resolve, basename } from 'node:path';
import { parse, CcError, CcErrors } from './parse.js';
import { lower } from './lower.js';
import { generate } from './gen.js';
import { assemble, link, writeObject, readObject, type ObjectFile } from '../asm/index.js';
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

export interface Compiled {
  /** Generated assembly, by TypeScript file (as the user named it). */
  assembly: Map<string, string>;
  objects: ObjectFile[];
}

/** Compiles TypeScript sources (and every file they import) into objects. */
export function compile(files: string[]): Compiled {
  const parsed = parse(files);
  const units = lower(parsed);
  const assembly = new Map<string, string>();
  const objects: ObjectFile[] = [];
  for (const u of units) {
    const text = generate(u);
    assembly.set(u.file, text);
    // The generated source stands in for the TypeScript file (messages, the object's source name);
    // its %line directives give the TypeScript lines.
    const path = resolve(u.file);
    objects.push(assemble(u.file, (p) => (p === path ? text : readFileSync(p, 'utf8'))));
  }
  return { assembly, objects };
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
