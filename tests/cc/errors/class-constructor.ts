// expect: 5:3: error: classes with methods are not in the subset: an @unmanaged class holds fields only (found constructors)
@unmanaged
class Point {
  x: i32;
  constructor(x: i32) { }
}

export function main(): i32 { return 0; }
