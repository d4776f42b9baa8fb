import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { runTs } from './harness.js';

const P = (f: string) => join(__dirname, 'programs', f);

describe('toy86 cc: the harness', () => {
  it('runs a program and reports a failing check with its source line', () => {
    const r = runTs([P('smoke.ts')]);
    expect(r.stop).toEqual({ kind: 'poweroff', code: 1 });
    expect(r.checks).toBe(4);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/smoke\.ts:14: check\(s == 46\);/);
  });
});

describe('the formatter (userland/lib/fmt.ts)', () => {
  it('formats %d %u %x %08x %s %c %p %% with widths, zero padding and left alignment', () => {
    const r = runTs([P('fmt.ts')]);
    expect(r.failures).toEqual([]);
    expect(r.checks).toBe(17);
    expect(r.out).toContain('fmt: ok 42\n');
    expect(r.stop).toEqual({ kind: 'poweroff', code: 0 });
  });
});
