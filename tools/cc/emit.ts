// Pass 4 of `toy86 cc`: emit. The generated assembly of each unit goes through toy86's own
// assembler (tools/asm) into an ELF32 object; its `%line` directives make the object's line table
// and any message name the TypeScript source, so objdump and the debugger show TypeScript.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assemble, type ObjectFile } from '../asm/index.js';
import type { Unit } from './ir.js';

export interface Compiled {
  /** Generated assembly, by TypeScript file (as the user named it). */
  assembly: Map<string, string>;
  objects: ObjectFile[];
}

/** Assembles each unit's generated source into an object. */
export function emit(units: { unit: Unit; text: string }[]): Compiled {
  const assembly = new Map<string, string>();
  const objects: ObjectFile[] = [];
  for (const { unit, text } of units) {
    assembly.set(unit.file, text);
    // The generated source stands in for the TypeScript file (messages, the object's source
    // name); its %line directives give the TypeScript lines.
    const path = resolve(unit.file);
    objects.push(assemble(unit.file, (p) => (p === path ? text : readFileSync(p, 'utf8'))));
  }
  return { assembly, objects };
}
