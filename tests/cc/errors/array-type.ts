// expect: 2:17: error: arrays are not in the subset (use memory.data for static memory, load and store to reach it)
function sum(a: i32[], n: i32): i32 {
  return n;
}

export function main(): i32 { return 0; }
