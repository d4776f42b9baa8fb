// The compiler's feature tests (issue 4): one program per language feature, written in the subset
// itself (tests/cc/programs/), run bare-metal. Each must power off with code 0 (main returns the
// number of failing checks), report no failing check, and make exactly the number of checks its
// source holds, so that a check the compiled code skipped is noticed too.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { runTs } from './harness.js';

const P = (f: string) => join(__dirname, 'programs', f);

/** [what it shows, the sources (the first has main; .s files are assembled and linked), checks]. */
const FEATURES: [string, string[], number][] = [
  ['arithmetic per type and signedness: + - * / % and bitwise, wrapping, narrowing on store, conversions', ['arith.ts'], 148],
  ['shifts: << >> >>> with constant and variable counts, signed and unsigned', ['shifts.ts'], 71],
  ['comparisons: signed, unsigned, mixed, narrow; as values and as branches', ['compare.ts'], 55],
  ['short-circuit && || (skipped side effects), !, and ?:', ['logic.ts'], 57],
  ['compound assignment and ++/-- on locals, globals, fields and memory; narrow types wrap; assignments as values', ['assign.ts'], 99],
  ['loops: while, do, for, break, continue, nested', ['loops.ts'], 26],
  ['switch: fallthrough, default in the middle, no match', ['switch.ts'], 40],
  ['recursion: simple, mutual, deep, with live locals', ['recursion.ts'], 17],
  ['function tables in static memory, called indirectly; function values', ['fntable.ts'], 28],
  ['@unmanaged structures: layout, offsetof/sizeof, nesting, every field type, pointers', ['structs.ts'], 75],
  ['globals of a structure type (a structure\'s address in a module-level variable)', ['struct_globals.ts'], 11],
  ['globals: initialised, zero, narrow; exported and imported across two files', ['globals.ts', 'globals_lib.ts'], 44],
  ['static memory: memory.data alignment and zeroing, memory.data<T>([...]) initialised', ['static_memory.ts'], 43],
  ['string literals: NUL-terminated bytes read with load<u8>', ['strings.ts'], 33],
  ['enums and const enums', ['enums.ts'], 24],
  ['intrinsics: rdtsc, readeflags, cli/sti, inb/outb, rcr0, symbol, load/store with offsets', ['intrinsics.ts'], 42],
  ['calls between compiled code and assembly, both ways', ['asm_calls.ts', 'asm_calls.s'], 16],
  ['evaluation order: left to right for operands and arguments with side effects', ['eval_order.ts'], 42],
  ['more locals live than registers: frame slots, live ranges', ['locals.ts'], 37],
  ['many arguments, optional parameters', ['many_args.ts'], 18],
  ['memory changed another way (through an address, another pointer, a call, a device) is read again', ['aliasing.ts'], 20],
  ['functions and globals named like instructions or directives (add, inc, push, times, setG)', ['names.ts'], 9],
];

describe('toy86 cc: language features', () => {
  for (const [what, files, checks] of FEATURES) {
    it(`${files[0]}: ${what}`, () => {
      const r = runTs(files.map(P));
      expect(r.failures).toEqual([]);
      expect(r.checks).toBe(checks);
      expect(r.stop).toEqual({ kind: 'poweroff', code: 0 });
    });
  }
});
