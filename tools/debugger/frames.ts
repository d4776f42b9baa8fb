// Stack frames (docs/debugger.md, "Frames"): `backtrace`, `finish` and the `func (args) at
// file:line` of every stop. Compiled functions keep an EBP frame (docs/language.md, "Calling
// convention"): the return address at [ebp+4], the caller's EBP at [ebp], arguments from
// [ebp+8] — except in the first two instructions, before `push ebp; mov ebp, esp` has run.
// Assembly functions are followed by counting the pushes from their start. The trap stubs
// (vectorN, alltraps, trapret) sit on the hardware's interrupt frame, which gives the
// interrupted context — so a backtrace goes from the kernel's page-fault handler through the
// trap into the user program that faulted.

import type { Machine } from '../../emulator/machine.js';
import { decode, type Decoded } from '../../emulator/isa/encoding.js';
import type { Program, Sym } from './symbols.js';
import { tsType, fit } from './expr.js';
import { DebugError, hex } from './memory.js';

/** What frames need from the session. */
export interface Inspector {
  readonly m: Machine;
  programFor(addr: number): Program | null;
  /** A 32-bit word at a virtual address (throws DebugError). */
  read32(addr: number): number;
  /** A code byte at a virtual address (the program file when the page is not present), or -1. */
  codeByte(addr: number): number;
}

export interface TrapInfo {
  vector: number;
  err: number | null;
  fromUser: boolean;
}

export interface Frame {
  level: number;
  pc: number;
  esp: number;
  ebp: number;
  program: Program | null;
  func: Sym | null;
  /** The pc is a return address: its line is the call's (pc - 1). */
  caller: boolean;
  /** A pseudo-frame for a trap: the interrupted context follows it. */
  trap?: TrapInfo;
}

const HAS_ERROR_CODE = new Set([8, 10, 11, 12, 13, 14, 17]);

export function decodeAt(ins: Inspector, addr: number): Decoded | null {
  return decode((i) => ins.codeByte(i >>> 0), addr >>> 0);
}

/** Bytes the instructions from `start` up to (not including) `pc` pushed, or null if they cannot be followed. */
function pushedBetween(ins: Inspector, start: number, pc: number): number | null {
  let depth = 0;
  let a = start >>> 0;
  for (let n = 0; a < pc >>> 0 && n < 200; n++) {
    const d = decodeAt(ins, a);
    if (!d) return null;
    const mn = d.form.mnemonic;
    const ops = d.operands;
    if (mn === 'push' || mn === 'pushfd') depth += 4;
    else if (mn === 'pop' || mn === 'popfd') depth -= 4;
    else if (mn === 'pushad') depth += 32;
    else if (mn === 'popad') depth -= 32;
    else if ((mn === 'add' || mn === 'sub') && ops[0]?.type === 'reg' && ops[0].reg === 4 && ops[1]?.type === 'imm') {
      depth += mn === 'sub' ? ops[1].value : -ops[1].value;
    }
    a = (a + d.length) >>> 0;
  }
  return depth;
}

/** Is this function one of the kernel's trap entry stubs (on an interrupt frame)? */
function trapStub(f: Sym): 'vector' | 'alltraps' | 'trapret' | null {
  if (/^vector\d+$/.test(f.name)) return 'vector';
  if (f.name === 'alltraps') return 'alltraps';
  if (f.name === 'trapret') return 'trapret';
  return null;
}

/**
 * Where a compiled function's arguments start ([ebp+8] once the frame is built) and where the
 * caller's EBP is kept (null: EBP still holds it).
 */
function frameLayout(ins: Inspector, fr: Frame): { base: number; savedEbp: number | null } | null {
  if (!fr.func || !fr.program || !fr.program.isCompiled(fr.func)) return null;
  const start = fr.func.addr;
  if (fr.pc === start) return { base: (fr.esp + 4) >>> 0, savedEbp: null };
  const first = decodeAt(ins, start);
  if (first && fr.pc === (start + first.length) >>> 0) return { base: (fr.esp + 8) >>> 0, savedEbp: fr.esp };
  const here = decodeAt(ins, fr.pc);
  if (here && here.form.mnemonic === 'ret') return { base: (fr.esp + 4) >>> 0, savedEbp: null };
  return { base: (fr.ebp + 8) >>> 0, savedEbp: fr.ebp };
}

export function argBase(ins: Inspector, fr: Frame): number | null {
  return frameLayout(ins, fr)?.base ?? null;
}

/** `tf=0xc03fefb4, user=true`: the arguments of a compiled function, read from its frame. */
export function frameArgs(ins: Inspector, fr: Frame): string {
  if (!fr.func || !fr.program) return '';
  const sig = fr.program.signature(fr.func);
  const base = argBase(ins, fr);
  if (!sig || base === null) return '';
  const homes = fr.program.paramHomes(fr.func);
  return sig.params.map((p, i) => {
    const a = (base + 4 * i) >>> 0;
    // Kept in a register and changed by the function: the frame's word is what was passed, and
    // no record says where the register holds the current value (gdb's word for that).
    if (homes[i]?.reg && homes[i].assigned && !untouched(ins, fr)) return `${p.name}=<optimized out>`;
    try {
      return `${p.name}=${formatArg(ins.read32(a), p.type)}`;
    } catch (e) {
      if (e instanceof DebugError) return `${p.name}=<error: ${e.message}>`;
      throw e;
    }
  }).join(', ');
}

/** Is frame 0 still in its function's prologue (the parameters not yet copied into registers)? */
export function atEntry(ins: Inspector, fr: Frame): boolean {
  if (fr.level !== 0 || !fr.func || !fr.program) return false;
  return (fr.pc >>> 0) < fr.program.afterPrologue(fr.func);
}

/**
 * Has frame 0's function run none of its body yet (the pc in its prologue, or at its first line,
 * where a breakpoint on the function stops)? Then every parameter still has the value passed.
 */
export function untouched(ins: Inspector, fr: Frame): boolean {
  if (fr.level !== 0 || !fr.func || !fr.program) return false;
  return (fr.pc >>> 0) <= fr.program.afterPrologue(fr.func);
}

/** An argument or result as its TypeScript type says. */
export function formatArg(v: number, type: string): string {
  const t = tsType(type);
  if (t.kind === 'bool') return (v & 0xff) ? 'true' : 'false';
  if (t.kind === 'usize') return hex(v);
  const x = fit(v, t);
  return String(x);
}

/** The frames from the current registers outwards (at most `max`). */
export function unwind(ins: Inspector, max = 64, pastMain = false): Frame[] {
  const m = ins.m;
  const frames: Frame[] = [];
  let pc = m.cpu.eip >>> 0, esp = m.cpu.regs[4] >>> 0, ebp = m.cpu.regs[5] >>> 0;
  let caller = false;
  while (frames.length < max) {
    const program = ins.programFor(pc);
    const func = program?.functionAt(caller ? pc - 1 : pc) ?? null;
    const fr: Frame = { level: frames.length, pc, esp, ebp, program, func, caller };
    frames.push(fr);
    if (!func || !program) break;
    if (func.name === '_start' || (!pastMain && (func.name === 'main' || func.name === 'kmain'))) break;
    try {
      const stub = trapStub(func);
      if (stub) {
        // The interrupted context, from the hardware's frame: EIP, CS, EFLAGS [, ESP, SS].
        const startDepth = stub === 'vector' ? (HAS_ERROR_CODE.has(Number(func.name.slice(6))) ? 4 : 0) : stub === 'alltraps' ? 8 : 40;
        const pushed = pushedBetween(ins, func.addr, pc);
        if (pushed === null) break;
        const d = startDepth + pushed;
        const at = (esp + d) >>> 0;
        const eip = ins.read32(at), cs = ins.read32(at + 4);
        const fromUser = (cs & 3) === 3;
        let vector: number, err: number | null;
        if (stub === 'vector') {
          vector = Number(func.name.slice(6));
          err = HAS_ERROR_CODE.has(vector) ? ins.read32(at - 4) : null;
        } else {
          vector = ins.read32(at - 8);
          err = HAS_ERROR_CODE.has(vector) ? ins.read32(at - 4) : null;
        }
        frames.push({ level: frames.length, pc, esp, ebp, program, func: null, caller: false, trap: { vector, err, fromUser } });
        pc = eip >>> 0;
        esp = fromUser ? ins.read32(at + 12) >>> 0 : (at + 12) >>> 0;
        caller = false;
        continue;
      }
      let ret: number, nesp: number, nebp: number;
      if (program.isCompiled(func)) {
        const l = frameLayout(ins, fr)!;
        // The return address sits just below the arguments; after RET, ESP points at them.
        ret = ins.read32(l.base - 4);
        nesp = l.base;
        nebp = l.savedEbp === null ? ebp : ins.read32(l.savedEbp);
      } else {
        const pushed = pushedBetween(ins, func.addr, pc);
        if (pushed === null || pushed < 0) break;
        ret = ins.read32(esp + pushed);
        nesp = (esp + pushed + 4) >>> 0;
        nebp = ebp;
      }
      if (ret === 0 || nesp <= esp) break;
      pc = ret >>> 0; esp = nesp; ebp = nebp >>> 0;
      caller = true;
    } catch (e) {
      if (e instanceof DebugError) break;
      throw e;
    }
  }
  return frames;
}

/** Names of the vectors the kernel uses (trap.ts, docs/kernel.md "The trap path"). */
export function vectorName(v: number): string {
  switch (v) {
    case 0: return 'divide error (#DE)';
    case 1: return 'debug trap (#DB)';
    case 3: return 'breakpoint (#BP)';
    case 6: return 'invalid opcode (#UD)';
    case 8: return 'double fault (#DF)';
    case 13: return 'general protection fault (#GP)';
    case 14: return 'page fault (#PF)';
    case 32: return 'timer interrupt (IRQ 0)';
    case 36: return 'COM1 interrupt (IRQ 4)';
    case 46: return 'disk interrupt (IRQ 14)';
    case 0x80: return 'system call (int 0x80)';
    default: return v >= 32 && v < 48 ? `interrupt (IRQ ${v - 32})` : `trap ${v}`;
  }
}

export function trapText(t: TrapInfo): string {
  return `<${vectorName(t.vector)}${t.err !== null ? `, error ${hex(t.err)}` : ''}, from CPL ${t.fromUser ? 3 : 0}>`;
}
