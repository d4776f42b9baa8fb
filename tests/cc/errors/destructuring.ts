// expect: 9:9: error: destructuring is not in the subset
@unmanaged
class Point {
  x: i32;
  y: i32;
}

export function main(): i32 {
  const { x, y } = changetype<Point>(0x1000);
  return x + y;
}
