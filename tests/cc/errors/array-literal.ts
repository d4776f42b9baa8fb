// expect: 3:11: error: arrays are not in the subset (use memory.data for static memory)
export function main(): i32 {
  let a = [1, 2, 3];
  return 0;
}
