// The test library of the compiler tests (tests/cc/lib/start.s implements it).

/** Counts a check; a false one is reported with its file, line and source text. */
export declare function check(ok: bool): void;
/** Prints the counts; returns the number of failures (main returns it as the exit code). */
export declare function check_summary(): i32;
/** One byte to the serial console. */
export declare function putc(c: u8): void;
