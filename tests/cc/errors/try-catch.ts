// expect: 3:3: error: exceptions (throw, try) are not in the subset
export function main(): i32 {
  try {
    return 1;
  } catch (e) {
    return 2;
  }
}
