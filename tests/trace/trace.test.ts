// Tracing (issue 7; tools/debugger/trace.ts): golden lines of each kind on a bare-metal program
// (bare.s) and on the kernel running a small user program as init (tprog.s); hooks only while a
// trace is on; `--trace` and `--trace-file` on `toy86 boot`.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Machine } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';
import { assemble, link } from '../../tools/asm/index.js';
import { readElf } from '../../tools/asm/elf.js';
import { buildKernel } from '../../tools/kernel.js';
import { buildImage } from '../../tools/mkdisk/build.js';
import { startTrace, symbolizer, parseTraceSpec, TraceSpecError, traceSink, TraceWriteError } from '../../tools/debugger/trace.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', '..', 'tools', 'toy86.mjs');

const bare = link([assemble(join(HERE, 'bare.s'))], { base: 0x100000 });

/** Runs bare.s with a trace of `kinds`; returns the lines and what the machine did. */
function traceBare(kinds: string[]): { lines: string[]; debug: string; m: Machine } {
  let debug = '';
  const m = new Machine({ onDebugOutput: (b) => { debug += String.fromCharCode(b); } });
  m.loadKernel(bare);
  const lines: string[] = [];
  const stop = startTrace(m, kinds, (l) => lines.push(l), symbolizer([m.kernel]));
  const r = m.run(100_000);
  stop();
  expect(r).toEqual({ kind: 'poweroff', code: 0 });
  return { lines, debug, m };
}

describe('trace kinds on a bare-metal program', () => {
  it('int, io, tlb and pages: every event, in order, one line each', () => {
    const { lines, debug } = traceBare(['int', 'io', 'tlb', 'pages']);
    expect(debug).toBe('x');
    expect(lines).toEqual([
      '5128 tlb cpl=0 flush eip=0x00100045 <_start.pte+0x33>: mov cr3, eax',
      '5131 tlb cpl=0 flush all eip=0x00100051 <_start.pte+0x3f>: mov cr0, eax',
      '5132 tlb cpl=0 fill 0x00100000 -> 0x00100000 user rw eip=0x00100054 <_start.pte+0x42>: mov eax, 0x10010a',
      '5135 tlb cpl=0 fill 0x00008000 -> 0x00008000 user rw dirty eip=0x00100066 <_start.pte+0x54>: call 0x001000b9 <gate>',
      '5139 tlb cpl=0 fill 0x00104000 -> 0x00104000 user rw dirty eip=0x001000c7 <gate+0xe>: mov [ecx*8+0x104000], eax',
      '5156 tlb cpl=0 fill 0x00101000 -> 0x00101000 user rw eip=0x00100082 <_start.pte+0x70>: lidt [0x101000]',
      '5166 page cpl=3 cr3=0x00102000 0x00200000',
      '5166 tlb cpl=3 fill 0x00200000 -> 0x00200000 user rw eip=0x001000e0 <user>: mov eax, [0x200000]',
      '5167 page cpl=3 cr3=0x00102000 0x00300000 fault',
      '5167 int cpl=3 vec=14 #PF err=0x0006 (not-present user write) cr2=0x00300000 eip=0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
      '5172 tlb cpl=0 fill 0x00103000 -> 0x00103000 user rw dirty eip=0x00100118 <pf_handler+0xe>: mov [0x103c00], eax',
      '5174 tlb cpl=0 invlpg 0x00300000 eip=0x00100123 <pf_handler+0x19>: invlpg [eax]',
      '5178 tlb cpl=3 fill 0x00300000 -> 0x00300000 user rw dirty eip=0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
      '5179 int cpl=3 vec=48 int 0x30 eip=0x001000f6 <user+0x16> after 0x001000f3 <user+0x13>: int 0x30',
      '5182 io cpl=3 out port=0x00e9 size=8 value=0x78 eip=0x001000f9 <user+0x19>: out 0xe9, al',
      '5185 io cpl=3 out port=0x00f4 size=8 value=0x00 eip=0x00100107 <user+0x27>: out 0xf4, al',
    ]);
  });

  it('pf: the page faults only', () => {
    expect(traceBare(['pf']).lines).toEqual([
      '5167 pf cpl=3 vec=14 #PF err=0x0006 (not-present user write) cr2=0x00300000 eip=0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
    ]);
  });

  it('exec: every instruction with its count, CPL, <symbol+offset> and disassembly', () => {
    const { lines, m } = traceBare(['exec']);
    expect(lines.length).toBe(m.clock);
    expect(lines.slice(0, 3)).toEqual([
      '0 exec cpl=0 0x00100000 <_start>: mov edi, 0x103000',
      '1 exec cpl=0 0x00100006 <_start+0x6>: mov eax, 0x7',
      '2 exec cpl=0 0x0010000c <_start+0xc>: mov ecx, 0x400',
    ]);
    const from = lines.findIndex((l) => l.includes('<user>'));
    expect(lines.slice(from)).toEqual([
      '5166 exec cpl=3 0x001000e0 <user>: mov eax, [0x200000]',
      '5167 exec cpl=3 0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
      '5168 exec cpl=0 0x0010010a <pf_handler>: push eax',
      '5169 exec cpl=0 0x0010010c <pf_handler+0x2>: mov eax, cr2',
      '5170 exec cpl=0 0x0010010f <pf_handler+0x5>: and eax, -0x1000',
      '5171 exec cpl=0 0x00100115 <pf_handler+0xb>: or eax, 0x7',
      '5172 exec cpl=0 0x00100118 <pf_handler+0xe>: mov [0x103c00], eax',
      '5173 exec cpl=0 0x00100120 <pf_handler+0x16>: mov eax, cr2',
      '5174 exec cpl=0 0x00100123 <pf_handler+0x19>: invlpg [eax]',
      '5175 exec cpl=0 0x00100127 <pf_handler+0x1d>: pop eax',
      '5176 exec cpl=0 0x00100129 <pf_handler+0x1f>: add esp, 0x4',
      '5177 exec cpl=0 0x0010012c <pf_handler+0x22>: iretd',
      '5178 exec cpl=3 0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
      '5179 exec cpl=3 0x001000f3 <user+0x13>: int 0x30',
      '5180 exec cpl=0 0x0010012e <sys_handler>: iretd',
      '5181 exec cpl=3 0x001000f6 <user+0x16>: mov al, 0x78',
      '5182 exec cpl=3 0x001000f9 <user+0x19>: out 0xe9, al',
      '5183 exec cpl=3 0x001000fc <user+0x1c>: mov eax, [0x200000]',
      '5184 exec cpl=3 0x00100104 <user+0x24>: mov al, 0x0',
      '5185 exec cpl=3 0x00100107 <user+0x27>: out 0xf4, al',
    ]);
    // Local labels name addresses in their function.
    expect(lines).toContain('5 exec cpl=0 0x0010001c <_start.pte+0xa>: add edi, 0x4');
  });

  it('exec with the others: each event follows its instruction and carries its count', () => {
    const { lines } = traceBare(['exec', 'int', 'io']);
    const at = lines.indexOf('5182 exec cpl=3 0x001000f9 <user+0x19>: out 0xe9, al');
    expect(lines[at + 1]).toBe('5182 io cpl=3 out port=0x00e9 size=8 value=0x78 eip=0x001000f9 <user+0x19>: out 0xe9, al');
    const pf = lines.indexOf('5167 exec cpl=3 0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234');
    expect(lines[pf + 1]).toMatch(/^5167 int cpl=3 vec=14 #PF/);
    expect(lines[pf + 2]).toBe('5168 exec cpl=0 0x0010010a <pf_handler>: push eax');
  });

  it('an event\'s instruction is the one the exec trace shows at its count', () => {
    // At full speed (no exec) and single-stepped (with exec) alike: the int, io and tlb lines
    // (fill, evict, flush, invlpg) name the instruction of their count (an INT n's: the one before
    // its pushed EIP).
    const fast = traceBare(['int', 'io', 'tlb']).lines;
    const { lines } = traceBare(['exec', 'int', 'io', 'tlb']);
    const execAt = new Map<number, string>();
    for (const l of lines) {
      const m = /^(\d+) exec cpl=\d (0x[0-9a-f]{8}(?: <[^>]+>)?: .*)$/.exec(l);
      if (m) execAt.set(Number(m[1]), m[2]);
    }
    const named = fast;
    expect(named.filter((l) => / tlb cpl=\d fill /.test(l)).length).toBeGreaterThan(5);
    for (const l of named) {
      const n = Number(l.split(' ')[0]);
      const m = / (?:after|eip=) ?(0x[0-9a-f]{8}(?: <[^>]+>)?: .*)$/.exec(l.replace(/ eip=0x[0-9a-f]{8} <[^>]+> after /, ' after '))!;
      expect(m[1], l).toBe(execAt.get(n));
    }
    expect(lines.filter((l) => !l.includes(' exec '))).toEqual(fast);
  });

  it('installs hooks only while a trace is on, keeps hooks it found, and stops in any order', () => {
    const m = new Machine({});
    m.loadKernel(bare);
    expect([m.onStep, m.onInterrupt, m.cpu.onException, m.io.onAccess, m.cpu.mmu.onEvent]).toEqual([null, null, null, null, null]);
    // Without exec, the machine is not single-stepped.
    const a: string[] = [];
    const stopA = startTrace(m, ['int', 'io', 'tlb', 'pages'], (l) => a.push(l), () => '');
    expect(m.onStep).toBeNull();
    expect(m.cpu.onException).not.toBeNull();
    // Someone else's hook, installed meanwhile, is called too and survives.
    const seen: number[] = [];
    const mine = (port: number) => { seen.push(port); };
    stopA();
    m.io.onAccess = mine;
    const b: string[] = [];
    const stopB = startTrace(m, ['io', 'exec'], (l) => b.push(l), () => '');
    const c: string[] = [];
    const stopC = startTrace(m, ['io'], (l) => c.push(l), () => '');
    m.run(5180);
    stopB();
    m.run(100);
    stopC();
    expect(m.io.onAccess).toBe(mine);
    expect([m.onStep, m.onInterrupt, m.cpu.onException, m.cpu.mmu.onEvent]).toEqual([null, null, null, null]);
    expect(seen).toEqual([0xe9, 0xf4]);
    expect(b.filter((l) => l.includes(' io '))).toEqual([]);
    expect(c).toEqual(['5182 io cpl=3 out port=0x00e9 size=8 value=0x78 eip=0x001000f9: out 0xe9, al', '5185 io cpl=3 out port=0x00f4 size=8 value=0x00 eip=0x00100107: out 0xf4, al']);
    expect(b.length).toBe(5180);
  });

  it('parses specs and names a bad kind', () => {
    expect(parseTraceSpec('exec,int')).toEqual(['exec', 'int']);
    expect(parseTraceSpec('pf, io,tlb,pages,pf')).toEqual(['pf', 'io', 'tlb', 'pages']);
    expect(parseTraceSpec('all')).toEqual(['exec', 'int', 'pf', 'io', 'tlb', 'pages']);
    expect(() => parseTraceSpec('exec,mem')).toThrow(TraceSpecError);
    expect(() => parseTraceSpec('exec,mem')).toThrow("unknown trace kind 'mem' (kinds: exec, int, pf, io, tlb, pages, all)");
    expect(() => parseTraceSpec('')).toThrow(TraceSpecError);
  });
});

describe('trace kinds on the kernel', () => {
  let kernel: Uint8Array;
  let prog: Uint8Array;
  let disk: Uint8Array;
  beforeAll(() => {
    kernel = buildKernel();
    prog = link([assemble(join(HERE, 'tprog.s'))], { base: 0x08048000 });
    disk = buildImage({ files: [{ path: '/bin/tprog', data: prog, mode: 0o755 }], swapBytes: 1 << 20 });
  });

  /** Boots with tprog as init and every kind traced; returns the lines and the console. */
  let cached: { lines: string[]; out: string } | null = null;
  function run(): { lines: string[]; out: string } {
    if (cached) return cached;
    let out = '';
    const m = new Machine({ disk: memoryDisk(new Uint8Array(disk)), onSerialOutput: (b) => { out += String.fromCharCode(b); } });
    m.loadKernel(kernel, 'init=/bin/tprog');
    const lines: string[] = [];
    const stop = startTrace(m, ['exec', 'int', 'io', 'tlb', 'pages'], (l) => lines.push(l), symbolizer([m.kernel, readElf(prog)]));
    expect(m.run(300_000_000)).toEqual({ kind: 'poweroff', code: 0 });
    stop();
    cached = { lines, out };
    return cached;
  }
  /** The lines of a kind, without their counts (which move whenever the kernel changes). */
  const kind = (lines: string[], k: string) => lines.filter((l) => l.split(' ')[1] === k).map((l) => l.slice(l.indexOf(' ') + 1));

  it('exec: the program, instruction by instruction, at CPL 3, with its symbols', () => {
    const { lines, out } = run();
    expect(out).toContain('hi\n');
    expect(kind(lines, 'exec').filter((l) => l.startsWith('exec cpl=3'))).toEqual([
      'exec cpl=3 0x08048000 <_start>: (page not mapped)',
      'exec cpl=3 0x08048000 <_start>: mov eax, 0x14',
      'exec cpl=3 0x08048006 <_start+0x6>: int 0x80',
      'exec cpl=3 0x08048009 <_start+0x9>: mov dword [0x804b000], 0x7',
      'exec cpl=3 0x08048009 <_start+0x9>: mov dword [0x804b000], 0x7',
      'exec cpl=3 0x08048014 <_start+0x14>: mov eax, 0x4',
      'exec cpl=3 0x0804801a <_start+0x1a>: mov ebx, 0x1',
      'exec cpl=3 0x08048020 <_start+0x20>: mov ecx, 0x8049000',
      'exec cpl=3 0x08048026 <_start+0x26>: mov edx, 0x3',
      'exec cpl=3 0x0804802c <_start+0x2c>: int 0x80',
      'exec cpl=3 0x0804802f <_start+0x2f>: mov eax, 0x1',
      'exec cpl=3 0x08048035 <_start+0x35>: xor ebx, ebx',
      'exec cpl=3 0x08048037 <_start+0x37>: int 0x80',
    ]);
    // The kernel's own code is named by the kernel's symbols.
    expect(lines.some((l) => / exec cpl=0 0xc01[0-9a-f]{5} <trap\+0x[0-9a-f]+>: /.test(l))).toBe(true);
  });

  it('int: the program\'s faults and system calls, and the hardware interrupts', () => {
    const { lines } = run();
    const ints = kind(lines, 'int');
    expect(ints.filter((l) => l.startsWith('int cpl=3') && !l.includes('external'))).toEqual([
      // A fault's instruction is the one at the pushed EIP (not there yet: the fetch faulted);
      // an INT n's is before it.
      'int cpl=3 vec=14 #PF err=0x0014 (not-present user fetch) cr2=0x08048000 eip=0x08048000 <_start>: (page not mapped)',
      'int cpl=3 vec=128 int 0x80 eip=0x08048009 <_start+0x9> after 0x08048006 <_start+0x6>: int 0x80',
      'int cpl=3 vec=14 #PF err=0x0006 (not-present user write) cr2=0x0804b000 eip=0x08048009 <_start+0x9>: mov dword [0x804b000], 0x7',
      'int cpl=3 vec=128 int 0x80 eip=0x0804802f <_start+0x2f> after 0x0804802c <_start+0x2c>: int 0x80',
      'int cpl=3 vec=128 int 0x80 eip=0x0804803a after 0x08048037 <_start+0x37>: int 0x80',
    ]);
    // The timer (IRQ 0 at vector 32) and the disk (IRQ 14 at 46) interrupt the kernel.
    expect(ints.some((l) => /^int cpl=0 vec=32 external eip=0xc01[0-9a-f]{5} <\w+\+0x[0-9a-f]+>: \w/.test(l))).toBe(true);
    expect(ints.some((l) => /^int cpl=0 vec=46 external eip=0xc01[0-9a-f]{5} <\w+/.test(l))).toBe(true);
    // A system call's fault on a user page is a supervisor access.
    expect(ints).toContainEqual(expect.stringMatching(/^int cpl=0 vec=14 #PF err=0x0000 \(not-present supervisor read\) cr2=0x08049000 eip=0xc01[0-9a-f]{5} <\w+\+0x[0-9a-f]+>: \w.*$/));
    // The exec line of a faulting instruction is followed by its page record and int line, with
    // its count; the handler's first instruction comes next.
    const i = lines.findIndex((l) => l.includes('exec cpl=3 0x08048009'));
    const n = Number(lines[i].split(' ')[0]);
    expect(lines.slice(i + 1, i + 3).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([`${n} page`, `${n} int`]);
    expect(lines[i + 3]).toMatch(new RegExp(`^${n + 1} exec cpl=0 0xc01[0-9a-f]{5} <vector14>: `));
  });

  it('io: the console\'s bytes go out on COM1 as the program wrote them', () => {
    const { lines, out } = run();
    const io = kind(lines, 'io');
    const com1 = io.filter((l) => l.startsWith('io cpl=0 out port=0x03f8 size=8 ')).map((l) => String.fromCharCode(parseInt(/value=0x(\w+)/.exec(l)![1], 16)));
    expect(com1.join('')).toContain(out);
    expect(io).toContainEqual(expect.stringMatching(/^io cpl=0 in port=0x03fd size=8 value=0x[0-9a-f]{2} eip=0xc01[0-9a-f]{5} <\w+\+0x[0-9a-f]+>: in al, dx$/));
    expect(io[io.length - 1]).toMatch(/^io cpl=0 out port=0x00f4 size=8 value=0x00 /);
  });

  it('tlb: fills with their frames and rights, CR3 flushes, INVLPG', () => {
    const { lines } = run();
    const tlb = kind(lines, 'tlb');
    // A flush with its instruction: the entry code's, at physical addresses before paging is on
    // (no symbol there), then the kernel's switches of address space.
    expect(tlb).toContain('tlb cpl=0 flush all eip=0x00100043: mov cr4, eax');
    expect(tlb).toContain('tlb cpl=0 flush eip=0x00100046: mov cr3, edi');
    expect(tlb).toContainEqual(expect.stringMatching(/^tlb cpl=0 flush eip=0xc01[0-9a-f]{5} <\w+(\+0x[0-9a-f]+)?>: mov cr3, \w+$/));
    expect(tlb).toContainEqual(expect.stringMatching(/^tlb cpl=3 fill 0x08048000 -> 0x[0-9a-f]{8} user ro eip=0x0804[89a-f][0-9a-f]{3} <\w+(\+0x[0-9a-f]+)?>: \w.*$/));
    expect(tlb).toContainEqual(expect.stringMatching(/^tlb cpl=3 fill 0x0804b000 -> 0x[0-9a-f]{8} user rw dirty eip=0x0804[89a-f][0-9a-f]{3} <\w+(\+0x[0-9a-f]+)?>: \w.*$/));
    expect(tlb).toContainEqual(expect.stringMatching(/^tlb cpl=0 fill 0xc01[0-9a-f]{2}000 -> 0x001[0-9a-f]{5} kernel rw (dirty )?global 4M eip=0xc01[0-9a-f]{5} <[\w.]+(\+0x[0-9a-f]+)?>: \w.*$/));
  });

  it('pages: the program\'s page faults and references, and the kernel\'s counters at the end', () => {
    const { lines } = run();
    const pages = kind(lines, 'page').map((l) => l.replace(/cr3=0x[0-9a-f]{8}/, 'cr3=X'));
    expect(pages.filter((l) => l.includes(' 0x0804'))).toEqual(expect.arrayContaining([
      'page cpl=3 cr3=X 0x08048000 fault',
      'page cpl=3 cr3=X 0x0804b000 fault',
      'page cpl=0 cr3=X 0x08049000 fault',
    ]));
    const faults = pages.filter((l) => l.endsWith(' fault') && l.includes(' 0x0804'));
    expect(faults).toEqual(['page cpl=3 cr3=X 0x08048000 fault', 'page cpl=3 cr3=X 0x0804b000 fault', 'page cpl=0 cr3=X 0x08049000 fault']);
    // Never the same page twice in a row, unless it faulted.
    for (let i = 1; i < pages.length; i++) if (!pages[i].endsWith('fault')) expect(pages[i]).not.toBe(pages[i - 1]);
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^\d+ vmstat policy=clock pgfault=\d+ pgmajfault=\d+ pswpin=0 pswpout=0 pgevict=0 user-frames-max=\d+$/);
    // The kernel counted every fault the recorder saw.
    expect(Number(/pgfault=(\d+)/.exec(last)![1])).toBe(pages.filter((l) => l.endsWith(' fault')).length);
  });
});

describe('--trace and --trace-file on toy86 boot', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'toy86-trace-'));
    writeFileSync(join(dir, 'bare.elf'), bare);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const toy86 = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('writes the trace to the file, or to stderr', () => {
    const r = toy86(['boot', '--kernel', 'bare.elf', '--trace', 'pf,io', '--trace-file', 't.txt']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('x');
    expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe([
      '5167 pf cpl=3 vec=14 #PF err=0x0006 (not-present user write) cr2=0x00300000 eip=0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
      '5182 io cpl=3 out port=0x00e9 size=8 value=0x78 eip=0x001000f9 <user+0x19>: out 0xe9, al',
      '5185 io cpl=3 out port=0x00f4 size=8 value=0x00 eip=0x00100107 <user+0x27>: out 0xf4, al',
      '',
    ].join('\n'));
    const s = toy86(['boot', '--kernel', 'bare.elf', '--trace', 'int']);
    expect(s.code).toBe(0);
    // The debug console's 'x' first: the trace is written in blocks, and at the end.
    expect(s.err).toBe('x' + [
      '5167 int cpl=3 vec=14 #PF err=0x0006 (not-present user write) cr2=0x00300000 eip=0x001000e8 <user+0x8>: mov dword [0x300000], 0x1234',
      '5179 int cpl=3 vec=48 int 0x30 eip=0x001000f6 <user+0x16> after 0x001000f3 <user+0x13>: int 0x30',
      '',
    ].join('\n'));
  });

  it('ends the trace before the message of --max-insns', () => {
    const r = toy86(['boot', '--kernel', 'bare.elf', '--trace', 'exec', '--max-insns', '3']);
    expect(r.code).toBe(124);
    expect(r.err.split('\n').slice(0, 4)).toEqual([
      '0 exec cpl=0 0x00100000 <_start>: mov edi, 0x103000',
      '1 exec cpl=0 0x00100006 <_start+0x6>: mov eax, 0x7',
      '2 exec cpl=0 0x0010000c <_start+0xc>: mov ecx, 0x400',
      'toy86: stopped after 3 instructions (--max-insns)',
    ]);
  });

  it('toy86 run names the program\'s addresses with its own symbols', () => {
    writeFileSync(join(dir, 'prog.s'), [
      'section .text', 'global main', 'main:',
      '    mov dword [buf + 4096], 7', '    mov eax, 20', '    int 0x80', '    mov eax, 3', '    ret',
      'section .bss', 'align 4096', 'buf: resb 8192', '',
    ].join('\n'));
    const r = toy86(['run', 'prog.s', '--trace', 'int,pages', '--trace-file', 'r.txt']);
    expect(r.code).toBe(3);
    const text = readFileSync(join(dir, 'r.txt'), 'utf8');
    expect(text).toMatch(/^\d+ int cpl=3 vec=14 #PF err=0x0006 \(not-present user write\) cr2=0x0804[0-9a-f]{4} eip=0x0804[0-9a-f]{4} <main>: mov dword \[0x804[0-9a-f]{4}\], 0x7$/m);
    expect(text).toMatch(/^\d+ int cpl=3 vec=128 int 0x80 eip=0x0804[0-9a-f]{4} <main\+0x14> after 0x0804[0-9a-f]{4} <main\+0x11>: int 0x80$/m);
    expect(text).toMatch(/\n\d+ vmstat policy=clock pgfault=\d+ .*user-frames-max=\d+\n$/);
  });

  it('a trace it cannot go on writing (a full disk) is one line, exit code 1; the debugger goes on untraced', () => {
    const r = toy86(['boot', '--kernel', 'bare.elf', '--trace', 'exec', '--trace-file', '/dev/full']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('toy86 boot: cannot write the trace: no space left on the device\n');
    const d = spawnSync(process.execPath, [CLI, 'debug', 'boot', '--kernel', 'bare.elf', '--trace', 'exec', '--trace-file', '/dev/full'], { cwd: dir, encoding: 'utf8', input: 'continue\nprint 6*7\n', timeout: 60_000 });
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('(toy86) print 6*7\n$1 = 42\n');
    // The error once, when the trace first fills its buffer; the guest's debug console goes on.
    expect(d.stderr.replace('x', '')).toBe("toy86 debug: cannot write the trace: no space left on the device ('/dev/full'); tracing stopped\n");
    expect(d.stderr).toContain('x');
    // The sink itself: the error once, nothing written after it.
    const calls: string[] = [];
    const sink = traceSink(9, (_fd, text) => { calls.push(text); const e = new Error('nope') as NodeJS.ErrnoException; e.code = 'EPIPE'; throw e; });
    sink.write('a');
    expect(() => sink.close()).toThrow(TraceWriteError);
    expect(() => sink.close()).not.toThrow();
    sink.write('b');
    expect(calls).toEqual(['a\n']);
    expect(new TraceWriteError('x').code).toBe(1);
  });

  it('refuses a bad kind, a trace file it cannot write, and --trace-file alone', () => {
    const a = toy86(['boot', '--kernel', 'bare.elf', '--trace', 'exec,bogus']);
    expect(a.code).toBe(2);
    expect(a.err).toBe("toy86 boot: --trace: unknown trace kind 'bogus' (kinds: exec, int, pf, io, tlb, pages, all)\n");
    const b = toy86(['boot', '--kernel', 'bare.elf', '--trace', 'int', '--trace-file', join(dir, 'no', 'such', 'dir', 't.txt')]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/^toy86 boot: cannot write --trace-file '.*t\.txt': .*\n$/);
    const c = toy86(['boot', '--kernel', 'bare.elf', '--trace-file', 't.txt']);
    expect(c.code).toBe(2);
    expect(c.err).toBe('toy86 boot: --trace-file needs --trace KINDS\n');
  });
});
