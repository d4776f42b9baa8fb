// expect: 4:3: error: labelled statements are not in the subset
export function main(): i32 {
  let n = 0;
  outer: for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      if (j == 1) continue outer;
      n++;
    }
  }
  return n;
}
