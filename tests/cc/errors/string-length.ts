// expect: 4:10: error: string length is not in the subset (use strlen from the library)
export function main(): i32 {
  const s = "toy86";
  return s.length;
}
