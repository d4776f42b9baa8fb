// expect: 3:20: error: 'null' is not in the subset: use 0
export function main(): i32 {
  const p: usize = null;
  return p;
}
