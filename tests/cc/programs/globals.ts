// Module-level globals: initialised (numbers, negative numbers, constant expressions, enum members,
// sizeof, addresses of strings, functions and static memory), zero (no initialiser), narrow
// (stored wrapped, read extended), bool; exported from one file and imported by another
// (globals_lib.ts), in both directions, read and written on both sides.
import { check, check_summary } from '../lib/check';
import { counter, shared8, sharedI16, sharedZero, sharedFlag, LIMIT, BANNER, bump, setCounter, hiddenValue, readMainSeen, twiceHere } from './globals_lib';

const enum Mode { Off, On = 7 }
@unmanaged class Pair { a: i32; b: i32 }

const K = 3 * 4;
let gInit: i32 = 42;
let gNeg: i32 = -42;
let gExpr: i32 = K + 1;
let gMode: i32 = Mode.On;
let gSize: usize = sizeof<Pair>();
let gBig: u32 = 0xdeadbeef;
let gZero: i32;
let gZero8: u8;
let gZeroBool: bool;
let gI8: i8 = -1;
let gU8: u8 = 255;
let gI16: i16 = -2;
let gU16: u16 = 65535;
let gWrapped: u8 = 0x1ff;           // wraps at compile time
let gTrue: bool = true;
let gStr: usize = changetype<usize>("hey");
let gFn: (x: i32) => i32 = twice;
let gMem: usize = memory.data(8, 8);
let hidden: i32 = 9;
export let mainSeen: i32 = 1;

function twice(x: i32): i32 { return x * 2; }

function initialised(): void {
  check(gInit == 42);
  check(gNeg == -42);
  check(gExpr == 13);
  check(gMode == 7);
  check(gSize == 8);
  check(gBig == 0xdeadbeef);
  check(gI8 == -1);
  check(gU8 == 255);
  check(gI16 == -2);
  check(gU16 == 65535);
  check(gWrapped == 255);
  check(gTrue);
  check(load<u8>(gStr) == 104 && load<u8>(gStr, 3) == 0);
  check(gFn(21) == 42);
  check((gMem & 7) == 0 && load<u32>(gMem) == 0);
}

function zeroed(): void {
  check(gZero == 0);
  check(gZero8 == 0);
  check(!gZeroBool);
  check(sharedZero == 0);
}

function narrow(): void {
  gI8 = 127;
  gI8 = gI8 + 1;
  check(gI8 == -128);
  gU8 = gU8 + 2;
  check(gU8 == 1);
  gI16 = 40000;
  check(gI16 == -25536);
  gU16 = -3;
  check(gU16 == 65533);
  // Neighbours are untouched by narrow stores.
  check(gI8 == -128 && gU8 == 1 && gI16 == -25536 && gU16 == 65533);
  gZeroBool = true;
  check(gZeroBool);
  check(gZero8 == 0);
  gZero8 = 0x77;
  check(gZero8 == 0x77 && gZeroBool);
  gZero = -1;
  check(gZero == -1 && gZero8 == 0x77);
}

function acrossFiles(): void {
  check(counter == 100);
  check(shared8 == 250);
  check(sharedI16 == -300);
  check(sharedFlag);
  check(LIMIT == 64);
  check(load<u8>(changetype<usize>(BANNER)) == 108);
  check(bump(5) == 105);
  check(counter == 105);            // the other file's write, seen here
  check(shared8 == 251);
  setCounter(1000);                 // imports are read-only (as in TypeScript): written there, read here
  check(counter == 1000);
  check(bump(1) == 1001);
  for (let i = 0; i < 5; i++) bump(0);
  check(shared8 == 1);              // 250 + 7 wrapped, as the other file stores it
  check(hidden == 9);
  check(hiddenValue() == 5);        // each file has its own non-exported global
  check(twice(5) == 10 && twiceHere(5) == 15); // and its own non-exported function
  mainSeen = 77;
  check(readMainSeen() == 77);      // this file's export, read by the other file
}

export function main(): i32 {
  initialised();
  zeroed();
  narrow();
  acrossFiles();
  return check_summary();
}
