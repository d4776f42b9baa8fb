// `toy86 debug` as a user runs it (SPEC §5, docs/cli.md): commands from a pipe or from -x FILE,
// each echoed after the prompt; the guest's console on stdout; the guest's exit code as the
// debugger's; one line and exit code 2 or 1 for a bad command line.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './harness.js';

const CLI = join(ROOT, 'tools', 'toy86.mjs');
let dir = '';

function toy86(args: string[], input = '') {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toy86-debug-'));
  writeFileSync(join(dir, 'hello.s'), `section .text
global _start
_start:
    mov esi, msg
next:
    mov al, [esi]
    test al, al
    jz done
    mov dx, 0x3f8
    out dx, al
    inc esi
    jmp next
done:
    mov al, 7
    out 0xf4, al
section .rodata
msg: db 'hi', 10, 0
`);
  const r = toy86(['asm', 'hello.s', '-o', 'hello.elf', '--base', '0x100000']);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('toy86 debug on the command line', () => {
  it('reads commands from a pipe, echoes them, and exits with the guest\'s code', () => {
    const r = toy86(['debug', 'boot', '--kernel', 'hello.elf'], 'break done\ncontinue\ninfo registers eip\nx/s msg\nprint $al\nbogus\ncontinue\n');
    expect(r.err).toBe('');
    expect(r.out).toBe(`(toy86) break done
Breakpoint 1 at 0x100018: file hello.s, line 14.
(toy86) continue
Continuing.
hi

Breakpoint 1, done () at hello.s:14
14	    mov al, 7
(toy86) info registers eip
eip            0x100018           0x100018 <done at hello.s:14>
(toy86) x/s msg
0x101000 <msg>:	"hi\\n"
(toy86) print $al
$1 = 0
(toy86) bogus
Undefined command: "bogus".  Try "help".
(toy86) continue
Continuing.
[Inferior 1 (toy86) exited with code 07]
`);
    expect(r.code).toBe(7);
  });

  it('runs -x FILE, then ends with --batch', () => {
    writeFileSync(join(dir, 'cmds'), 'stepi 3\nreverse-stepi 2\ninfo record\n');
    const r = toy86(['debug', 'boot', '--kernel', 'hello.elf', '-x', 'cmds', '--batch']);
    expect(r.out).toBe(`(toy86) stepi 3
next () at hello.s:8
8	    jz done
(toy86) reverse-stepi 2
6	    mov al, [esi]
(toy86) info record
Active record target: record-full
Replay mode:
Lowest recorded instruction number is 0.
Current instruction number is 1.
Highest recorded instruction number is 3.
Log contains 3 instructions.
Instructions executed (not counting idle time): 1.
Snapshots: 1, one every 16777216 instructions; console input and writes logged: 0.
`);
    expect(r.code).toBe(0);
  });

  it('--trace traces the session\'s run once: history re-run by reverse moves is not traced again', () => {
    writeFileSync(join(dir, 'cmds'), 'stepi 3\nreverse-stepi 2\nstepi 4\ncontinue\n');
    const r = toy86(['debug', 'boot', '--kernel', 'hello.elf', '-x', 'cmds', '--batch', '--trace', 'exec', '--trace-file', 'trace.txt']);
    expect(r.code).toBe(7);
    const lines = readFileSync(join(dir, 'trace.txt'), 'utf8').trim().split('\n');
    const counts = lines.map((l) => parseInt(l, 10));
    // One line per instruction executed, in order, none twice.
    expect(counts).toEqual(counts.map((_, i) => i));
    expect(lines[0]).toMatch(/^0 exec cpl=0 0x00100000 <_start>: mov esi, 0x101000$/);
    expect(lines[lines.length - 1]).toMatch(/ <done\+\d+>: out 0xf4, al$/);
    const bad = toy86(['debug', 'boot', '--kernel', 'hello.elf', '--trace', 'frob', '--batch']);
    expect(bad.err).toMatch(/^toy86 debug: --trace: unknown trace kind 'frob'/);
    expect(bad.code).toBe(2);
  });

  it('a bad command line is one line and exit code 2 or 1', () => {
    let r = toy86(['debug', 'frob']);
    expect(r.err).toBe("toy86 debug: debug: give boot or run, not 'frob'\n");
    expect(r.code).toBe(2);
    r = toy86(['debug', 'run', 'nosuch.ts']);
    expect(r.err).toBe("toy86 debug: cannot read program 'nosuch.ts': no such file\n");
    expect(r.code).toBe(1);
    r = toy86(['debug', 'boot', '--kernel', 'hello.elf', '-x', 'nosuch']);
    expect(r.err).toBe("toy86 debug: cannot read -x 'nosuch': no such file\n");
    expect(r.code).toBe(1);
    r = toy86(['debug', 'boot', '--kernel', 'hello.elf', '--mem', '3M'], 'quit\n');
    expect(r.code).toBe(0);
    r = toy86(['debug', 'boot', '--kernel', 'hello.elf', '--mem', '1001K']);
    expect(r.err).toMatch(/^toy86 debug: memory size must be a multiple of 4 KiB/);
    expect(r.code).toBe(2);
  });

  it('walk takes its modifiers together or apart, as docs/debugger.md writes them (walk/w/u, walk/wu)', () => {
    const r = toy86(['debug', 'run', 'demos/cow.ts'], 'catch fault pf\ncontinue\nwalk/w/u $cr2\nwalk/wu $cr2\nwalk /r/k $cr2\nwalk/q $cr2\n');
    expect(r.err).toBe('');
    const answers = r.out.split('(toy86) ').slice(3).map((a) => a.split('\n').slice(1).join('\n'));
    expect(answers[0]).toMatch(/^PDE\[/);
    expect(answers[0]).toMatch(/write by CPL 3/);
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toMatch(/read by CPL 0/);
    expect(answers[3]).toMatch(/^walk: unknown modifier 'q'/);
  });
});
