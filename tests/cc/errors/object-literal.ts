// expect: 3:13: error: object literals are not in the subset (use an @unmanaged class in static memory)
export function main(): i32 {
  const p = { x: 1, y: 2 };
  return p.x;
}
