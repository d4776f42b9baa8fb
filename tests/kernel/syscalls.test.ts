// One list of system calls (kernel/syscall.ts's SYS enum) builds both the kernel's table and the
// user stubs: the generated files are up to date, and every call on the list has a handler.
// Regenerate with: UPDATE_STUBS=1 npx vitest run tests/kernel/syscalls.test.ts

import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syscalls, stubsSource, declarationsSource } from '../../tools/userland.js';

const ROOT = join(__dirname, '..', '..');

describe('the system-call list', () => {
  it('generated userland/lib/sys.s and sys.ts match kernel/syscall.ts', () => {
    const files: [string, string][] = [['userland/lib/sys.s', stubsSource()], ['userland/lib/sys.ts', declarationsSource()]];
    for (const [f, text] of files) {
      if (process.env.UPDATE_STUBS) writeFileSync(join(ROOT, f), text);
      expect(readFileSync(join(ROOT, f), 'utf8'), `${f} is out of date: run UPDATE_STUBS=1 npx vitest run tests/kernel/syscalls.test.ts`).toBe(text);
    }
  });

  it('every call on the list has its handler in the kernel table, with Linux i386 numbers', () => {
    const src = readFileSync(join(ROOT, 'kernel', 'syscall.ts'), 'utf8');
    const linux: Record<string, number> = { exit: 1, fork: 2, read: 3, write: 4, open: 5, close: 6, waitpid: 7, execve: 11, getpid: 20, kill: 37, brk: 45, getppid: 64, fstat: 108, sched_yield: 158, nanosleep: 162, munmap: 91, mprotect: 125, mmap2: 192 };
    for (const s of syscalls()) {
      expect(src, `SYS.${s.name} has no handler`).toContain(`set(SYS.${s.name}, sys_${s.name});`);
      if (linux[s.name] !== undefined) expect(s.number, s.name).toBe(linux[s.name]);
    }
  });
});
