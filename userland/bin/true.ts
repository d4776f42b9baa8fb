// true: exits with 0.
export function main(argc: i32, argv: usize): i32 {
  return 0;
}
