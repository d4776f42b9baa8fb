// expect: 8:10: error: 'this' is not in the subset (classes with methods are not)
@unmanaged
class Point {
  x: i32;
}

function getX(this: Point): i32 {
  return this.x;
}

export function main(): i32 { return 0; }
