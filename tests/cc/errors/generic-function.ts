// expect: 2:1: error: generic functions are not in the subset (only the intrinsics take type arguments)
function id<T>(x: T): T {
  return x;
}

export function main(): i32 { return id<i32>(1); }
