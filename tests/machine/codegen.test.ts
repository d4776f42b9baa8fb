// The generated interpreter stays within what TurboFan optimises (PERFORMANCE.md): functions over
// 60 KiB of bytecode are never optimised and run about ten times slower. Source length is the
// proxy measured here (the hot loop's ~36 K characters compile to ~35 KiB of bytecode).

import { describe, it, expect } from 'vitest';
import { functionSizes } from '../../emulator/cpu/codegen.js';

describe('generated interpreter', () => {
  it('every generated function is small enough to be optimised', () => {
    const sizes = functionSizes();
    expect(sizes.has('run')).toBe(true);
    expect([...sizes.keys()].some((k) => /^warm\d+$/.test(k))).toBe(true);
    expect([...sizes.keys()].some((k) => /^cold\d+$/.test(k))).toBe(true);
    const tooBig = [...sizes].filter(([, n]) => n > 45_000).map(([k, n]) => `${k}: ${n} characters`);
    expect(tooBig).toEqual([]);
  });
});
