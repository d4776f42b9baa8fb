// divzero: divides by zero: #DE, SIGFPE.
import { printf, atoi, arg } from '../lib/ulib';
export function main(argc: i32, argv: usize): i32 {
  const d = argc > 1 ? atoi(arg(argv, 1)) : 0;
  printf("divzero: 1 / %d\n", d);
  return 1 / d;
}
