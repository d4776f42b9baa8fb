// The user library's malloc (userland/lib/malloc.ts) and string functions (userland/lib/string.ts),
// SPEC §4.5, tested as users run programs: /bin/ut-libc runs inside the OS as init (`toy86 run`),
// checks every byte of its blocks, that freed memory is used again and merged, that the heap
// grows by brk only as it must, out of memory as 0, and C's string functions; it prints each
// failure and exits with their number.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = join(__dirname, '..', '..');

describe('the user library', () => {
  it('malloc, free, calloc, realloc and the string functions pass ut-libc inside the OS', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'toy86.mjs'), 'run', join(ROOT, 'userland', 'bin', 'ut-libc.ts')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toMatch(/^ut-libc: \d+ checks, 0 failed$/m);
    expect(r.stdout).not.toContain('FAIL');
    expect(Number(/ut-libc: (\d+) checks/.exec(r.stdout)![1])).toBeGreaterThan(200);
    expect(r.status).toBe(0);
  }, 120_000);
});
