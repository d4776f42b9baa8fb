// expect: 8:13: error: 'new' is not in the subset (objects are not; structures live in static memory or at an address)
@unmanaged
class Point {
  x: i32;
}

export function main(): i32 {
  const p = new Point();
  return p.x;
}
