// expect: 2:1: error: classes are not in the subset, except @unmanaged structures: mark 'Point' @unmanaged and give it fields only
class Point {
  x: i32;
  y: i32;
}

export function main(): i32 { return 0; }
