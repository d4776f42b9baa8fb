// `toy86 web` checks its machine flags once when it starts (docs/cli.md, docs/web.md): a kernel
// file that is missing is exit code 1 and one line naming it, as for boot — with --kernel and no
// --disk, no disk is attached, so nothing asks for --snapshot's disk.

import { describe, it, expect } from 'vitest';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');

describe('toy86 web: the flags checked at start', () => {
  it('a missing --kernel is one line and exit code 1', () => {
    const r = spawnSync(process.execPath, [CLI, 'web', '--kernel', 'no-such-kernel.elf'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("toy86 web: cannot read kernel 'no-such-kernel.elf': no such file\n");
  });
});
