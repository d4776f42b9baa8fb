// C's string and memory functions (SPEC §4.5), on NUL-terminated strings at addresses. strlen
// lives in fmt.ts (printf needs it) and is exported from here too.

import { strlen } from './fmt';
import { malloc } from './malloc';
export { strlen } from './fmt';

/** Fills n bytes at d with the byte c; returns d. */
export function memset(d: usize, c: u32, n: u32): usize {
  for (let i: u32 = 0; i < n; i++) store<u8>(d, <u8>c, i);
  return d;
}

/** Copies n bytes from s to d (the ranges must not overlap); returns d. */
export function memcpy(d: usize, s: usize, n: u32): usize {
  let i: u32 = 0;
  if (((d | s) & 3) == 0) for (; i + 4 <= n; i += 4) store<u32>(d, load<u32>(s, i), i);
  for (; i < n; i++) store<u8>(d, load<u8>(s, i), i);
  return d;
}

/** Copies n bytes from s to d, the ranges may overlap; returns d. */
export function memmove(d: usize, s: usize, n: u32): usize {
  if (d <= s || d >= s + n) return memcpy(d, s, n);
  for (let i = n; i > 0; i--) store<u8>(d, load<u8>(s, i - 1), i - 1);
  return d;
}

/** <0, 0 or >0 as the first n bytes at a compare with those at b (as unsigned bytes). */
export function memcmp(a: usize, b: usize, n: u32): i32 {
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(a, i), y = load<u8>(b, i);
    if (x != y) return <i32>x - <i32>y;
  }
  return 0;
}

/** Copies the string s, its NUL included, to d; returns d. */
export function strcpy(d: usize, s: usize): usize {
  let i: u32 = 0;
  while (true) {
    const c = load<u8>(s, i);
    store<u8>(d, c, i);
    if (c == 0) return d;
    i++;
  }
}

/** C's strncpy: at most n bytes of s to d, padded with NULs to n (no NUL when s is n or longer). */
export function strncpy(d: usize, s: usize, n: u32): usize {
  let i: u32 = 0;
  for (; i < n && load<u8>(s, i) != 0; i++) store<u8>(d, load<u8>(s, i), i);
  for (; i < n; i++) store<u8>(d, 0, i);
  return d;
}

/** Appends s to the string at d; returns d. */
export function strcat(d: usize, s: usize): usize {
  strcpy(d + strlen(d), s);
  return d;
}

/** <0, 0 or >0 as the string a sorts before, with or after b (unsigned bytes). */
export function strcmp(a: usize, b: usize): i32 {
  let i: u32 = 0;
  while (true) {
    const x = load<u8>(a, i), y = load<u8>(b, i);
    if (x != y) return <i32>x - <i32>y;
    if (x == 0) return 0;
    i++;
  }
}

/** strcmp of at most n bytes. */
export function strncmp(a: usize, b: usize, n: u32): i32 {
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(a, i), y = load<u8>(b, i);
    if (x != y) return <i32>x - <i32>y;
    if (x == 0) return 0;
  }
  return 0;
}

/** The first c in the string s (its NUL if c is 0), or 0. */
export function strchr(s: usize, c: u32): usize {
  let i: u32 = 0;
  while (true) {
    const x = load<u8>(s, i);
    if (x == <u8>c) return s + i;
    if (x == 0) return 0;
    i++;
  }
}

/** The last c in the string s, or 0. */
export function strrchr(s: usize, c: u32): usize {
  let found: usize = 0;
  let i: u32 = 0;
  while (true) {
    const x = load<u8>(s, i);
    if (x == <u8>c) found = s + i;
    if (x == 0) return found;
    i++;
  }
}

/** A copy of the string s in memory from malloc, or 0. */
export function strdup(s: usize): usize {
  const n = strlen(s) + 1;
  const d = malloc(n);
  return d == 0 ? 0 : memcpy(d, s, n);
}
