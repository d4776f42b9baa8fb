// ut-args [MODE ARGS...]: a helper that usertests runs through execve. It first checks the stack
// it was started with (SPEC §4.5: argc, the argv pointers, a NULL, the environment's NULL, the
// strings above them, all below 0xC0000000), then does what MODE says; its exit status is the
// answer usertests checks.
//
//   (no MODE)      exit with argc
//   argc           exit with argc
//   code N         exit with N
//   len            exit with the total length of the arguments after MODE (mod 256)
//   fd3            reads 7 bytes from descriptor 3 (inherited across execve): 0 if "Welcome"
//   fresh          0 if the data, bss and heap are those of a new program (nothing of the caller)
//   spin           loops forever (to be killed)
//   sleep          sleeps for 100 s (to be killed)
//
// Statuses 200–209 say the stack was wrong.

import { streq, atoi, arg } from '../lib/ulib';
import { read, brk, nanosleep } from '../lib/sys';

let initialised: i32 = 1234;
const zeroed = memory.data(8192, 4096);
const buf = memory.data(16, 4);
const ts = memory.data<u32>([100, 0]);

function checkstack(argc: i32, argv: usize): i32 {
  if (argc < 1 || argc > 32) return 200;
  if (load<usize>(argv, <u32>argc * 4) != 0) return 201;        // argv's NULL
  if (load<usize>(argv, <u32>argc * 4 + 4) != 0) return 202;    // the environment's NULL
  // [esp] held argc just below argv.
  if (load<i32>(argv - 4) != argc) return 203;
  for (let i = 0; i < argc; i++) {
    const s = arg(argv, i);
    if (s <= argv + <u32>argc * 4 + 4 || s >= 0xC0000000) return 204;
  }
  return 0;
}

export function main(argc: i32, argv: usize): i32 {
  const bad = checkstack(argc, argv);
  if (bad != 0) return bad;
  if (argc < 2) return argc;
  const mode = arg(argv, 1);
  if (streq(mode, changetype<usize>("argc"))) return argc;
  if (streq(mode, changetype<usize>("code"))) return argc > 2 ? atoi(arg(argv, 2)) : 0;
  if (streq(mode, changetype<usize>("len"))) {
    let n: u32 = 0;
    for (let i = 2; i < argc; i++) {
      let s = arg(argv, i);
      while (load<u8>(s) != 0) { n++; s++; }
    }
    return <i32>(n & 0xff);
  }
  if (streq(mode, changetype<usize>("fd3"))) {
    if (read(3, buf, 7) != 7) return 1;
    return streq7(buf, changetype<usize>("Welcome")) ? 0 : 2;
  }
  if (streq(mode, changetype<usize>("fresh"))) {
    if (initialised != 1234) return 1;
    for (let i: u32 = 0; i < 8192; i += 4) if (load<u32>(zeroed, i) != 0) return 2;
    const top = brk(0);
    // The heap starts empty, right after the bss (page-aligned).
    if ((top & 0xfff) != 0 || top < zeroed + 8192) return 3;
    return 0;
  }
  if (streq(mode, changetype<usize>("spin"))) {
    while (true) {}
  }
  if (streq(mode, changetype<usize>("sleep"))) {
    nanosleep(ts, 0);
    return 0;
  }
  return 199;
}

function streq7(a: usize, b: usize): bool {
  for (let i: u32 = 0; i < 7; i++) if (load<u8>(a, i) != load<u8>(b, i)) return false;
  return true;
}
