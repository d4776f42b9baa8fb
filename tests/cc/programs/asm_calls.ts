// Calls between compiled code and assembly (asm_calls.s), both ways, with cdecl: TypeScript calls
// assembly functions declared here, assembly calls exported TypeScript functions by name and
// TypeScript function values it is given, each side keeps EBX ESI EDI EBP for the other, and
// assembly reads and writes a TypeScript global, TypeScript an assembly data label.
import { check, check_summary } from '../lib/check';

declare function asm_sum3(a: i32, b: i32, c: i32): i32;
declare function asm_minus(a: i32, b: i32): i32;
declare function asm_trash(x: i32): i32;
declare function asm_apply(f: (x: i32) => i32, x: i32): i32;
declare function asm_call_exported(x: i32): i32;
declare function asm_keeps_registers(): i32;
declare function asm_sum8_via_ts(): i32;
declare function asm_read_counter(): i32;

export let ts_counter: i32 = 5;

export function ts_square(x: i32): i32 { return x * x; }

function negate(x: i32): i32 { return -x; }

/** Uses every register it can, so that a callee-saved one would show if it were not kept. */
export function ts_busy(n: i32): i32 {
  let a = n, b = n * 2, c = n * 3, d = n * 4, e = n * 5, f = n * 6;
  for (let i = 0; i < n; i++) { a += b; b += c; c += d; d += e; e += f; f += a; }
  return a + b + c + d + e + f;
}

export function ts_sum8(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32, h: i32): i32 {
  return a * 1 + b * 10 + c * 100 + d * 1000 + e * 10000 + f * 100000 + g * 1000000 + h * 10000000;
}

export function main(): i32 {
  check(asm_sum3(1, 20, 300) == 321);
  check(asm_minus(10, 3) == 7);      // the first argument is the first on the stack
  check(asm_minus(3, 10) == -7);
  // Values live in registers across calls that destroy ECX and EDX.
  let x = 11, y = 22, z = 33, w = 44;
  let r = x + asm_trash(1) + y;
  check(r == 34);
  r = asm_trash(x) * asm_trash(y) + asm_trash(z) - asm_trash(w);
  check(r == 231);
  check(x + y + z + w == 110);
  // Assembly calls TypeScript back.
  check(asm_apply(negate, 5) == -4);
  check(asm_apply(ts_square, 9) == 82);
  check(asm_call_exported(6) == 72);
  check(asm_keeps_registers() == 1);
  check(asm_sum8_via_ts() == 87654321);
  // Data across the two.
  check(asm_read_counter() == 5);
  check(ts_counter == 105);
  check(load<u32>(symbol("asm_data")) == 0xfeedf00d);
  store<u32>(symbol("asm_data"), 1);
  check(load<u32>(symbol("asm_data")) == 1);
  // An assembly function through a function value.
  let f: (a: i32, b: i32, c: i32) => i32 = asm_sum3;
  check(f(2, 3, 4) == 9);
  return check_summary();
}
