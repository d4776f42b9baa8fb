// The toolchain's face: assemble, link and disassemble, as functions (for the tests, the
// benchmarks and the compiler) and as the `asm` and `objdump` commands (for tools/cli.ts).

import { readFileSync, writeFileSync } from 'node:fs';
import { assemble, type ObjectFile } from './assembler.js';
import { AsmError } from './lexer.js';
import { writeObject, readObject } from './object.js';
import { link, LinkError, type LinkOptions } from './linker.js';
import { objdump } from './objdump.js';
import { ElfError } from './elf.js';

export { AsmError, LinkError, assemble, link, writeObject, readObject, objdump };
export type { ObjectFile, LinkOptions };

/** A mistake in the toolchain's inputs, as one line for the user. */
export class ToolError extends Error {
  constructor(message: string, readonly code: 1 | 2) { super(message); }
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new ToolError(`${path}: ${why}`, 1);
  }
}

/** An input as an object: `.o` files are read, anything else is assembled. */
export function loadInput(path: string, read?: (p: string) => string): ObjectFile {
  if (path.endsWith('.o')) return readObject(readBytes(path), path);
  readBytes(path); // a missing file is a file problem, not a source error
  return assemble(path, read);
}

/** Assembles and links sources and objects into an executable image. */
export function linkSources(paths: string[], opts: LinkOptions = {}): Uint8Array {
  return link(paths.map((p) => loadInput(p)), opts);
}

/** Turns toolchain exceptions into ToolError (other exceptions are bugs and pass through). */
export function asToolError(e: unknown): ToolError | null {
  if (e instanceof ToolError) return e;
  if (e instanceof AsmError || e instanceof LinkError || e instanceof ElfError) return new ToolError(e.message, 1);
  return null;
}

export interface AsmOptions {
  inputs: string[];
  output: string;
  object?: boolean;
  base?: number;
  loadOffset?: number;
}

/** `toy86 asm FILE... -o OUT [-c] [--base ADDR] [--load-offset OFF]`. */
export function asmCommand(o: AsmOptions): void {
  if (o.inputs.length === 0) throw new ToolError('give at least one source or object file', 2);
  let image: Uint8Array;
  if (o.object) {
    if (o.inputs.length !== 1) throw new ToolError('-c takes exactly one source file', 2);
    image = writeObject(loadInput(o.inputs[0]));
  } else {
    image = linkSources(o.inputs, { base: o.base, loadOffset: o.loadOffset });
  }
  try {
    writeFileSync(o.output, image);
  } catch (e) {
    throw new ToolError(`cannot write ${o.output}: ${(e as Error).message}`, 1);
  }
}

/** `toy86 objdump FILE`: returns the text. */
export function objdumpCommand(path: string): string {
  return objdump(readBytes(path), path);
}
