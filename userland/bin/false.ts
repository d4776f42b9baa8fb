// false: exits with 1.
export function main(argc: i32, argv: usize): i32 {
  return 1;
}
