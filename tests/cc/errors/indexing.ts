// expect: 5:10: error: indexing is not in the subset (arrays are not; use load<T>(ptr, offset))
export function main(): i32 {
  const buf: usize = memory.data(16);
  let i = 3;
  return buf[i];
}
