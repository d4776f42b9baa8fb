// expect: 9:3: error: delete is not in the subset
@unmanaged
class Point {
  x?: i32;
}

export function main(): i32 {
  const p = changetype<Point>(0x1000);
  delete p.x;
  return 0;
}
