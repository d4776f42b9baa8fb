// expect: 10:3: error: for...of and for...in are not in the subset (arrays and objects are not)
@unmanaged
class Point {
  x: i32;
}

export function main(): i32 {
  const p = changetype<Point>(0x1000);
  let n = 0;
  for (const k in p) n++;
  return n;
}
