// System instructions (SPEC §2.2–§2.4, SDM vol. 2 and vol. 3 ch. 4 and 6): INT n, INT3 and IRETD
// through interrupt and trap gates, at ring 0 and from ring 3; LIDT; LTR and the stack switch it
// leads to; the privilege checks of every system instruction; INVLPG against stale translations;
// IN and OUT on the machine's devices; HLT stopping the machine or waiting for an interrupt.
// Expected values are worked out by hand from the SDM; addresses come from the symbols.
//
// Handlers made by `recorder` append a record of 16 words to the output array at REC:
//   0 tag (the vector), 1 error code (0xffffffff: none pushed), 2 pushed EIP, 3 pushed CS,
//   4 pushed EFLAGS, 5 pushed ESP and 6 pushed SS (meaningful from ring 3 only),
//   7 ESP at the handler's first instruction, 8 EFLAGS in the handler.

import { describe, it, expect } from 'vitest';
import { Machine, type MachineOptions } from '../../emulator/machine.js';
import {
  assemble, formsRun, hex, hex8, IDT, idtDescriptor, installIdt, missingForms, OUT, program, save,
  saveFlags, STACK, symbols, textForms, unexpectedStubs,
} from './harness.js';
import { GROUP } from './groups.js';

/** The IDTs of these tests have 64 gates (vectors 0x00–0x3F). */
const VECTORS = 0x40;
/** A second IDT (for LIDT). */
const IDT2 = 0x610000;
/** Task-state areas (LTR) and the kernel stacks their ESP0 words point to. */
const TSS1 = 0x620000;
const TSS2 = 0x620100;
const KSTACK1 = 0x88000;
const KSTACK2 = 0x87000;
const KSTACK3 = 0x86000;
/** The stack of the ring-3 code. */
const USTACK = 0x70000;
/** Cells of the handlers: where a fault handler resumes, the next record, saved registers, ... */
const RESUME = 0x630000;
const RECPTR = 0x630004;
const SAVE_EAX = 0x630008;
const SAVE_EBX = 0x63000c;
const KCONT = 0x630010;
const DESC2 = 0x630020;
/** Records start after 16 plain output words. */
const FIRST_REC = 16;
const REC = OUT + 4 * FIRST_REC;
const REC_WORDS = 16;
const NONE = 0xffffffff;

/** EFLAGS bits. */
const IF = 0x200;
const IOPL3 = 0x3000;

const expectHex = (words: number[]) => words.map(hex8);

/**
 * A handler that appends a record (see the top of the file) and returns with IRETD; with
 * `errorCode` it first pops the error code the CPU pushed, with `resume` it returns to the
 * address in the RESUME cell instead of the pushed EIP (to skip a faulting instruction).
 */
function recorder(label: string, tag: number, errorCode: boolean, resume: boolean): string[] {
  const f = errorCode ? 4 : 0;
  return [
    `${label}:`,
    `mov [${hex(SAVE_EAX)}], eax`,
    `mov [${hex(SAVE_EBX)}], ebx`,
    `mov ebx, [${hex(RECPTR)}]`,
    'mov [ebx+28], esp',
    'pushfd',
    'pop dword [ebx+32]',
    `mov dword [ebx], ${hex(tag)}`,
    errorCode ? 'mov eax, [esp]' : 'mov eax, -1',
    'mov [ebx+4], eax',
    ...[8, 12, 16, 20, 24].flatMap((slot, k) => [`mov eax, [esp+${f + 4 * k}]`, `mov [ebx+${slot}], eax`]),
    'add ebx, 64',
    `mov [${hex(RECPTR)}], ebx`,
    ...(resume ? [`mov eax, [${hex(RESUME)}]`, `mov [esp+${f}], eax`] : []),
    `mov eax, [${hex(SAVE_EAX)}]`,
    `mov ebx, [${hex(SAVE_EBX)}]`,
    ...(errorCode ? ['add esp, 4'] : []),
    'iretd',
  ];
}

/** #GP (13): record it and resume at [RESUME]. */
const GP_HANDLER = recorder('gp_handler', 13, true, true);

/** Lines that run `insn` expecting it to fault: the fault handler resumes after it. */
function faulting(label: string, insn: string): string[] {
  return [`mov dword [${hex(RESUME)}], ${label}_resume`, `${label}:`, insn, `${label}_resume:`];
}

/** One record of the output (words 0–8). */
interface Rec { tag: number; err: number; eip: number; cs: number; eflags: number; esp: number; ss: number; hesp: number; hflags: number }
function records(out: number[], n: number): Rec[] {
  const rs: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const w = out.slice(FIRST_REC + REC_WORDS * i, FIRST_REC + REC_WORDS * (i + 1));
    rs.push({ tag: w[0], err: w[1], eip: w[2], cs: w[3] & 0xffff, eflags: w[4], esp: w[5], ss: w[6] & 0xffff, hesp: w[7], hflags: w[8] });
  }
  return rs;
}
/** A record as readable text; without `ring3`, the ESP and SS slots (not pushed) are left out. */
function show(r: Partial<Rec>, ring3 = false): string {
  const h = (v: number | undefined) => (v === undefined ? '-' : hex8(v));
  const base = `tag=${h(r.tag)} err=${h(r.err)} eip=${h(r.eip)} cs=${h(r.cs)} eflags=${h(r.eflags)}`;
  const user = ring3 ? ` esp=${h(r.esp)} ss=${h(r.ss)}` : '';
  return `${base}${user} handler esp=${h(r.hesp)} flags=${h(r.hflags)}`;
}

/** A gate of an IDT built by hand (installIdt builds the first one). */
function gate(base: number, v: number, label: string, attr = 0x8e): string[] {
  const g = base + 8 * v;
  return [
    `mov eax, ${label}`,
    `mov [${hex(g)}], ax`,
    'shr eax, 16',
    `mov [${hex(g + 6)}], ax`,
    `mov word [${hex(g + 2)}], 0x08`,
    `mov byte [${hex(g + 4)}], 0`,
    `mov byte [${hex(g + 5)}], ${hex(attr)}`,
  ];
}

/** Code that enters ring 3 at `label` with IRETD (CS 0x1B, SS 0x23, ESP = USTACK). */
function toUser(label: string, eflags: number): string[] {
  return ['push dword 0x23', `push dword ${hex(USTACK)}`, `push dword ${hex(eflags)}`, 'push dword 0x1b', `push dword ${label}`, 'iretd'];
}

/** Where a test should never arrive: power off with code 0x55. */
const NEVER = ['never:', 'mov al, 0x55', 'out 0xf4, al'];

/** Assembles a program (recording its forms) and loads it on a new machine, without running it. */
function load(body: string[], data: string[], options: MachineOptions = {}) {
  const elf = assemble(program(body, data.join('\n')));
  for (const f of textForms(elf)) formsRun.add(f);
  const machine = new Machine(options);
  machine.loadKernel(elf);
  return { machine, sym: symbols(elf) };
}
const read32 = (m: Machine, addr: number) => m.readPhys32(addr) >>> 0;

/**
 * Like the harness's runProgram, with a small budget (a test that goes wrong fails fast): runs
 * the program, throws unless it powered off with code 0, returns the first n words at OUT.
 */
function run(body: string[], n: number, data: string[] = [], options: MachineOptions = {}) {
  const { machine, sym } = load(body, data, options);
  const stop = machine.run(1_000_000);
  if (stop.kind !== 'poweroff' || stop.code !== 0) {
    throw new Error(`program did not power off with code 0: ${JSON.stringify(stop)} at eip ${hex8(machine.cpu.eip)}`);
  }
  return { machine, sym, out: Array.from({ length: n }, (_, k) => read32(machine, OUT + 4 * k)) };
}

describe('system instructions', () => {
  it('INT n through an interrupt gate pushes EFLAGS, CS and the next EIP and clears IF; a trap gate keeps IF; IRETD returns', () => {
    const { out, sym } = run([
      ...installIdt({
        0x30: 'int30_handler',
        0x31: { label: 'int31_handler', attr: 0x8f }, // trap gate
        14: 'int14_handler',
      }, VECTORS),
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      // EFLAGS = IF and the flags of 0x7fffffff + 1 (OF SF AF PF), made lazily.
      'push dword 0x202', 'popfd',
      'mov eax, 0x7fffffff', 'add eax, 1',
      save(0, 'esp'),
      'int 0x30',
      'after_int30:',
      ...saveFlags(1),
      save(2, 'esp'),
      'int 0x31',
      'after_int31:',
      ...saveFlags(3),
      save(4, 'esp'),
      // INT 14 is a software interrupt: no error code, although #PF has one.
      'int 14',
      'after_int14:',
      save(5, 'esp'),
      'cli',
    ], FIRST_REC + 3 * REC_WORDS, [
      ...recorder('int30_handler', 0x30, false, false),
      ...recorder('int31_handler', 0x31, false, false),
      ...recorder('int14_handler', 14, false, false),
      ...unexpectedStubs(VECTORS),
    ]);
    const esp = STACK;
    expect(out.slice(0, 6).map(hex8)).toEqual(expectHex([esp, 0xa96, esp, 0xa96, esp, esp]));
    const flags = 0xa96; // IF | OF SF AF PF | bit 1
    expect(records(out, 3).map((r) => show(r))).toEqual([
      { tag: 0x30, err: NONE, eip: sym.get('after_int30')!, cs: 8, eflags: flags, hesp: esp - 12, hflags: flags & ~IF },
      { tag: 0x31, err: NONE, eip: sym.get('after_int31')!, cs: 8, eflags: flags, hesp: esp - 12, hflags: flags },
      { tag: 14, err: NONE, eip: sym.get('after_int14')!, cs: 8, eflags: flags, hesp: esp - 12, hflags: flags & ~IF },
    ].map((r) => show(r)));
  });

  it('INT3 and INT 3 are traps to vector 3: the pushed EIP is that of the next instruction', () => {
    const { out, sym } = run([
      ...installIdt({ 3: 'bp_handler' }, VECTORS),
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      'push dword 0x8d5', 'popfd', // every arithmetic flag, IF = 0
      'at_int3:', 'int3',
      'after_int3:',
      'at_int_3:', 'int 3',
      'after_int_3:',
      save(0, 'esp'),
    ], FIRST_REC + 2 * REC_WORDS, [...recorder('bp_handler', 3, false, false), ...unexpectedStubs(VECTORS)]);
    // INT3 is two bytes (0F xx), INT 3 three (0F xx 03): the return addresses are the next instructions.
    expect(sym.get('after_int3')! - sym.get('at_int3')!).toBe(2);
    expect(sym.get('after_int_3')! - sym.get('at_int_3')!).toBe(3);
    expect(hex8(out[0])).toBe(hex8(STACK));
    expect(records(out, 2).map((r) => show(r))).toEqual([
      { tag: 3, err: NONE, eip: sym.get('after_int3')!, cs: 8, eflags: 0x8d7, hesp: STACK - 12, hflags: 0x8d7 },
      { tag: 3, err: NONE, eip: sym.get('after_int_3')!, cs: 8, eflags: 0x8d7, hesp: STACK - 12, hflags: 0x8d7 },
    ].map((r) => show(r)));
  });

  it('INT n through a gate that is not present, of another type, with another selector or beyond the limit raises #GP(n × 8 + 2), a fault of the INT', () => {
    const { out, sym } = run([
      ...installIdt({
        13: 'gp_handler',
        0x33: { label: 'unexpected_51', attr: 0x0e }, // P = 0
        0x34: { label: 'unexpected_52', attr: 0x8c }, // type 0xC: a call gate
      }, VECTORS),
      `mov word [${hex(IDT + 8 * 0x35 + 2)}], 0x10`, // selector 0x10 instead of 0x08
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      'push dword 0x202', 'popfd',
      ...faulting('int33', 'int 0x33'),
      ...faulting('int34', 'int 0x34'),
      ...faulting('int35', 'int 0x35'),
      ...faulting('int40', 'int 0x40'), // the IDT ends at vector 0x3f
      ...faulting('intff', 'int 0xff'), // the vector is zero-extended
      save(0, 'esp'),
      'cli',
    ], FIRST_REC + 5 * REC_WORDS, [...GP_HANDLER, ...unexpectedStubs(VECTORS)]);
    expect(hex8(out[0])).toBe(hex8(STACK));
    expect(records(out, 5).map((r) => show(r))).toEqual([
      ['int33', 0x33], ['int34', 0x34], ['int35', 0x35], ['int40', 0x40], ['intff', 0xff],
    ].map(([l, v]) => show({ tag: 13, err: (v as number) * 8 + 2, eip: sym.get(l as string)!, cs: 8, eflags: 0x202, hesp: STACK - 16, hflags: 0x002 })));
  });

  it('IRETD pops EIP, CS and EFLAGS at ring 0; a bad CS or SS raises #GP(0) and changes nothing', () => {
    const { out, sym } = run([
      ...installIdt({ 13: 'gp_handler' }, VECTORS),
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      // Every bit set but TF: EFLAGS keeps the modelled ones (IOPL too, at CPL 0), bit 1 reads 1.
      'push dword 0xfffffeff',
      'push dword 0x08',
      'push dword iret_target',
      'iretd',
      'jmp never',
      'iret_target:',
      ...saveFlags(0),
      save(1, 'esp'),
      'push dword 0x2', 'popfd',
      // CS 0x10 (a data selector).
      'push dword 0x202', 'push dword 0x10', 'push dword never',
      save(2, 'esp'),
      ...faulting('bad_cs', 'iretd'),
      save(3, 'esp'),
      'add esp, 12',
      // CS 0x0b: RPL 3 but not the user code selector.
      'push dword 0x2', 'popfd',
      'push dword 0x202', 'push dword 0x0b', 'push dword never',
      ...faulting('bad_cs3', 'iretd'),
      'add esp, 12',
      // To ring 3 with SS 0x10.
      'push dword 0x2', 'popfd',
      'push dword 0x10', `push dword ${hex(USTACK)}`, 'push dword 0x202', 'push dword 0x1b', 'push dword never',
      ...faulting('bad_ss', 'iretd'),
      save(4, 'esp'),
      'add esp, 20',
      save(5, 'esp'),
    ], FIRST_REC + 3 * REC_WORDS, [...GP_HANDLER, ...NEVER, ...unexpectedStubs(VECTORS)]);
    expect(out.slice(0, 6).map(hex8)).toEqual(expectHex([0x3ed7, STACK, STACK - 12, STACK - 12, STACK - 20, STACK]));
    expect(records(out, 3).map((r) => show(r))).toEqual([
      { tag: 13, err: 0, eip: sym.get('bad_cs')!, cs: 8, eflags: 0x2, hesp: STACK - 12 - 16, hflags: 0x2 },
      { tag: 13, err: 0, eip: sym.get('bad_cs3')!, cs: 8, eflags: 0x2, hesp: STACK - 12 - 16, hflags: 0x2 },
      { tag: 13, err: 0, eip: sym.get('bad_ss')!, cs: 8, eflags: 0x2, hesp: STACK - 20 - 16, hflags: 0x2 },
    ].map((r) => show(r)));
  });

  it('LIDT changes the table: the same vector enters another handler; the new limit and gates apply', () => {
    const descA = idtDescriptor(VECTORS);
    const { out, sym } = run([
      ...installIdt({ 13: 'gp_handler', 0x30: 'handler_a' }, VECTORS),
      // A second IDT with gates 13 and 0x30 only, its limit ending at vector 0x30.
      ...gate(IDT2, 13, 'gp_handler'),
      ...gate(IDT2, 0x30, 'handler_b'),
      `mov word [${hex(DESC2)}], ${hex(0x30 * 8 + 7)}`,
      `mov dword [${hex(DESC2 + 2)}], ${hex(IDT2)}`,
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      'push dword 0x2', 'popfd',
      'int 0x30', 'after_a1:',
      `mov esi, ${hex(DESC2 - 8)}`,
      'lidt [esi+8]',
      'int 0x30', 'after_b:',
      ...faulting('int31', 'int 0x31'), // beyond the new limit
      ...faulting('int20', 'int 0x20'), // within it, but not present in the new table
      `lidt [${hex(descA)}]`,
      'int 0x30', 'after_a2:',
    ], FIRST_REC + 5 * REC_WORDS, [
      ...GP_HANDLER, ...recorder('handler_a', 0xa, false, false), ...recorder('handler_b', 0xb, false, false),
      ...unexpectedStubs(VECTORS),
    ]);
    const flags = 0x2;
    expect(records(out, 5).map((r) => show(r))).toEqual([
      { tag: 0xa, err: NONE, eip: sym.get('after_a1')!, cs: 8, eflags: flags, hesp: STACK - 12, hflags: flags },
      { tag: 0xb, err: NONE, eip: sym.get('after_b')!, cs: 8, eflags: flags, hesp: STACK - 12, hflags: flags },
      { tag: 13, err: 0x31 * 8 + 2, eip: sym.get('int31')!, cs: 8, eflags: flags, hesp: STACK - 16, hflags: flags },
      { tag: 13, err: 0x20 * 8 + 2, eip: sym.get('int20')!, cs: 8, eflags: flags, hesp: STACK - 16, hflags: flags },
      { tag: 0xa, err: NONE, eip: sym.get('after_a2')!, cs: 8, eflags: flags, hesp: STACK - 12, hflags: flags },
    ].map((r) => show(r)));
  });

  it('from ring 3: LTR chooses the stack of the switch, read at each delivery; system instructions raise #GP; IRETD keeps IF and IOPL', () => {
    const debug: number[] = [];
    const { out, sym } = run([
      ...installIdt({
        13: 'gp_handler',
        0x30: { label: 'kcall', attr: 0xee }, // DPL 3, interrupt gate
        0x31: 'kcall', // DPL 0
        0x32: { label: 'to_kernel', attr: 0xee },
      }, VECTORS),
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      `mov dword [${hex(TSS1 + 4)}], ${hex(KSTACK1)}`,
      `mov dword [${hex(TSS2 + 4)}], ${hex(KSTACK3)}`,
      `mov eax, ${hex(TSS1)}`,
      'ltr eax',
      `mov dword [${hex(KCONT)}], kernel2`,
      ...toUser('user1', 0x202),
      'kernel2:',
      'mov eax, cr3', save(8, 'eax'), // the faulting MOV CR3 changed nothing
      `mov ebx, ${hex(TSS2)}`,
      'ltr ebx',
      `mov dword [${hex(KCONT)}], kernel3`,
      ...toUser('user2', IOPL3 | 0x202),
      'kernel3:',
    ], FIRST_REC + 21 * REC_WORDS, [
      // ---- ring 3, IOPL 0, TSS1
      'user1:',
      save(0, 'esp'),
      'int 0x30', 'after_u1:',
      save(1, 'esp'),
      `mov eax, ${hex(TSS2)}`,
      `mov edx, 0x80`,
      ...faulting('f_hlt', 'hlt'),
      ...faulting('f_lidt', `lidt [${hex(DESC2)}]`),
      ...faulting('f_ltr', 'ltr eax'),
      ...faulting('f_invlpg', 'invlpg [0x1000]'),
      ...faulting('f_movfromcr', 'mov ebx, cr0'),
      ...faulting('f_movtocr', 'mov cr3, eax'),
      ...faulting('f_cli', 'cli'),
      ...faulting('f_sti', 'sti'),
      ...faulting('f_in_i8', 'in al, 0x80'),
      ...faulting('f_in_dx', 'in eax, dx'),
      ...faulting('f_out_i8', 'out 0xe9, al'),
      ...faulting('f_out_dx', 'out dx, ax'),
      ...faulting('f_int31', 'int 0x31'), // DPL 0 gate: #GP(0x31 * 8 + 2)
      ...faulting('f_int3', 'int3'), // the #BP gate has DPL 0: #GP(3 * 8 + 2)
      // IRETD at CPL 3 to ring 0: #GP(0), nothing popped.
      'push dword 0x202', 'push dword 0x08', 'push dword never',
      ...faulting('f_iretd', 'iretd'),
      save(2, 'esp'),
      'add esp, 12',
      // IRETD at CPL 3 > IOPL: IF and IOPL stay as they are, the other flags load; ESP pops 12.
      `push dword ${hex(IOPL3 | 0x8d5)}`, 'push dword 0x1b', 'push dword u_iret1',
      'iretd',
      'jmp never',
      'u_iret1:',
      ...saveFlags(3),
      save(4, 'esp'),
      // ESP0 is read at each delivery.
      'push dword 0x202', 'popfd',
      `mov dword [${hex(TSS1 + 4)}], ${hex(KSTACK2)}`,
      'int 0x30', 'after_u2:',
      'int 0x32',
      // ---- ring 3, IOPL 3, TSS2
      'user2:',
      'int 0x30', 'after_u3:',
      'mov eax, 0',
      'in al, 0x21', // allowed: CPL <= IOPL
      save(5, 'eax'),
      "mov al, 'U'",
      'out 0xe9, al',
      'cli',
      ...saveFlags(6),
      'sti',
      // IRETD at CPL 3 = IOPL: IF loads, IOPL does not.
      'push dword 0x0d5', 'push dword 0x1b', 'push dword u_iret2',
      'iretd',
      'jmp never',
      'u_iret2:',
      ...saveFlags(7),
      'int 0x32',
      // ---- handlers
      ...GP_HANDLER,
      ...recorder('kcall', 0x30, false, false),
      'to_kernel:',
      `mov esp, ${hex(STACK)}`,
      `jmp [${hex(KCONT)}]`,
      ...NEVER,
      ...unexpectedStubs(VECTORS),
    ], { onDebugOutput: (b) => debug.push(b) });

    expect(out.slice(0, 9).map(hex8)).toEqual(expectHex([
      USTACK, USTACK, USTACK - 12, 0xad7, USTACK, 0xff, IOPL3 | 0x002, IOPL3 | 0x0d7, 0,
    ]));
    expect(debug).toEqual(['U'.charCodeAt(0)]);

    const user = (eip: number, eflags: number, hesp: number, hflags: number, esp = USTACK): Partial<Rec> =>
      ({ tag: 0x30, err: NONE, eip, cs: 0x1b, eflags, esp, ss: 0x23, hesp, hflags });
    const gp = (label: string, err: number, esp = USTACK): Partial<Rec> =>
      ({ tag: 13, err, eip: sym.get(label)!, cs: 0x1b, eflags: 0x202, esp, ss: 0x23, hesp: KSTACK1 - 24, hflags: 0x002 });
    const expected: Partial<Rec>[] = [
      user(sym.get('after_u1')!, 0x202, KSTACK1 - 20, 0x002),
      ...['f_hlt', 'f_lidt', 'f_ltr', 'f_invlpg', 'f_movfromcr', 'f_movtocr', 'f_cli', 'f_sti', 'f_in_i8', 'f_in_dx', 'f_out_i8', 'f_out_dx']
        .map((l) => gp(l, 0)),
      gp('f_int31', 0x31 * 8 + 2),
      gp('f_int3', 3 * 8 + 2),
      gp('f_iretd', 0, USTACK - 12),
      user(sym.get('after_u2')!, 0x202, KSTACK2 - 20, 0x002), // the new ESP0 of TSS1
      { tag: 0x30, err: NONE, eip: sym.get('after_u3')!, cs: 0x1b, eflags: IOPL3 | 0x202, esp: USTACK, ss: 0x23, hesp: KSTACK3 - 20, hflags: IOPL3 | 0x002 },
    ];
    expect(records(out, expected.length).map((r) => show(r, true))).toEqual(expected.map((r) => show(r, true)));
  });

  it('INVLPG drops a stale translation (4 KiB, global, and a whole 4 MiB page); a CR3 write drops only non-global ones', () => {
    const PD = 0x700000;
    const PT = 0x701000;
    const V = 0x40000000; // PDE 0x100 → PT
    const L = 0x40400000; // PDE 0x101 → a 4 MiB page
    const pte = (i: number) => hex(PT + 4 * i);
    const { out } = run([
      // Frames: the old one of each page and the one its entry is changed to.
      ...[5, 6, 7].flatMap((i) => [
        `mov dword [${hex(0xc00000 + i * 0x1000)}], ${hex(0xaaaa0000 + i)}`,
        `mov dword [${hex(0xc10000 + i * 0x1000)}], ${hex(0xbbbb0000 + i)}`,
      ]),
      'mov dword [0xc0a000], 0xcccc000a',
      'mov dword [0x40a000], 0xdddd000a',
      // The directory: 0–16 MiB identity-mapped with 4 MiB pages, V through a table, L a 4 MiB page.
      ...[0, 1, 2, 3].map((i) => `mov dword [${hex(PD + 4 * i)}], ${hex((i << 22) | 0x87)}`),
      `mov dword [${hex(PD + 4 * 0x100)}], ${hex(PT | 0x07)}`,
      `mov dword [${hex(PD + 4 * 0x101)}], ${hex(0xc00000 | 0x87)}`,
      `mov dword [${pte(5)}], ${hex(0xc05000 | 0x07)}`,
      `mov dword [${pte(6)}], ${hex(0xc06000 | 0x107)}`, // global
      `mov dword [${pte(7)}], ${hex(0xc07000 | 0x07)}`,
      `mov eax, ${hex(PD)}`, 'mov cr3, eax',
      'mov eax, 0x90', 'mov cr4, eax', // PSE, PGE
      'mov eax, cr0', 'or eax, 0x80000000', 'mov cr0, eax',
      // A 4 KiB page.
      `mov eax, [${hex(V + 0x5000)}]`, save(0, 'eax'),
      `mov dword [${pte(5)}], ${hex(0xc15000 | 0x07)}`,
      `mov eax, [${hex(V + 0x5000)}]`, save(1, 'eax'), // stale
      `invlpg [${hex(V + 0x15000)}]`, // another page
      `mov eax, [${hex(V + 0x5000)}]`, save(2, 'eax'), // still stale
      `mov ebx, ${hex(V + 0x5000)}`,
      'invlpg [ebx+0x123]',
      `mov eax, [${hex(V + 0x5000)}]`, save(3, 'eax'), // the new frame
      // A global page survives a CR3 write, not INVLPG.
      `mov eax, [${hex(V + 0x6000)}]`, save(4, 'eax'),
      `mov dword [${pte(6)}], ${hex(0xc16000 | 0x107)}`,
      'mov eax, cr3', 'mov cr3, eax',
      `mov eax, [${hex(V + 0x6000)}]`, save(5, 'eax'), // stale
      `invlpg [${hex(V + 0x6000)}]`,
      `mov eax, [${hex(V + 0x6000)}]`, save(6, 'eax'),
      // A non-global page does not survive a CR3 write.
      `mov eax, [${hex(V + 0x7000)}]`, save(7, 'eax'),
      `mov dword [${pte(7)}], ${hex(0xc17000 | 0x07)}`,
      'mov eax, cr3', 'mov cr3, eax',
      `mov eax, [${hex(V + 0x7000)}]`, save(8, 'eax'),
      // A 4 MiB page: INVLPG of any address in it drops it.
      `mov eax, [${hex(L + 0xa000)}]`, save(9, 'eax'),
      `mov dword [${hex(PD + 4 * 0x101)}], ${hex(0x400000 | 0x87)}`,
      `mov eax, [${hex(L + 0xa000)}]`, save(10, 'eax'), // stale
      `invlpg [${hex(L + 0x3ff000)}]`,
      `mov eax, [${hex(L + 0xa000)}]`, save(11, 'eax'),
      // INVLPG of an address that is not mapped does not fault.
      'invlpg [0x80000000]',
      'mov eax, 1', save(12, 'eax'),
    ], 13);
    expect(out.map(hex8)).toEqual(expectHex([
      0xaaaa0005, 0xaaaa0005, 0xaaaa0005, 0xbbbb0005,
      0xaaaa0006, 0xaaaa0006, 0xbbbb0006,
      0xaaaa0007, 0xbbbb0007,
      0xcccc000a, 0xcccc000a, 0xdddd000a,
      1,
    ]));
  });

  it('IN and OUT in every form: PIC mask (8 and 16 bits), timer period (32 bits), COM1, the debug console, unclaimed ports', () => {
    const serial: number[] = [];
    const debug: number[] = [];
    const { machine } = load([
      // Immediate port.
      'mov eax, 0x11223344', 'in al, 0x21', save(0, 'eax'), // all IRQs masked at power-on
      'mov eax, 0x11223344', 'in ax, 0x21', save(1, 'eax'),
      'mov eax, 0xabcdfff1', 'out 0x21, ax', // mask 0xfff1
      'mov al, 0x7f', 'out 0xa1, al', // mask of IRQs 8–15
      'mov eax, 0', 'in ax, 0x21', save(2, 'eax'),
      'mov eax, 0', 'in al, 0xa1', save(3, 'eax'),
      'mov eax, 0x8badf00d', 'out 0x40, eax', // the timer's period
      'mov eax, 0', 'in eax, 0x40', save(4, 'eax'),
      // Port in DX (only DX counts).
      'mov edx, 0xabcd03ff', // COM1 scratch register
      'mov al, 0x5a', 'out dx, al',
      'mov eax, 0x11223344', 'in al, dx', save(5, 'eax'),
      'mov edx, 0x21',
      'mov eax, 0x5555fff9', 'out dx, ax',
      'mov eax, 0x66666666', 'in ax, dx', save(6, 'eax'),
      'mov edx, 0x40',
      'mov eax, 0x0badf00d', 'out dx, eax',
      'mov eax, 0', 'in eax, dx', save(7, 'eax'),
      'mov eax, 0', 'out dx, eax', // stop the timer
      'mov eax, 0xffff', 'out 0x21, ax', // mask everything again
      // Unclaimed ports read as all ones; writes to them are dropped.
      'mov eax, 0x11223344', 'out 0x80, al', 'in al, 0x80', save(8, 'eax'),
      'mov eax, 0x11223344', 'in ax, 0x80', save(9, 'eax'),
      'mov eax, 0', 'in eax, 0x80', save(10, 'eax'),
      'mov edx, 0x1234',
      'mov eax, 0x11223344', 'out dx, eax', 'in al, dx', save(11, 'eax'),
      'mov eax, 0x11223344', 'in ax, dx', save(12, 'eax'),
      'mov eax, 0', 'in eax, dx', save(13, 'eax'),
      // The debug console reads as 0xE9; bytes written go to the host.
      'mov eax, 0', 'in al, 0xe9', save(14, 'eax'),
      "mov al, 'h'", 'out 0xe9, al',
      "mov al, 'i'", 'mov dx, 0xe9', 'out dx, al',
      // COM1: a byte waits (LSR bit 0), is read from RBR; THR empty (bits 5, 6); output.
      'mov dx, 0x3fd', 'mov eax, 0', 'in al, dx', save(15, 'eax'),
      'mov dx, 0x3f8', 'in al, dx', save(16, 'eax'),
      'mov dx, 0x3fd', 'in al, dx', save(17, 'eax'),
      'mov dx, 0x3f8', "mov al, 'o'", 'out dx, al', "mov al, 'k'", 'out dx, al',
    ], [], { onSerialOutput: (b) => serial.push(b), onDebugOutput: (b) => debug.push(b) });
    machine.serial.receive([0x51]);
    const stop = machine.run(1_000_000);
    expect(stop).toEqual({ kind: 'poweroff', code: 0 });
    const out = Array.from({ length: 18 }, (_, k) => read32(machine, OUT + 4 * k));
    expect(out.map(hex8)).toEqual(expectHex([
      0x112233ff, 0x1122ffff, 0x7ff1, 0x7f, 0x8badf00d,
      0x1122335a, 0x6666fff9, 0x0badf00d,
      0x112233ff, 0x1122ffff, 0xffffffff,
      0x112233ff, 0x1122ffff, 0xffffffff,
      0xe9,
      0x61, 0x51, 0x60,
    ]));
    expect(String.fromCharCode(...debug)).toBe('hi');
    expect(String.fromCharCode(...serial)).toBe('ok');
  });

  it('HLT with IF = 0 stops the machine (stop kind "halted") after the HLT', () => {
    const { machine, sym } = load(['mov eax, 0x1234', 'cli', 'hlt', 'after_hlt:', 'jmp never'], NEVER);
    expect(machine.run(1_000_000)).toEqual({ kind: 'halted' });
    expect(hex8(machine.cpu.eip)).toBe(hex8(sym.get('after_hlt')!));
    expect(machine.run(1_000_000)).toEqual({ kind: 'halted' });
  });

  it('HLT with IF = 1 waits for the timer: the clock jumps to the tick, the interrupt returns after the HLT', () => {
    const PERIOD = 100_000;
    const { out, sym } = run([
      ...installIdt({ 32: 'timer_handler' }, VECTORS),
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      'mov al, 0xfe', 'out 0x21, al', // unmask IRQ 0
      'push dword 0x2', 'popfd',
      'rdtsc', 'mov esi, eax',
      `mov eax, ${PERIOD}`,
      'out 0x40, eax', // the first tick comes PERIOD units after this OUT retires
      'sti',
      'hlt',
      'after_hlt:',
      save(0, 'esi'),
      `mov eax, [${hex(OUT + 4 * 2)}]`, 'sub eax, esi', save(1, 'eax'),
      'cli',
    ], FIRST_REC + REC_WORDS, [
      'timer_handler:',
      'push eax', 'push edx',
      'rdtsc', save(2, 'eax'),
      'mov eax, 0', 'out 0x40, eax', // stop the timer
      'mov al, 0x20', 'out 0x20, al', // EOI
      'pop edx', 'pop eax',
      ...recorder('timer_record', 32, false, false),
      ...unexpectedStubs(VECTORS),
    ]);
    // RDTSC reads t0 (the units before it); two MOVs; the OUT retires at t0 + 4, so the tick
    // comes at t0 + 4 + PERIOD, while halted; its delivery takes one unit; two PUSHes; the
    // handler's RDTSC reads t0 + PERIOD + 7.
    expect(out[1]).toBe(PERIOD + 7);
    const [r] = records(out, 1);
    // The record is made after the handler popped what it pushed.
    expect(show(r)).toBe(show({ tag: 32, err: NONE, eip: sym.get('after_hlt')!, cs: 8, eflags: 0x202, hesp: STACK - 12, hflags: 0x002 }));
  });

  it('STI; HLT cannot lose a wake-up: an interrupt pending at the STI, or due as it retires, arrives after the HLT', () => {
    // `before`: the tick comes during the NOPs, while IF = 0. `at`: the timer is programmed so
    // that the tick is due exactly when the STI retires (the k-th instruction after the OUT
    // retires k units after it).
    for (const [name, period, nops] of [['before', 5, 20], ['at', 10, 9]] as const) {
      const { out, sym } = run([
        ...installIdt({ 32: 'timer_handler' }, VECTORS),
        `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
        'mov al, 0xfe', 'out 0x21, al',
        `mov eax, ${period}`, 'out 0x40, eax',
        ...Array.from({ length: nops }, () => 'nop'),
        'sti',
        'hlt',
        'after_hlt:',
        'cli',
      ], FIRST_REC + REC_WORDS, [
        'timer_handler:',
        'push eax',
        'mov eax, 0', 'out 0x40, eax', // stop the timer
        'mov al, 0x20', 'out 0x20, al',
        'pop eax',
        ...recorder('timer_record', 32, false, false),
        ...unexpectedStubs(VECTORS),
      ]);
      const [r] = records(out, 1);
      expect(hex8(r.eip), name).toBe(hex8(sym.get('after_hlt')!));
    }
  });

  it('HLT with IF = 1 and nothing scheduled goes idle; a byte on COM1 wakes it through IRQ 4', () => {
    const { machine, sym } = load([
      ...installIdt({ 36: 'com1_handler' }, VECTORS),
      `mov dword [${hex(RECPTR)}], ${hex(REC)}`,
      'mov dx, 0x3f9', 'mov al, 1', 'out dx, al', // IER: interrupt on a received byte
      'mov al, 0xef', 'out 0x21, al', // unmask IRQ 4
      'sti',
      'hlt',
      'after_hlt:',
      'cli',
    ], [
      'com1_handler:',
      'push eax', 'push edx',
      'mov dx, 0x3f8', 'in al, dx', save(0, 'eax'),
      'mov al, 0x20', 'out 0x20, al',
      'pop edx', 'pop eax',
      ...recorder('com1_record', 36, false, false),
      ...unexpectedStubs(VECTORS),
    ]);
    expect(machine.run(1_000_000)).toEqual({ kind: 'idle' });
    expect(hex8(machine.cpu.eip)).toBe(hex8(sym.get('after_hlt')!));
    expect(machine.canWake()).toBe(true);
    machine.serial.receive([0x41]);
    expect(machine.run(1_000_000)).toEqual({ kind: 'poweroff', code: 0 });
    const out = Array.from({ length: FIRST_REC + REC_WORDS }, (_, k) => read32(machine, OUT + 4 * k));
    expect(out[0] & 0xff).toBe(0x41);
    const [r] = records(out, 1);
    expect(hex8(r.eip)).toBe(hex8(sym.get('after_hlt')!));
    expect(hex8(r.eflags & IF)).toBe(hex8(IF));
  });

  it('covered every form of HLT, INT, INT3, IRETD, LIDT, LTR, INVLPG, IN and OUT', () => {
    expect(missingForms(GROUP.system, formsRun)).toEqual([]);
  });
});
