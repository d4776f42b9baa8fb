// expect: 2:1: error: interfaces are not in the subset (objects are not; use an @unmanaged class for a structure)
interface Point {
  x: i32;
}

export function main(): i32 { return 0; }
