// expect: 5:3: error: classes with methods are not in the subset: an @unmanaged class holds fields only (found methods)
@unmanaged
class Point {
  x: i32;
  norm(): i32 { return 0; }
}

export function main(): i32 { return 0; }
