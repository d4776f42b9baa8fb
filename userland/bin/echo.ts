// echo [WORD...]: the words, separated by spaces, and a newline.

import { printf, arg } from '../lib/ulib';

export function main(argc: i32, argv: usize): i32 {
  for (let i = 1; i < argc; i++) printf(i + 1 < argc ? "%s " : "%s", arg(argv, i));
  printf("\n");
  return 0;
}
