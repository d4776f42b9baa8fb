// Loops: while, do-while, for (every part optional), break, continue, nested loops, loops whose
// body never runs, and continue in do and for (it goes to the condition / the update).
import { check, check_summary } from '../lib/check';

let gi: i32 = 0;

function whileLoops(): void {
  let i = 0;
  let s = 0;
  while (i < 10) { s += i; i++; }
  check(s == 45 && i == 10);
  // A body that never runs.
  let n = 0;
  while (i < 5) n++;
  check(n == 0);
  // break and continue.
  i = 0; s = 0;
  while (true) {
    i++;
    if (i % 2 == 0) continue;
    if (i > 9) break;
    s += i;
  }
  check(s == 25 && i == 11);      // 1 + 3 + 5 + 7 + 9
  // A global as the loop variable.
  gi = 3;
  s = 0;
  while (gi > 0) { s += gi; gi--; }
  check(s == 6 && gi == 0);
  // Counting down an unsigned value to zero.
  let u: u32 = 5;
  let c = 0;
  while (u != 0) { u--; c++; }
  check(c == 5 && u == 0);
  // A narrow counter that wraps ends the loop.
  let b: u8 = 250;
  c = 0;
  while (b != 0) { b++; c++; }
  check(c == 6);
}

function doLoops(): void {
  let i = 0;
  let s = 0;
  do { s += i; i++; } while (i < 5);
  check(s == 10 && i == 5);
  // The body runs once even when the condition is false.
  let n = 0;
  do n++; while (false);
  check(n == 1);
  i = 100;
  n = 0;
  do { n++; } while (i < 5);
  check(n == 1);
  // continue goes to the condition.
  i = 0; s = 0;
  do {
    i++;
    if (i == 3) continue;
    s += i;
  } while (i < 5);
  check(s == 12 && i == 5);       // 1 + 2 + 4 + 5
  // break.
  i = 0;
  do {
    i++;
    if (i == 7) break;
  } while (true);
  check(i == 7);
}

function forLoops(): void {
  let s = 0;
  for (let i = 0; i < 10; i++) s += i;
  check(s == 45);
  // continue goes to the update.
  s = 0;
  for (let i = 0; i < 10; i++) {
    if (i % 3 != 0) continue;
    s += i;
  }
  check(s == 18);                 // 0 + 3 + 6 + 9
  // break.
  let last = 0;
  for (let i = 0; i < 100; i++) {
    last = i;
    if (i * i > 50) break;
  }
  check(last == 8);
  // Empty parts.
  let j = 0;
  for (; j < 4;) j++;
  check(j == 4);
  let k = 0;
  for (;;) { k++; if (k == 6) break; }
  check(k == 6);
  // An existing variable, an update that is an assignment, a descending loop.
  let m = 0;
  s = 0;
  for (m = 10; m > 0; m -= 3) s += m;
  check(s == 22 && m == -2);      // 10 + 7 + 4 + 1
  // A body that never runs.
  let n = 0;
  for (let i = 5; i < 5; i++) n++;
  check(n == 0);
  // Loop variables of each kind.
  let cu = 0;
  for (let u: u32 = 0xfffffffd; u != 0; u++) cu++;
  check(cu == 3);
  let cb = 0;
  for (let b: i8 = 120; b > 0; b += 4) cb++;
  check(cb == 2);                 // 120, 124, then 128 wraps to -128
  let cw = 0;
  for (let w: u16 = 0; w < 1000; w += 100) cw++;
  check(cw == 10);
}

function nested(): void {
  let s = 0;
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      if (j > i) break;            // only the inner loop
      s += 1;
    }
  }
  check(s == 15);
  s = 0;
  for (let i = 0; i < 4; i++) {
    let j = 0;
    while (j < 4) {
      j++;
      if (j == 2) continue;        // the inner loop's continue
      s += 10;
    }
    if (i == 2) continue;          // the outer loop's continue
    s += 1;
  }
  check(s == 123);                 // 4 * 30 + 3
  // Three deep, with the innermost breaking out of its own loop only.
  let count = 0;
  let i = 0;
  do {
    for (let j = 0; j < 3; j++) {
      let k = 0;
      while (true) {
        if (k == j) break;
        count++;
        k++;
      }
    }
    i++;
  } while (i < 2);
  check(count == 6);              // (0 + 1 + 2) * 2
  // A switch inside a loop: break leaves the switch, continue the loop.
  s = 0;
  for (let x = 0; x < 6; x++) {
    switch (x) {
      case 1: s += 1; break;
      case 2: continue;
      case 3: s += 100; break;
      default: s += 1000;
    }
    s += 10000;
  }
  check(s == 53101);              // x=0,4,5: 1000 each; x=1: 1; x=3: 100; +10000 for all but x=2
}

function primes(): i32 {
  let count = 0;
  for (let n = 2; n < 200; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d == 0) { prime = false; break; }
    }
    if (prime) count++;
  }
  return count;
}

export function main(): i32 {
  whileLoops();
  doLoops();
  forLoops();
  nested();
  check(primes() == 46);
  return check_summary();
}
