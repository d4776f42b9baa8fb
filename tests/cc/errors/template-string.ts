// expect: 4:13: error: template strings with substitutions are not in the subset (use the formatter)
export function main(): i32 {
  const n = 3;
  const s = `n = ${n}`;
  return 0;
}
