// `toy86 web` and `toy86 boot --stats` on bad input: one line on stderr and exit code 2 (usage)
// or 1 (a socket or port that cannot be used), never a stack trace (SPEC §5).

import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');

function toy86(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, input: '' });
  return { code: r.status, stderr: r.stderr };
}

describe('toy86 web and boot --stats: mistakes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toy86-web-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['web', '--port', '70000'], 2, "toy86 web: --port: 70000 is not a port (0 to 65535)\n"],
    [['web', '--port', 'eighty'], 2, "toy86 web: --port: 'eighty' is not a number\n"],
    [['web', '--max-sessions', '0'], 2, 'toy86 web: --max-sessions: give a whole number, at least 1 (got 0)\n'],
    [['web', '--trace', 'pf'], 2, "toy86 web: --trace is for boot and run: each page's machine has its own terminal\n"],
    [['web', '--mem', '3K'], 2, 'toy86 web: memory size must be a multiple of 4 KiB from 1 MiB to 512 MiB (got 3072 bytes)\n'],
    [['boot', '--stats', join(dir, 'missing.sock')], 1, `toy86 boot: cannot connect to --stats '${join(dir, 'missing.sock')}': no such socket\n`],
  ])('toy86 %j: exit %i', (args, code, stderr) => {
    const r = toy86(args as string[]);
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(code);
  });

  it('boot --stats on a file that is not a listening socket', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    const r = toy86(['boot', '--stats', file]);
    expect(r.stderr).toBe(`toy86 boot: cannot connect to --stats '${file}': nothing listens there\n`);
    expect(r.code).toBe(1);
  });

  it('web on a port in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => setImmediate(() => resolve(toy86(['web', '--port', String(port)]))));
      expect(r.stderr).toBe(`toy86 web: cannot listen on 127.0.0.1:${port}: the port is in use\n`);
      expect(r.code).toBe(1);
    } finally {
      busy.close();
    }
  });
});
