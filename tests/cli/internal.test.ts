// A bug in toy86 itself reaches the user as one line and exit code 70, never a stack trace
// (TOY86_DEBUG=1 adds the stack for whoever fixes it).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { internalError } from '../../tools/cli.js';

describe('internal errors', () => {
  const saved = { code: process.exitCode, debug: process.env.TOY86_DEBUG };
  afterEach(() => {
    process.exitCode = saved.code;
    if (saved.debug === undefined) delete process.env.TOY86_DEBUG; else process.env.TOY86_DEBUG = saved.debug;
    vi.restoreAllMocks();
  });

  function capture(run: () => void): string {
    let out = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
    run();
    vi.restoreAllMocks();
    return out;
  }

  it('is one line naming the command, with exit code 70', () => {
    delete process.env.TOY86_DEBUG;
    const out = capture(() => internalError('boot', new TypeError('x is undefined\n    at somewhere')));
    expect(out).toBe('toy86 boot: internal error: x is undefined (a bug in toy86; TOY86_DEBUG=1 shows where)\n');
    expect(process.exitCode).toBe(70);
  });

  it('adds the stack only under TOY86_DEBUG', () => {
    process.env.TOY86_DEBUG = '1';
    const out = capture(() => internalError('', new Error('boom')));
    expect(out.split('\n')[0]).toBe('toy86: internal error: boom (a bug in toy86; TOY86_DEBUG=1 shows where)');
    expect(out).toMatch(/\n\s+at /);
  });
});
