// The second file of globals.ts: globals and functions it exports, and one global it imports back.
import { mainSeen } from './globals';

export let counter: i32 = 100;
export let shared8: u8 = 250;
export let sharedI16: i16 = -300;
export let sharedZero: u32;
export let sharedFlag: bool = true;
export const LIMIT: i32 = 64;
export const BANNER = "lib";

let hidden: i32 = 5;                 // not exported: the other file has its own `hidden`

export function bump(by: i32): i32 {
  counter += by;
  shared8 += 1;
  return counter;
}

export function setCounter(v: i32): void { counter = v; }

export function hiddenValue(): i32 { return hidden; }

export function readMainSeen(): i32 { return mainSeen; }

// A non-exported function with the same name as one in globals.ts: each file calls its own.
function twice(x: i32): i32 { return x * 3; }

export function twiceHere(x: i32): i32 { return twice(x); }
