// expect: 3:3: error: debugger statements are not in the subset (use the step/trace console)
export function main(): i32 {
  debugger;
  return 0;
}
