// expect: 4:12: error: 'null' is not in the subset: use 0
export function main(): i32 {
  const p: usize = memory.data(4);
  if (p == null) return 1;
  return 0;
}
