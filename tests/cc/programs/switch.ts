// switch: cases fall through until a break, several labels on one body, default anywhere
// (first, in the middle, last) and taken only when no case matches, no match without a default,
// the discriminant evaluated once, constant and enum case values, negative and unsigned values.
import { check, check_summary } from '../lib/check';

const enum Color { Red = 1, Green = 2, Blue = 4 }

let evaluated: i32 = 0;

function disc(v: i32): i32 { evaluated++; return v; }

function fallthrough(x: i32): i32 {
  let r = 0;
  switch (x) {
    case 1: r += 1;
    case 2: r += 10;
    case 3: r += 100; break;
    case 4: r += 1000;
  }
  return r;
}

function defaultInMiddle(x: i32): i32 {
  let r = 0;
  switch (x) {
    case 1: r = 1; break;
    default: r = 99;
    case 2: r += 2; break;
    case 3: r = 3; break;
  }
  return r;
}

function defaultFirst(x: i32): i32 {
  switch (x) {
    default: return -1;
    case 5: return 5;
    case 6: return 6;
  }
}

function shared(x: i32): i32 {
  switch (x) {
    case 0:
    case 1:
    case 2: return 10;
    case 3:
    default:
    case 4: return 20;
    case 5: return 30;
  }
}

function noDefault(x: i32): i32 {
  let r = 7;
  switch (x) {
    case 1: r = 1; break;
    case 2: r = 2; break;
  }
  return r;
}

function signs(x: i32): i32 {
  switch (x) {
    case -1: return 1;
    case -2147483647 - 1: return 2;
    case 0x7fffffff: return 3;
    case 0: return 4;
  }
  return 0;
}

function unsignedDisc(x: u32): i32 {
  switch (x) {
    case 0xffffffff: return 1;
    case 0x80000000: return 2;
    default: return 0;
  }
}

function narrowDisc(x: u8): i32 {
  switch (x) {
    case 255: return 1;
    case 0: return 2;
    default: return 3;
  }
}

function colors(c: Color): i32 {
  switch (c) {
    case Color.Red: return 10;
    case Color.Green: return 20;
    case Color.Blue: return 40;
  }
  return 0;
}

export function main(): i32 {
  check(fallthrough(1) == 111);
  check(fallthrough(2) == 110);
  check(fallthrough(3) == 100);
  check(fallthrough(4) == 1000);
  check(fallthrough(5) == 0);
  check(defaultInMiddle(1) == 1);
  check(defaultInMiddle(2) == 2);
  check(defaultInMiddle(3) == 3);
  check(defaultInMiddle(7) == 101);   // default falls through into case 2
  check(defaultFirst(5) == 5);
  check(defaultFirst(6) == 6);
  check(defaultFirst(0) == -1);
  check(shared(0) == 10);
  check(shared(2) == 10);
  check(shared(3) == 20);
  check(shared(4) == 20);
  check(shared(5) == 30);
  check(shared(-9) == 20);
  check(noDefault(1) == 1);
  check(noDefault(2) == 2);
  check(noDefault(3) == 7);
  check(signs(-1) == 1);
  check(signs(-2147483647 - 1) == 2);
  check(signs(0x7fffffff) == 3);
  check(signs(0) == 4);
  check(signs(1) == 0);
  check(unsignedDisc(0xffffffff) == 1);
  check(unsignedDisc(0x80000000) == 2);
  check(unsignedDisc(0x7fffffff) == 0);
  check(narrowDisc(255) == 1);
  check(narrowDisc(-1) == 1);        // the argument wraps to 255
  check(narrowDisc(256) == 2);
  check(narrowDisc(7) == 3);
  check(colors(Color.Red) == 10);
  check(colors(Color.Green) == 20);
  check(colors(Color.Blue) == 40);
  // The discriminant is evaluated once, even when nothing matches.
  evaluated = 0;
  let r = 0;
  switch (disc(3)) {
    case 1: r = 1; break;
    case 2: r = 2; break;
    case 3: r = 3; break;
  }
  check(r == 3 && evaluated == 1);
  evaluated = 0;
  switch (disc(9)) {
    case 1: r = 1; break;
    case 2: r = 2; break;
  }
  check(r == 3 && evaluated == 1);
  // An empty switch and a switch on an expression.
  switch (r) {}
  let a = 2;
  let b = 3;
  switch (a * b + 1) {
    case 6: r = 60; break;
    case 7: r = 70; break;
  }
  check(r == 70);
  // A switch in a loop, with the loop variable.
  let s = 0;
  for (let i = 0; i < 5; i++) {
    switch (i) {
      case 0: case 2: case 4: s += i; break;
      default: s += 100;
    }
  }
  check(s == 206);
  return check_summary();
}
