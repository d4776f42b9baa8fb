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
