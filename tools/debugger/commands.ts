// The console's commands (SPEC §6, docs/debugger.md): gdb's names, abbreviations and output
// where gdb has the command, QEMU's monitor (`xp`, `info tlb`, `info mem`) and Bochs (`info idt`)
// where the command is theirs, toy86's own for the rest (`walk`, `send`, the kernel views).
// A command that cannot be done says why in one line and the session goes on.

import { readFileSync } from 'node:fs';
import { S, CR } from '../../emulator/cpu/state.js';
import { formatInstruction } from '../../emulator/isa/disasm.js';
import { decode } from '../../emulator/isa/encoding.js';
import { Session, formatValue, eflagsText, REVERSE_LINE_LIMIT, type Breakpoint, type Stop } from './session.js';
import { DebugError, KERNBASE, hex, hex8, pad8, readVirt, readPhys, quote, charText } from './memory.js';
import { walk, tlbInfo, memInfo, type Access } from './paging.js';
import { unwind, formatArg, argBase, frameArgs, trapText, type Frame } from './frames.js';
import { isCode, sourceLine, sourceLines, type Program } from './symbols.js';
import { parseExpression, tsType, typeName, T, type Value } from './expr.js';

type Handler = (s: Session, args: string, ctx: CommandContext) => Promise<void> | void;

interface Command {
  name: string;
  aliases?: string[];
  help: string;
  run: Handler;
  /** The command moves the machine: the displays are shown after it. */
  moves?: boolean;
}

/** What commands share across a session: `x`'s last format and address, `list`'s position, tracing. */
export class CommandContext {
  xFmt = 'x';
  xSize = 4;
  xNext: number | null = null;
  xpNext: number | null = null;
  listNext: { file: string; line: number } | null = null;
  /** The first line `list` showed last (for `list -`). */
  listPrev: { file: string; line: number } | null = null;
  /** Where the machine and the selected frame were when `list` last listed (a stop or `frame` starts over there). */
  listAt = '';
  traceStop: (() => void) | null = null;
  traceKinds: string[] = [];
  quit = false;
  /** How deep `source` commands are nested (a file that sources itself is stopped). */
  sourceDepth = 0;
  /** `display` expressions, shown after every stop. */
  displays: Display[] = [];
  nextDisplay = 1;
}

interface Display {
  num: number;
  expr: string;
  /** The format as given (`/x`, `/i`, `/4xw`), or ''. */
  fmt: string;
  /** Shown as `x` shows memory (a count, a size, or i or s), else as `print` shows a value. */
  examine: boolean;
  enabled: boolean;
}

const out = (s: Session, text: string) => s.out(text.endsWith('\n') || text === '' ? text : text + '\n');

// ---- breakpoints --------------------------------------------------------------------------------

/**
 * `in main at userland/bin/sh.ts:40` for a breakpoint's table. A location resolved from a program
 * other than the current address space's (`break sh:main` while cow runs) is described from that
 * program's symbols and lines.
 */
function where(s: Session, addr: number, program?: Program | null): string {
  const p = program ?? s.programFor(addr);
  const f = p?.functionAt(addr);
  const l = p?.lineAt(addr);
  if (f && l) return `in ${f.name} at ${l.file}:${l.line}`;
  if (program) {
    const sym = program.symbolAt(addr);
    if (sym) return `<${program.isKernel ? '' : `${program.name}:`}${sym.name}${addr - sym.addr ? `+${addr - sym.addr}` : ''}>`;
  }
  const a = s.angle(addr);
  return a || '';
}

function breakCommand(temp: boolean): Handler {
  return (s, args) => {
    let spec = args.trim(), cond: string | null = null;
    const m = /^(.*?)\s+if\s+(.+)$/.exec(spec) ?? (/^if\s+(.+)$/.exec(spec) ? ['', '', /^if\s+(.+)$/.exec(spec)![1]] : null);
    if (m) { spec = m[1].trim(); cond = m[2]; parseExpression(cond); }
    const loc = s.resolve(spec);
    const bp = s.newBreakpoint('breakpoint', {
      temp, addr: loc.addr, cond, what: where(s, loc.addr, loc.program),
      program: loc.program && !loc.program.isKernel && loc.addr < KERNBASE ? loc.program.name : null,
    });
    out(s, `${temp ? 'Temporary breakpoint' : 'Breakpoint'} ${bp.num} at ${s.describeAt(loc.addr, loc.program)}`);
  };
}

/**
 * What a watch expression names: a variable (its address, size and type, without reading it — the
 * kernel's data may not be mapped yet), `*EXPR`, any other lvalue, or (SPEC §6) an address.
 */
function watchTarget(s: Session, expr: string): { addr: number; len: number; vtype: Value['type']; label: string } {
  const plain = /^(?:'?([^':\s]+)'?::)?([A-Za-z_][\w.$]*)$/.exec(expr);
  if (plain) {
    const found = s.findSymbol(plain[2], plain[1]);
    if (found && !isCode(found.program, found.sym)) {
      const decl = found.program.variableType(found.sym);
      if (decl && decl !== 'memory.data') {
        const vtype = tsType(decl);
        return { addr: found.sym.addr, len: Math.max(1, vtype.size), vtype, label: expr };
      }
      const len = found.sym.size === 1 || found.sym.size === 2 ? found.sym.size : 4;
      return { addr: found.sym.addr, len, vtype: len === 4 ? T.int : { kind: 'uint', size: len }, label: expr };
    }
  }
  if (expr.startsWith('*') && !expr.startsWith('*(')) {
    const a = s.eval(expr.slice(1)).v >>> 0;
    return { addr: a, len: 4, vtype: T.int, label: expr };
  }
  const v = s.eval(expr);
  // A parameter kept in a register: neither its value nor the frame's word is what to watch.
  if (v.readonly) throw new DebugError(v.readonly.replace(/^Cannot assign to/, 'Cannot watch'));
  if (v.lval && v.lval.kind === 'mem') return { addr: v.lval.addr, len: v.lval.size, vtype: v.type, label: expr };
  if (v.lval) throw new DebugError('Cannot watch a register or a convenience variable.');
  // `watch ADDR` (SPEC §6): the 32-bit word at that address.
  return { addr: v.v >>> 0, len: 4, vtype: T.int, label: `*${hex(v.v >>> 0)}` };
}

function watchCommand(type: Breakpoint['type']): Handler {
  return (s, args) => {
    const expr = args.trim();
    if (!expr) throw new DebugError('Argument required (expression to compute).');
    const w = watchTarget(s, expr);
    const bp = s.newBreakpoint(type, { addr: w.addr, len: w.len, vtype: w.vtype, expr: w.label });
    bp.old = s.watchValue(bp);
    const head = type === 'hw watchpoint' ? 'Hardware watchpoint' : type === 'read watchpoint' ? 'Hardware read watchpoint' : 'Hardware access (read/write) watchpoint';
    out(s, `${head} ${bp.num}: ${w.label}`);
  };
}

const FAULT_NAMES: Record<string, number> = { de: 0, db: 1, bp: 3, ud: 6, df: 8, gp: 13, pf: 14 };
const FAULT_SHORT = ['#DE', '#DB', '', '#BP', '', '', '#UD', '', '#DF', '', '', '', '', '#GP', '#PF'];

function catchCommand(s: Session, args: string): void {
  const [what, ...rest] = args.trim().split(/\s+/).filter(Boolean);
  if (what === 'fault' || what === 'exception') {
    let vectors: number[] | null = null;
    if (rest.length) {
      vectors = rest.map((r) => {
        const k = r.toLowerCase().replace(/^#/, '');
        if (k in FAULT_NAMES) return FAULT_NAMES[k];
        const n = /^(0x[0-9a-f]+|\d+)$/i.test(k) ? Number(k) : NaN;
        if (!Number.isInteger(n) || n < 0 || n > 255) throw new DebugError(`catch fault: '${r}' is not a vector (a number, or pf gp ud de db bp df)`);
        return n;
      });
    }
    const bp = s.newBreakpoint('catchpoint', { vectors, what: vectors ? `fault ${vectors.map((v) => FAULT_SHORT[v] || `vector ${v}`).join(' ')}` : 'fault' });
    out(s, `Catchpoint ${bp.num} (${bp.what})`);
    return;
  }
  if (what === 'syscall') {
    if (!rest.length) {
      const bp = s.newBreakpoint('catchpoint', { syscall: -1, what: 'syscall' });
      out(s, `Catchpoint ${bp.num} (any syscall)`);
      return;
    }
    for (const r of rest) {
      let n: number;
      if (/^\d+$/.test(r)) n = Number(r);
      else {
        const e = [...s.syscalls].find(([, name]) => name === r);
        if (!e) throw new DebugError(`Unknown syscall name '${r}'.`);
        n = e[0];
      }
      const name = s.syscalls.get(n);
      const bp = s.newBreakpoint('catchpoint', { syscall: n, what: `syscall ${name ? `"${name}"` : n}` });
      out(s, name ? `Catchpoint ${bp.num} (syscall '${name}' [${n}])` : `Catchpoint ${bp.num} (syscall ${n})`);
    }
    return;
  }
  throw new DebugError(what ? `Undefined catch command: "${what}".  Try "help catch".` : '"catch" must be followed by the name of a catch subcommand: fault, syscall.');
}

function numbers(s: Session, args: string): Breakpoint[] {
  const list = args.trim().split(/\s+/).filter(Boolean);
  if (!list.length) return [...s.bps];
  const out: Breakpoint[] = [];
  for (const a of list) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(a);
    if (!m) throw new DebugError("Args must be numbers or '$' variables.");
    const lo = Number(m[1]), hi = m[2] ? Number(m[2]) : lo;
    for (let n = lo; n <= hi; n++) {
      const b = s.bps.find((x) => x.num === n);
      if (!b) throw new DebugError(`No breakpoint number ${n}.`);
      out.push(b);
    }
  }
  return out;
}

function infoBreakpoints(s: Session, args: string, watchOnly: boolean): void {
  const list = (args.trim() ? numbers(s, args) : s.bps).filter((b) => !watchOnly || b.type.endsWith('watchpoint'));
  if (!list.length) { out(s, watchOnly ? 'No watchpoints.' : 'No breakpoints or watchpoints.'); return; }
  const lines = ['Num     Type           Disp Enb Address    What'];
  for (const b of list) {
    const addr = b.type === 'breakpoint' ? hex8(b.addr) : '';
    const what = b.type === 'breakpoint' ? b.what : b.type === 'catchpoint' ? b.what : b.expr;
    lines.push(`${String(b.num).padEnd(7)} ${b.type.padEnd(14)} ${(b.temp ? 'del' : 'keep').padEnd(4)} ${(b.enabled ? 'y' : 'n').padEnd(3)} ${addr.padEnd(10)} ${what}`.trimEnd());
    if (b.cond) lines.push(`\tstop only if ${b.cond}`);
    if (b.hits) lines.push(`\t${b.type === 'catchpoint' ? 'catchpoint' : 'breakpoint'} already hit ${b.hits} time${b.hits === 1 ? '' : 's'}`);
    if (b.ignore) lines.push(`\tWill ignore next ${b.ignore} crossings of breakpoint.`);
  }
  out(s, lines.join('\n'));
}

// ---- running ------------------------------------------------------------------------------------

function startFunc(s: Session) {
  return s.topFrame().func;
}

function count(args: string, s: Session): number {
  const a = args.trim();
  if (!a) return 1;
  const n = s.eval(a).v;
  if (!Number.isInteger(n) || n < 0) throw new DebugError(`Invalid number "${a}".`);
  return n;
}

async function continueCommand(s: Session, args: string): Promise<void> {
  if (args.trim()) {
    const n = count(args, s);
    const here = s.bps.find((b) => b.type === 'breakpoint' && b.addr === s.m.cpu.eip >>> 0);
    if (here && n > 1) { here.ignore = n - 1; out(s, `Will ignore next ${n - 1} crossings of breakpoint ${here.num}.  Continuing.`); }
    else out(s, 'Continuing.');
  } else {
    if (s.m.stopReason) { out(s, 'The program is not being run.'); return; }
    out(s, 'Continuing.');
  }
  const f = startFunc(s);
  out(s, s.report(await s.forward({}), f));
}

/**
 * gdb's `jump LOC`: go on at LOC (EIP set, logged as `set $pc` is, so replays repeat it). The
 * stack and the other registers stay as they are: LOC should be in the current function.
 */
async function jumpCommand(s: Session, args: string): Promise<void> {
  if (!args.trim()) throw new DebugError('Argument required (starting address).');
  if (s.m.stopReason) { out(s, 'The program is not being run.'); return; }
  const loc = s.resolve(args.trim());
  s.setRegister('eip', loc.addr);
  out(s, `Continuing at ${hex(loc.addr)}.`);
  const f = startFunc(s);
  // A breakpoint at LOC stops there at once (gdb's jump).
  out(s, s.report(s.breakpointHere() ?? await s.forward({}), f));
}

/**
 * gdb's `run` and `start`: the machine is made stopped before its first instruction, so `run`
 * starts it as `continue` would; run again, it starts over from power-on (the history's start,
 * the same run again — its output shown again). `start` first sets a temporary breakpoint on
 * main (the program's; the kernel's kmain without one).
 */
async function runProgram(s: Session, args: string, ctx: CommandContext, start: boolean): Promise<void> {
  if (args.trim()) throw new DebugError('The program\'s arguments are given on the command line: toy86 debug run PROGRAM ARGS...');
  if (s.history.first.clock !== 0) throw new DebugError('This machine was started by toy86 boot before the console: continue goes on, reverse-continue and reverse-stepi go back.');
  if (start) {
    let loc = 'main';
    try { s.resolve(loc); } catch { loc = 'kmain'; }
    await runCommand(s, `tbreak ${loc}`, ctx);
  }
  if (s.busy() > s.history.first.busy || s.m.stopReason) s.restart();
  out(s, `Starting program: ${s.target.kernelPath}${s.target.append ? ' ' + s.target.append : ''}`);
  const f = startFunc(s);
  out(s, s.report(await s.forward({}), f));
}

async function stepiCommand(s: Session, args: string): Promise<void> {
  const n = count(args, s);
  const f = startFunc(s);
  const stop = await s.forward({ untilBusy: s.busy() + n });
  out(s, s.report(stop, f));
}

async function nextiCommand(s: Session, args: string): Promise<void> {
  const n = count(args, s);
  let stop: Stop = { kind: 'done' };
  const f = startFunc(s);
  for (let i = 0; i < n && stop.kind === 'done'; i++) {
    const eip = s.m.cpu.eip >>> 0;
    const d = s.decodeAt(eip);
    const mn = d?.form.mnemonic ?? '';
    if (d && (mn === 'call' || mn === 'int' || mn.startsWith('rep'))) {
      stop = await s.forward({ internal: { addr: (eip + d.length) >>> 0, esp: s.m.cpu.regs[4] >>> 0, cr3: s.m.cpu.state[S.CR3] >>> 0 } });
    } else {
      stop = await s.forward({ untilBusy: s.busy() + 1 });
    }
  }
  out(s, s.report(stop, f));
}

/**
 * step / next: run to the start of another source line, in the same address space and ring — an
 * interrupt or exception taken on the way is run through to its return (so stepping user code
 * does not wander into the kernel's handlers), and so is a system call (`int`). `next` also runs
 * calls through; `step` goes into a called function and stops after its prologue.
 */
async function stepLine(s: Session, args: string, over: boolean): Promise<void> {
  const n = count(args, s);
  const f = startFunc(s);
  let stop: Stop = { kind: 'done' };
  for (let k = 0; k < n && stop.kind === 'done'; k++) stop = await stepOneLine(s, over);
  out(s, s.report(stop, f));
}

/** One `step` (over false) or `next` (over true). */
async function stepOneLine(s: Session, over: boolean): Promise<Stop> {
  let stop: Stop = { kind: 'done' };
  const st = s.m.cpu.state;
  const start = s.lineOf(s.m.cpu.eip, false);
  if (!start) throw new DebugError('Cannot find bounds of current function');
  const cpl = st[S.CPL], cr3 = st[S.CR3] >>> 0;
  for (let i = 0; i < 1_000_000; i++) {
    const pc = s.m.cpu.eip >>> 0, esp = s.m.cpu.regs[4] >>> 0;
    const d = s.decodeAt(pc);
    const mn = d?.form.mnemonic ?? '';
    if (d && (mn === 'int' || (over && mn === 'call'))) {
      stop = await s.forward({ internal: { addr: (pc + d.length) >>> 0, esp, cr3 } });
    } else {
      stop = await s.forward({ untilBusy: s.busy() + 1 });
      if (stop.kind === 'done' && (st[S.CPL] !== cpl || (st[S.CR3] >>> 0) !== cr3)) {
        // An interrupt or a fault: back to where it was taken.
        stop = await s.forward({ internal: { addr: pc, esp, cr3 } });
      }
    }
    if (stop.kind !== 'done') break;
    const here = s.m.cpu.eip >>> 0;
    const l = s.lineOf(here, false);
    if (!l || !l.start || (l.file === start.file && l.line === start.line)) continue;
    const fn = s.programFor(here)?.functionAt(here);
    // Into a compiled function: stop after its prologue, as gdb does.
    if (fn && here === fn.addr && s.programFor(here)!.afterPrologue(fn) !== here) continue;
    break;
  }
  return stop;
}

/** The selected frame and its caller, for finish and reverse-finish. */
function frameAndCaller(s: Session): { f0: Frame; f1: Frame } {
  const level = s.selectedLevel();
  const frames = unwind(s, level + 2, true);
  if (frames.length < level + 2 || frames[level + 1].trap || !frames[level].func) throw new DebugError('"finish" not meaningful in the outermost frame.');
  return { f0: frames[level], f1: frames[level + 1] };
}

/**
 * gdb's `advance LOC` and `until LOC`: run until LOC, or until the current frame returns to its
 * caller; `until` alone: `next`, but not back to an earlier line of a loop (on to a line past
 * this one, or out of the frame).
 */
async function advanceCommand(s: Session, args: string, until: boolean): Promise<void> {
  const f = startFunc(s);
  if (!args.trim()) {
    if (!until) throw new DebugError('Argument required (a location).');
    const from = s.lineOf(s.m.cpu.eip, false);
    if (!from) throw new DebugError('Cannot find bounds of current function');
    const ebp = s.m.cpu.regs[5] >>> 0;
    let stop: Stop;
    for (;;) {
      stop = await stepOneLine(s, true);
      if (stop.kind !== 'done') break;
      // Still in this frame, at a line before this one (a loop's jump back): go on.
      const l = s.lineOf(s.m.cpu.eip, false);
      const fn = startFunc(s);
      if (!l || !f || !fn || fn.addr !== f.addr || (s.m.cpu.regs[5] >>> 0) !== ebp || l.file !== from.file || l.line > from.line) break;
    }
    out(s, s.report(stop, f));
    return;
  }
  const loc = s.resolve(args);
  const frames = unwind(s, 2, true);
  const caller = frames.length > 1 && !frames[1].trap ? frames[1] : null;
  const stop = await s.forward({ at: loc.addr, internal: caller ? { addr: caller.pc, esp: caller.esp, cr3: s.m.cpu.state[S.CR3] >>> 0 } : undefined });
  out(s, s.report(stop, f));
}

async function finishCommand(s: Session, args = ''): Promise<void> {
  if (args.trim()) throw new DebugError('The "finish" command does not take any arguments.');
  const { f0, f1 } = frameAndCaller(s);
  out(s, `Run till exit from #${f0.level}  ${s.frameText(f0, f0.level ? 'always' : 'auto')}`);
  const stop = await s.forward({ internal: { addr: f1.pc, esp: f1.esp, cr3: s.m.cpu.state[S.CR3] >>> 0 } });
  if (stop.kind !== 'done') { out(s, s.report(stop, f0.func)); return; }
  out(s, s.where());
  const sig = f0.program?.signature(f0.func!);
  if (sig && sig.ret !== 'void') {
    const v = formatArg(s.m.cpu.regs[0], sig.ret);
    s.values.push({ v: s.m.cpu.regs[0], type: T.int });
    out(s, `Value returned is $${s.values.length} = ${v}`);
  }
}

function reverseStepi(s: Session, args: string): void {
  const n = count(args, s);
  const f = startFunc(s);
  const first = s.history.first.busy;
  const target = s.busy() - n;
  if (s.busy() <= first) { out(s, `\nNo more reverse-execution history.\n${s.where()}`); return; }
  s.goTo(Math.max(first, target));
  if (target < first) out(s, `\nNo more reverse-execution history.\n${s.where()}`);
  else out(s, s.stepWhere(f));
}

/** reverse-step and reverse-next. */
function reverseLineCommand(s: Session, args: string, over: boolean): void {
  const n = count(args, s);
  const f = startFunc(s);
  for (let i = 0; i < n; i++) {
    const r = s.reverseLine(over);
    if (r === 'start') { out(s, `\nNo more reverse-execution history.\n${s.where()}`); return; }
    if (r === 'limit') throw new DebugError(`Cannot find where this line began in the last ${REVERSE_LINE_LIMIT} instructions.`);
  }
  out(s, s.stepWhere(f));
}

function reverseNexti(s: Session, args: string): void {
  const n = count(args, s);
  const f = startFunc(s);
  for (let i = 0; i < n; i++) {
    if (!s.reverseNexti()) { out(s, `\nNo more reverse-execution history.\n${s.where()}`); return; }
  }
  out(s, s.stepWhere(f));
}

function reverseFinish(s: Session): void {
  const { f0, f1 } = frameAndCaller(s);
  const call = s.callsBefore(f1.pc, 'call');
  if (!call.length) throw new DebugError(`Cannot find the call before ${hex(f1.pc)}.`);
  out(s, `Run back to call of #${f0.level}  ${s.frameText(f0, f0.level ? 'always' : 'auto')}`);
  if (!s.reverseFinish(call, f1.esp)) { out(s, `\nNo more reverse-execution history.\n${s.where()}`); return; }
  out(s, s.where());
}

function reverseContinue(s: Session): void {
  out(s, 'Continuing.');
  const stop = s.reverseContinue();
  if (!stop) { out(s, `\nNo more reverse-execution history.\n${s.where()}`); return; }
  out(s, s.report(stop, null));
}

// ---- registers ----------------------------------------------------------------------------------

function regLine(name: string, raw: string, natural: string): string {
  return `${name.padEnd(15)}${raw.padEnd(19)}${natural}`;
}

function crFlags(v: number, names: [number, string][]): string {
  const set = names.filter(([b]) => v & b).map(([, n]) => n);
  return `[ ${set.join(' ')}${set.length ? ' ' : ''}]`;
}

const REGISTER_ORDER = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'cs', 'ss', 'cr0', 'cr2', 'cr3', 'cr4', 'cpl', 'idtr', 'tr'];

function registerLine(s: Session, name: string): string {
  const c = s.m.cpu, st = c.state;
  const r = s.register(name);
  if (!r) throw new DebugError(`Invalid register \`${name}'`);
  const u = r.v >>> 0;
  switch (name) {
    case 'esp': case 'ebp': case 'sp': case 'fp': return regLine(name, hex(u), hex(u));
    case 'eip': case 'pc': { const a = s.angle(u); return regLine(name, hex(u), a ? `${hex(u)} ${a}` : hex(u)); }
    case 'eflags': return regLine(name, hex(u), eflagsText(u));
    case 'cr0': return regLine(name, hex(u), crFlags(u, [[CR.PG, 'PG'], [CR.WP, 'WP'], [CR.PE, 'PE']]));
    case 'cr3': return regLine(name, hex(u), `[ PDBR=${hex(u >>> 12)} ]`);
    case 'cr4': return regLine(name, hex(u), crFlags(u, [[CR.PGE, 'PGE'], [CR.PSE, 'PSE']]));
    case 'idtr': return regLine(name, hex(st[S.IDT_BASE]), `{base = ${hex(st[S.IDT_BASE])}, limit = ${hex(st[S.IDT_LIMIT] & 0xffff)}}`);
    case 'tr': return regLine(name, hex(st[S.TR]), hex(st[S.TR]));
    case 'cr2': return regLine(name, hex(u), String(u));
    default: return regLine(name, hex(r.type.size === 4 ? u : r.v & ((1 << (8 * r.type.size)) - 1)), String(r.v));
  }
}

function infoRegisters(s: Session, args: string): void {
  const names = args.trim().split(/\s+/).filter(Boolean).map((n) => n.replace(/^\$/, '').toLowerCase());
  out(s, (names.length ? names : REGISTER_ORDER).map((n) => registerLine(s, n)).join('\n'));
}

// ---- examining memory -----------------------------------------------------------------------------

/**
 * `/NFU`: count, format letter, unit letter, in any order (gdb's letters: formats x d u o t a c f
 * s i z, units b h w g; a size given is remembered, `f` takes w or g, `a` the pointer's size).
 */
function parseFmt(mod: string, ctx: { fmt: string; size: number }): { n: number; fmt: string; size: number } {
  let n = 1, fmt = ctx.fmt, size = ctx.size;
  let sizeGiven = false;
  const m = /^(-?\d*)([a-z]*)$/i.exec(mod);
  if (!m) throw new DebugError(`Invalid number "${mod}".`);
  if (m[1]) n = Number(m[1]);
  if (n < 0) throw new DebugError('toy86 examines memory forward only: give a positive count.');
  for (const ch of m[2]) {
    if ('xduotacfisz'.includes(ch)) fmt = ch;
    else if (ch === 'b') { size = 1; sizeGiven = true; }
    else if (ch === 'h') { size = 2; sizeGiven = true; }
    else if (ch === 'w') { size = 4; sizeGiven = true; }
    else if (ch === 'g') { size = 8; sizeGiven = true; }
    else throw new DebugError(`Undefined output format "${ch}".`);
  }
  if (fmt === 'c' && !sizeGiven) size = 1;
  if (fmt === 'a') size = 4;
  // gdb: floating point is word or giant word.
  if (fmt === 'f' && size < 4) size = sizeGiven ? size : 8;
  return { n, fmt, size };
}

/** A value as C's printf %.Ng prints it (gdb prints floats with %.9g, doubles with %.17g). */
function gFormat(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expText] = x.toExponential(prec - 1).split('e');
  const e = Number(expText);
  const strip = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (e < -4 || e >= prec) return `${strip(mant)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return strip(x.toFixed(Math.max(0, prec - 1 - e)));
}

/** One unit of memory (little-endian bytes, 1 to 8 of them) in an x format. */
function formatUnit(b: Uint8Array, fmt: string, angle: (a: number) => string): string {
  const size = b.length, bits = size * 8;
  let big = 0n;
  for (let q = size - 1; q >= 0; q--) big = (big << 8n) | BigInt(b[q]);
  const u = Number(big);
  const signed = BigInt.asIntN(bits, big);
  switch (fmt) {
    case 'x': case 'z': return '0x' + big.toString(16).padStart(size * 2, '0');
    case 'd': return signed.toString();
    case 'u': return big.toString();
    case 'o': return big ? '0' + big.toString(8) : '0';
    case 't': return big.toString(2).padStart(bits, '0');
    case 'a': { const a = angle(u); return a ? `${hex(u)} ${a}` : hex(u); }
    case 'c': return `${(b[0] << 24) >> 24} '${charText(b[0], "'")}'`;
    case 'f': {
      const dv = new DataView(b.buffer, b.byteOffset, size);
      if (size === 4) return gFormat(dv.getFloat32(0, true), 9);
      if (size === 8) return gFormat(dv.getFloat64(0, true), 17);
      return signed.toString();
    }
    default: return big.toString();
  }
}

function label(s: Session, addr: number): string {
  const a = s.angle(addr);
  return a ? `${hex(addr)} ${a}` : hex(addr);
}

function disasmLine(s: Session, addr: number, withFunc: { start: number } | null, raw: boolean, byteAt: (a: number) => number): { text: string; len: number } {
  const d = decode((i) => byteAt(i >>> 0), addr >>> 0);
  const mark = addr >>> 0 === s.m.cpu.eip >>> 0 ? '=> ' : '   ';
  const where = withFunc ? `<+${(addr - withFunc.start) >>> 0}>` : s.angle(addr);
  const len = d ? d.length : 1;
  let bytes = '';
  if (raw) {
    const b: string[] = [];
    for (let i = 0; i < len; i++) { const x = byteAt((addr + i) >>> 0); b.push(x < 0 ? '??' : x.toString(16).padStart(2, '0')); }
    bytes = b.join(' ') + '\t';
  }
  const text = d ? formatInstruction(d, addr, (t) => s.angle(t) || null) : '(bad)';
  return { text: `${mark}${hex8(addr)}${where ? ' ' + where : ''}:\t${bytes}${text}`, len };
}

function examine(s: Session, args: string, ctx: CommandContext): void {
  let rest = args.trim();
  let mod = '';
  const m = /^\/(\S*)\s*(.*)$/.exec(rest);
  if (m) { mod = m[1]; rest = m[2]; }
  const f = parseFmt(mod, { fmt: ctx.xFmt, size: ctx.xSize });
  ctx.xFmt = f.fmt;
  if (f.fmt !== 'i' && f.fmt !== 's') ctx.xSize = f.size;
  let addr: number;
  if (rest) {
    const v = s.eval(rest);
    addr = v.v >>> 0;
  } else {
    if (ctx.xNext === null) throw new DebugError('Argument required (starting display address).');
    addr = ctx.xNext;
  }
  const lines: string[] = [];
  let err: DebugError | null = null;
  let last = addr;
  try {
    if (f.fmt === 'i') {
      for (let i = 0; i < f.n; i++) {
        if (s.codeByte(addr) < 0) throw new DebugError(`Cannot access memory at address ${hex(addr)}`);
        last = addr;
        const l = disasmLine(s, addr, null, false, (a) => s.codeByte(a));
        lines.push(l.text);
        addr = (addr + l.len) >>> 0;
      }
    } else if (f.fmt === 's') {
      for (let i = 0; i < f.n; i++) {
        const bytes: number[] = [];
        let a = addr;
        for (;;) {
          const b = readVirt(s.m, a, 1)[0];
          a = (a + 1) >>> 0;
          if (b === 0) break;
          bytes.push(b);
          if (bytes.length >= 200) break;
        }
        lines.push(`${label(s, addr)}:\t${quote(bytes)}${bytes.length >= 200 ? '...' : ''}`);
        last = addr;
        addr = a;
      }
    } else {
      // gdb's units per line: 8 bytes or half-words, 4 words, 2 giant words; 8 characters.
      const perLine = f.fmt === 'c' ? 8 : f.size === 8 ? 2 : f.size === 4 ? 4 : 8;
      for (let i = 0; i < f.n; i += perLine) {
        const k = Math.min(perLine, f.n - i);
        const vals: string[] = [];
        const start = addr;
        for (let j = 0; j < k; j++) {
          const b = readVirt(s.m, addr, f.size);
          let v = 0;
          for (let q = Math.min(f.size, 4) - 1; q >= 0; q--) v = v * 256 + b[q];
          vals.push(formatUnit(b, f.fmt, (a) => s.angle(a)));
          last = addr;
          addr = (addr + f.size) >>> 0;
          s.convenience.set('__', { v, type: T.int });
        }
        lines.push(`${label(s, start)}:\t${vals.join('\t')}`);
      }
    }
  } catch (e) {
    if (!(e instanceof DebugError)) throw e;
    err = e;
  }
  ctx.xNext = addr;
  // gdb: $_ is the last unit examined (and $__ its contents).
  s.convenience.set('_', { v: last, type: T.usize });
  if (lines.length) out(s, lines.join('\n'));
  if (err) throw err;
}

/** QEMU's `xp /fmt addr`: physical memory, 16 bytes a line. */
function examinePhysical(s: Session, args: string, ctx: CommandContext): void {
  let rest = args.trim();
  let mod = '';
  const m = /^\/(\S*)\s*(.*)$/.exec(rest);
  if (m) { mod = m[1]; rest = m[2]; }
  const f = parseFmt(mod, { fmt: 'x', size: 4 });
  if (!'xduocis'.includes(f.fmt)) throw new DebugError(`xp: format '${f.fmt}' is not one of QEMU's (x d u o c i s)`);
  let addr: number;
  if (rest) addr = s.eval(rest).v >>> 0;
  else if (ctx.xpNext !== null) addr = ctx.xpNext;
  else throw new DebugError('Argument required (starting display address).');
  const lines: string[] = [];
  if (f.fmt === 'i') {
    for (let i = 0; i < f.n; i++) {
      readPhys(s.m, addr, 1);
      const l = disasmLine(s, addr, null, false, (a) => (a < s.m.memSize ? s.m.mem8[a] : -1));
      lines.push(`${pad8(addr)}:  ${l.text.slice(3).replace(/^[^\t]*\t/, '')}`);
      addr += l.len;
    }
  } else if (f.fmt === 's') {
    for (let i = 0; i < f.n; i++) {
      const bytes: number[] = [];
      let a = addr;
      for (;;) { const b = readPhys(s.m, a, 1)[0]; a++; if (b === 0 || bytes.length >= 200) break; bytes.push(b); }
      lines.push(`${pad8(addr)}: ${quote(bytes)}`);
      addr = a;
    }
  } else {
    const data = readPhys(s.m, addr, f.n * f.size);
    const perLine = f.fmt === 'c' ? 16 : 16 / f.size;
    const digits = f.fmt === 'x' ? f.size * 2 : f.fmt === 'o' ? Math.ceil(f.size * 8 / 3) + 1 : f.size === 8 ? 20 : f.size === 4 ? 10 : f.size === 2 ? 5 : 3;
    for (let i = 0; i < f.n; i += perLine) {
      let line = `${pad8(addr + i * f.size)}:`;
      for (let j = i; j < Math.min(f.n, i + perLine); j++) {
        let v = 0n;
        for (let q = f.size - 1; q >= 0; q--) v = (v << 8n) | BigInt(data[j * f.size + q]);
        if (f.fmt === 'x') line += ' 0x' + v.toString(16).padStart(digits, '0');
        else if (f.fmt === 'c') line += ` '${charText(Number(v & 0xffn), "'")}'`;
        else if (f.fmt === 'd') line += ' ' + BigInt.asIntN(f.size * 8, v).toString().padStart(digits);
        else if (f.fmt === 'o') line += ' 0' + v.toString(8).padStart(digits - 1, '0');
        else line += ' ' + v.toString().padStart(digits);
      }
      lines.push(line);
    }
    addr += f.n * f.size;
  }
  ctx.xpNext = addr >>> 0;
  out(s, lines.join('\n'));
}

function disassemble(s: Session, args: string): void {
  let rest = args.trim();
  let raw = false, src = false;
  for (;;) {
    const m = /^\/(\w+)\s*(.*)$/.exec(rest);
    if (!m) break;
    for (const ch of m[1]) {
      if (ch === 'r') raw = true;
      else if (ch === 's' || ch === 'm') src = true;
      else throw new DebugError(`Invalid disassembly modifier '${ch}'.`);
    }
    rest = m[2];
  }
  const lines: string[] = [];
  const byte = (a: number) => s.codeByte(a);
  const emitRange = (start: number, end: number, count: number, func: { start: number } | null) => {
    let a = start, lastLine = '';
    for (let i = 0; (count ? i < count : a < end); i++) {
      if (byte(a) < 0) throw new DebugError(`Cannot access memory at address ${hex(a)}`);
      if (src) {
        const l = s.lineOf(a, false);
        const key = l ? `${l.file}:${l.line}` : '';
        if (l && key !== lastLine) {
          if (lastLine.slice(0, lastLine.lastIndexOf(':')) !== l.file) lines.push(`${l.file}:`);
          lines.push(`${l.line}\t${sourceLine(l.file, l.line) ?? ''}`);
          lastLine = key;
        }
      }
      const d = disasmLine(s, a, func, raw, byte);
      lines.push(d.text);
      a = (a + d.len) >>> 0;
    }
    return a;
  };
  let m = /^(.+?)\s*,\s*(\+?)(.+)$/.exec(rest);
  if (m) {
    const start = s.resolve(plainAddress(s, m[1])).addr;
    const endv = s.eval(m[3]).v >>> 0;
    const end = m[2] ? (start + endv) >>> 0 : endv;
    lines.push(`Dump of assembler code from ${hex(start)} to ${hex(end)}:`);
    emitRange(start, end, 0, null);
    lines.push('End of assembler dump.');
    out(s, lines.filter((l) => l !== '').join('\n'));
    return;
  }
  m = /^(.+?)\s+(\d+)$/.exec(rest);
  if (m) {
    // SPEC §6: `disassemble LOC N`: N instructions from LOC.
    const start = s.resolve(plainAddress(s, m[1])).addr;
    const n = Number(m[2]);
    lines.push('');
    const idx = lines.length - 1;
    const end = emitRange(start, 0, n, null);
    lines[idx] = `Dump of assembler code from ${hex(start)} to ${hex(end)}:`;
    lines.push('End of assembler dump.');
    out(s, lines.filter((l) => l !== '').join('\n'));
    return;
  }
  const addr = rest ? s.resolve(plainAddress(s, rest)).addr : s.selectedFrame().pc >>> 0;
  const p = s.programFor(addr);
  const f = p?.functionAt(addr);
  if (!p || !f) throw new DebugError(rest ? 'No function contains specified address.' : 'No function contains program counter for selected frame.');
  lines.push(`Dump of assembler code for function ${f.name}:`);
  emitRange(f.addr, p.endOf(f), 0, { start: f.addr });
  lines.push('End of assembler dump.');
  out(s, lines.filter((l) => l !== '').join('\n'));
}

/** For disassemble and list: a function name means its first instruction, not its first line. */
function plainAddress(s: Session, spec: string): string {
  const t = spec.trim();
  // disassemble's arguments are expressions in gdb: `disassemble 4096` is an address, not a line.
  if (/^\d+$/.test(t)) return '*' + t;
  if (/^[A-Za-z_$][\w.$]*$/.test(t)) {
    const f = s.findSymbol(t);
    if (f) return '*' + f.sym.addr;
  }
  return t;
}

/**
 * gdb's `backtrace [full] [N | -N]`: the innermost N frames, or (-N) the outermost N. `full` adds
 * each frame's locals in gdb; toy86's compiler records none, which one line says after the frames.
 */
/**
 * `info locals` and `backtrace full`: toy86 cc keeps a function's busiest variables in EBX, ESI
 * and EDI over their live ranges and the others at [ebp-4k], and writes none of it into the
 * object file (its ELF files carry symbols and a line table only), so no local has a known place.
 */
const LOCALS_UNKNOWN = 'No locals: toy86\'s compiler does not record where local variables live (x/8dw $sp shows the frame).';

function backtrace(s: Session, args: string): void {
  let rest = args.trim();
  let full = false;
  for (;;) {
    const m = /^(-?full|-frame-arguments\s+\w+)\b\s*(.*)$/.exec(rest);
    if (!m) break;
    if (/full/.test(m[1])) full = true;
    rest = m[2];
  }
  const outer = /^-\s*\S/.test(rest);
  const n = rest ? count(outer ? rest.replace(/^-\s*/, '') : rest, s) : 64;
  let frames = unwind(s, outer ? 4096 : Math.max(1, n));
  if (outer) frames = frames.slice(Math.max(0, frames.length - n));
  const lines = frames.map((fr: Frame) => `${`#${fr.level}`.padEnd(4)}${s.frameText(fr, fr.level === 0 ? 'auto' : fr.trap ? 'auto' : 'always')}`);
  if (!outer && rest && frames.length === n && unwind(s, n + 1).length > n) lines.push('(More stack frames follow...)');
  if (full) lines.push(LOCALS_UNKNOWN);
  out(s, lines.join('\n'));
}

/** The frame line and source line of a frame, as `frame` prints it. */
function frameReport(s: Session, fr: Frame): string {
  const head = `${`#${fr.level}`.padEnd(4)}${s.frameText(fr, fr.level === 0 || fr.trap ? 'auto' : 'always')}`;
  const src = fr.trap ? '' : s.sourceText(fr.pc, fr.caller);
  return head + (src ? '\n' + src : '');
}

function frameCommand(s: Session, args: string): void {
  const a = args.trim();
  if (!a) { out(s, frameReport(s, s.selectedFrame())); return; }
  const level = s.eval(a.replace(/^level\s+/, '')).v;
  if (!Number.isInteger(level) || level < 0) throw new DebugError(`Invalid frame level "${a}".`);
  const fr = s.selectFrame(level);
  if (fr.level !== level) throw new DebugError(`No frame at level ${a}.`);
  out(s, frameReport(s, fr));
}

function upDown(s: Session, args: string, dir: 1 | -1): void {
  const given = args.trim() !== '';
  const n = given ? s.eval(args).v : 1;
  if (!Number.isInteger(n)) throw new DebugError(`Invalid number "${args.trim()}".`);
  const cur = s.selectedLevel();
  const want = cur + dir * n;
  if (want < 0) {
    if (!given) throw new DebugError('Bottom (innermost) frame selected; you cannot go down.');
    out(s, frameReport(s, s.selectFrame(0)));
    return;
  }
  const fr = s.selectFrame(want);
  if (fr.level === cur && want !== cur && !given) throw new DebugError('Initial frame selected; you cannot go up.');
  out(s, frameReport(s, fr));
}

/** gdb's `info frame`, for the selected frame. */
function infoFrame(s: Session): void {
  const level = s.selectedLevel();
  const frames = unwind(s, level + 3, true);
  const fr = frames[Math.min(level, frames.length - 1)];
  const caller = frames[fr.level + 1];
  if (fr.trap) { out(s, `Stack level ${fr.level}: ${trapText(fr.trap)} (the hardware's interrupt frame at ${hex(fr.esp)})`); return; }
  const base = argBase(s, fr);
  const at = caller && !caller.trap ? caller.esp : base;
  const l = s.lineOf(fr.pc, fr.caller);
  const lines = [`Stack level ${fr.level}, frame at ${at !== null ? hex(at) : '<unknown>'}:`,
    ` eip = ${hex(fr.pc)} in ${fr.func ? fr.func.name : '??'}${l ? ` (${l.file}:${l.line})` : ''}; saved eip = ${caller ? hex(caller.pc) : '<not saved>'}`];
  if (caller) lines.push(` called by frame at ${caller.trap ? `${trapText(caller.trap)}` : hex(frames[caller.level + 1]?.esp ?? caller.esp)}`);
  if (fr.level > 0) lines.push(` caller of frame at ${hex(frames[fr.level - 1].esp)}`);
  const compiled = fr.func && fr.program?.isCompiled(fr.func);
  lines.push(` source language ${compiled ? 'typescript' : 'asm'}.`);
  if (base !== null) {
    lines.push(` Arglist at ${hex(base - 8)}, args: ${frameArgs(s, fr)}`,
      ` Locals at ${hex(base - 8)}, Previous frame's sp is ${hex(base)}`,
      ' Saved registers:', `  ebp at ${hex(base - 8)}, eip at ${hex(base - 4)}`);
  }
  out(s, lines.join('\n'));
}

// ---- display ---------------------------------------------------------------------------------------

/** One display's lines: `1: $eax = 5`, or `2: x/i $pc` and what x shows. */
function showDisplay(s: Session, d: Display): string {
  if (d.examine) {
    const text = captured(s, () => examine(s, `/${d.fmt} ${d.expr}`, new CommandContext()));
    return `${d.num}: x/${d.fmt} ${d.expr}\n${text}`;
  }
  let value: string;
  try {
    const v = s.eval(d.expr);
    value = formatValue(v, d.fmt || null, (a) => s.angle(a));
  } catch (e) {
    if (!(e instanceof DebugError)) throw e;
    value = `<error: ${e.message}>`;
  }
  return `${d.num}: ${d.fmt ? `/${d.fmt} ` : ''}${d.expr} = ${value}\n`;
}

/** What `body` prints (an error as `<error: ...>`). */
function captured(s: Session, body: () => void): string {
  let text = '';
  const saved = s.out;
  s.out = (t: string) => { text += t; };
  try {
    body();
  } catch (e) {
    if (!(e instanceof DebugError)) throw e;
    text += `<error: ${e.message}>\n`;
  } finally {
    s.out = saved;
  }
  return text;
}

export function doDisplays(s: Session, ctx: CommandContext): void {
  for (const d of ctx.displays) if (d.enabled) s.out(showDisplay(s, d));
}

function displayCommand(s: Session, args: string, ctx: CommandContext): void {
  let rest = args.trim();
  if (!rest) { doDisplays(s, ctx); return; }
  let fmt = '';
  const m = /^\/(\w+)\s*(.*)$/.exec(rest);
  if (m) { fmt = m[1]; rest = m[2]; }
  if (!rest) throw new DebugError('Argument required (expression to display).');
  const examine = /\d|[bhwgis]/.test(fmt);
  if (examine) parseFmt(fmt, { fmt: 'x', size: 4 });
  else if (fmt && !/^[xduotcaz]$/.test(fmt)) throw new DebugError(`Undefined output format "${fmt}".`);
  parseExpression(rest);
  s.eval(rest); // a mistake is said now, and no display is made (gdb)
  const d: Display = { num: ctx.nextDisplay++, expr: rest, fmt, examine, enabled: true };
  ctx.displays.push(d);
  s.out(showDisplay(s, d));
}

function displayNumbers(ctx: CommandContext, args: string): Display[] {
  const list = args.trim().split(/\s+/).filter(Boolean);
  if (!list.length) return [...ctx.displays];
  return list.map((a) => {
    if (!/^\d+$/.test(a)) throw new DebugError('Arguments must be display numbers.');
    const d = ctx.displays.find((x) => x.num === Number(a));
    if (!d) throw new DebugError(`No display number ${a}.`);
    return d;
  });
}

function undisplay(ctx: CommandContext, args: string): void {
  for (const d of displayNumbers(ctx, args)) ctx.displays.splice(ctx.displays.indexOf(d), 1);
}

function infoDisplay(s: Session, ctx: CommandContext): void {
  if (!ctx.displays.length) { out(s, 'There are no auto-display expressions now.'); return; }
  out(s, ['Auto-display expressions now in effect:', 'Num Enb Expression',
    ...ctx.displays.map((d) => `${`${d.num}:`.padEnd(4)} ${d.enabled ? 'y' : 'n'}  ${d.fmt ? `/${d.fmt} ` : ''}${d.expr}`)].join('\n'));
}

function print(s: Session, args: string): void {
  let rest = args.trim();
  let fmt: string | null = null;
  const m = /^\/(\w+)\s*(.*)$/.exec(rest);
  if (m) {
    const f = m[1].replace(/\d/g, '');
    if (f === 'i') throw new DebugError('Format letter "i" is meaningless in "print" command.');
    if (/^[bhwg]$/.test(f)) throw new DebugError(`Size letters are meaningless in "print" command.`);
    if (!/^[xduotcazfs]$/.test(f)) throw new DebugError(`Undefined output format "${m[1]}".`);
    // /f of an integer prints it as it is, and /s of a non-string too (gdb).
    fmt = f === 'f' || f === 's' ? null : f; rest = m[2];
  }
  const v = rest ? s.eval(rest) : s.evalContext().history(0, false);
  if (v.type.kind === 'void' && !rest) { out(s, '$1 = void'.replace('$1', `$${s.values.length + 1}`)); return; }
  s.values.push({ v: v.v, type: v.type, code: v.code });
  out(s, `$${s.values.length} = ${formatValue(v, fmt, (a) => s.angle(a))}`);
}

function setCommand(s: Session, args: string): void {
  const rest = args.trim();
  const m = /^(\S+)\s*(.*)$/.exec(rest);
  if (!m) throw new DebugError('Argument required (expression to compute).');
  const word = m[1];
  const sf = /^print\s+symbol-filename(?:\s+(on|off|1|0))?$/.exec(rest);
  if (sf) { s.symbolFilename = sf[1] === undefined || sf[1] === 'on' || sf[1] === '1'; return; }
  if (['confirm', 'pagination', 'width', 'height', 'listsize', 'print', 'verbose', 'logging', 'style', 'disassembly-flavor'].includes(word)) return;
  if (word === 'var' || word === 'variable') { s.eval(m[2]); return; }
  s.eval(rest);
}

/** Splits `a, f(b, c), "x,y"` at its top-level commas. */
function splitArgs(text: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = '', cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) { cur += c; if (c === '\\') cur += text[++i] ?? ''; else if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) { parts.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** gdb's `printf "FORMAT", ARGS...`: C's conversions d i u x X o c s p and %%, with flags and widths. */
function printfCommand(s: Session, args: string): void {
  // gdb's messages for each way the command can be wrong, checked before anything is evaluated.
  if (!/^\s*"/.test(args)) throw new DebugError('Bad format string, missing \'"\'');
  const m = /^\s*"((?:[^"\\]|\\.)*)"\s*(.*)$/s.exec(args);
  if (!m) throw new DebugError('Bad format string, non-terminated \'"\'');
  if (m[2] !== '' && !m[2].startsWith(',')) throw new DebugError('Invalid argument syntax');
  const format = unescape(m[1]);
  const values = m[2] !== '' ? splitArgs(m[2].slice(1)) : [];
  const CONV = /%([-+ 0#]*)(\d*)(?:\.(\d+))?(?:hh|h|ll|l|z)?([diuxXocsp%])/g;
  let wanted = 0;
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    const c = /^%[-+ 0#]*\d*(?:\.\d+)?(?:hh|h|ll|l|z)?(.?)/.exec(format.slice(i))!;
    if (!c[1]) throw new DebugError('Incomplete format specifier at end of format string');
    if (!/[diuxXocsp%]/.test(c[1])) throw new DebugError(`Unrecognized format specifier '${c[1]}' in printf`);
    if (c[1] !== '%') wanted++;
    i += c[0].length - 1;
  }
  if (wanted !== values.length) throw new DebugError('Wrong number of arguments for specified format-string');
  let k = 0;
  const text = format.replace(CONV, (_all, flags: string, width: string, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const v = s.eval(values[k++]).v;
    let body: string;
    switch (conv) {
      case 'd': case 'i': body = String(v | 0); break;
      case 'u': body = String(v >>> 0); break;
      case 'x': body = (v >>> 0).toString(16); break;
      case 'X': body = (v >>> 0).toString(16).toUpperCase(); break;
      case 'o': body = (v >>> 0).toString(8); break;
      case 'c': body = String.fromCharCode(v & 0xff); break;
      case 'p': body = hex(v); break;
      default: {
        const bytes: number[] = [];
        for (let a = v >>> 0; bytes.length < (prec !== undefined ? Number(prec) : 4096); a = (a + 1) >>> 0) {
          const b = readVirt(s.m, a, 1)[0];
          if (b === 0) break;
          bytes.push(b);
        }
        body = String.fromCharCode(...bytes);
      }
    }
    if (flags.includes('#') && (conv === 'x' || conv === 'X') && v !== 0) body = (conv === 'x' ? '0x' : '0X') + body;
    const w = Number(width || 0);
    if (body.length >= w) return body;
    if (flags.includes('-')) return body.padEnd(w);
    return flags.includes('0') && conv !== 's' && conv !== 'c' ? body.padStart(w, '0') : body.padStart(w);
  });
  s.out(text);
}

function echo(s: Session, args: string): void {
  s.out(unescape(args.replace(/^ /, '')));
}

/** C escapes: \n \r \t \\ \" \xHH \NNN. */
function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', e: '\x1b', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

function send(s: Session, args: string): void {
  let text = args.trim();
  if (!text) throw new DebugError('Argument required (text to type on the console).');
  const q = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  text = unescape(q ? q[1] : text);
  s.sendInput([...Buffer.from(text, 'latin1')]);
}

// ---- paging and the kernel's views ---------------------------------------------------------------

function pidArg(args: string): { rest: string; pid: number | null } {
  const m = /^(.*\S)\s+(\d+)$/.exec(args.trim());
  if (m) {
    try { parseExpression(m[1]); return { rest: m[1], pid: Number(m[2]) }; } catch { /* one expression */ }
  }
  return { rest: args.trim(), pid: null };
}

function walkCommand(s: Session, args: string): void {
  let rest = args.trim();
  // `walk/wu`, or the modifiers apart as the docs write them: `walk/w/u`.
  const mods = /^((?:\/\w+)+)\s*(.*)$/.exec(rest);
  if (mods) { rest = mods[2]; mods[1] = mods[1].replace(/\//g, ''); }
  const { rest: expr, pid } = pidArg(rest);
  if (!expr) throw new DebugError('Argument required (address to walk).');
  const addr = s.eval(expr).v >>> 0;
  const st = s.m.cpu.state;
  let cr3 = st[S.CR3] >>> 0;
  const lines: string[] = [];
  if (pid !== null) {
    const p = s.views.findPid(pid);
    if (!p.pgdir) throw new DebugError(`pid ${pid} (${p.name}) has no address space.`);
    cr3 = (p.pgdir - KERNBASE) >>> 0;
    lines.push(`pid ${pid} (${p.name}): page directory ${hex8(cr3)}`);
  }
  const last = s.m.lastException;
  let acc: Access;
  if (last.vector === 14 && last.cr2 >>> 0 === addr && pid === null && last.code >= 0) {
    acc = { write: (last.code & 2) !== 0, fetch: (last.code & 0x10) !== 0, user: (last.code & 4) !== 0 };
  } else {
    acc = { write: false, fetch: false, user: st[S.CPL] === 3 };
  }
  for (const ch of mods ? mods[1] : '') {
    switch (ch) {
      case 'r': acc = { ...acc, write: false, fetch: false }; break;
      case 'w': acc = { ...acc, write: true, fetch: false }; break;
      case 'x': acc = { ...acc, write: false, fetch: true }; break;
      case 'u': acc = { ...acc, user: true }; break;
      case 'k': acc = { ...acc, user: false }; break;
      default: throw new DebugError(`walk: unknown modifier '${ch}' (r w x for the access, u k for CPL 3 or 0)`);
    }
  }
  lines.push(...walk(s.m, addr, cr3, acc));
  out(s, lines.join('\n'));
}

function infoIdt(s: Session, args: string): void {
  const st = s.m.cpu.state;
  const base = st[S.IDT_BASE] >>> 0, limit = st[S.IDT_LIMIT] & 0xffff;
  let lo = 0, hi = Math.min(255, Math.floor((limit + 1) / 8) - 1);
  const a = args.trim();
  if (a) {
    const m = /^(\S+?)(?:\s*[- ]\s*(\S+))?$/.exec(a)!;
    lo = s.eval(m[1]).v; hi = m[2] ? s.eval(m[2]).v : lo;
    if (lo < 0 || hi > 255 || lo > hi) throw new DebugError('info idt: give a vector or a range of vectors from 0 to 255.');
  }
  const lines = [`Interrupt Descriptor Table (base=${hex8(base)}, limit=${limit}):`];
  for (let v = lo; v <= hi; v++) {
    if (v * 8 + 7 > limit) { lines.push(`IDT[${hex2(v)}]=(beyond the limit)`); continue; }
    const b = readVirt(s.m, base + v * 8, 8);
    const w0 = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    const w1 = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    const attr = (w1 >>> 8) & 0xff, type = attr & 0x1f, present = (attr & 0x80) !== 0, dpl = (attr >> 5) & 3;
    if (!present || (type !== 0x0e && type !== 0x0f)) {
      lines.push(`IDT[${hex2(v)}]=??? descriptor hi=${hex8(w1)}, lo=${hex8(w0)}`);
      continue;
    }
    const target = ((w0 & 0xffff) | (w1 & 0xffff0000)) >>> 0;
    const sel = (w0 >>> 16) & 0xffff;
    const sym = s.angle(target);
    lines.push(`IDT[${hex2(v)}]=32-Bit ${type === 0x0e ? 'Interrupt' : 'Trap'} Gate target=0x${sel.toString(16).padStart(4, '0')}:${hex8(target)}, DPL=${dpl}${sym ? ' ' + sym : ''}`);
  }
  out(s, lines.join('\n'));
}

function hex2(v: number): string {
  return '0x' + v.toString(16).padStart(2, '0');
}

function pidOrCurrent(s: Session, args: string) {
  const a = args.trim();
  if (a) {
    if (!/^\d+$/.test(a)) throw new DebugError(`Invalid process id "${a}".`);
    return s.views.findPid(Number(a));
  }
  const p = s.currentProcess() ?? s.views.current();
  if (!p) throw new DebugError('No current process: give a pid (info proc lists them).');
  return p;
}

function infoRecord(s: Session): void {
  const h = s.history;
  const replay = s.m.clock < h.frontier;
  const lines = ['Active record target: record-full', replay ? 'Replay mode:' : 'Record mode:',
    `Lowest recorded instruction number is ${h.first.clock}.`];
  if (replay) lines.push(`Current instruction number is ${s.m.clock}.`);
  lines.push(`Highest recorded instruction number is ${h.frontier}.`,
    `Log contains ${h.frontier - h.first.clock} instructions.`,
    `Instructions executed (not counting idle time): ${s.busy()}.`,
    `Snapshots: ${h.snaps.length}, one every ${h.interval} instructions; console input and writes logged: ${h.events.length}.`);
  out(s, lines.join('\n'));
}

function infoSymbol(s: Session, args: string): void {
  if (!args.trim()) throw new DebugError('Argument required (address).');
  const a = s.eval(args).v >>> 0;
  const p = s.programFor(a);
  const sym = p?.symbolAt(a);
  if (!p || !sym) { out(s, `No symbol matches ${args.trim()}.`); return; }
  const off = a - sym.addr;
  const sec = p.sectionAt(a)!;
  out(s, `${sym.name}${off ? ` + ${off}` : ''} in section ${sec.name}${p.isKernel ? '' : ` of ${p.path}`}`);
}

function infoAddress(s: Session, args: string): void {
  const name = args.trim();
  if (!name) throw new DebugError('Argument required.');
  const m = /^(?:'?([^':]+)'?::)?(.+)$/.exec(name)!;
  const f = s.findSymbol(m[2], m[1]);
  if (!f) throw new DebugError(`No symbol "${m[2]}" in current context.`);
  out(s, isCode(f.program, f.sym) ? `Symbol "${m[2]}" is a function at address ${hex(f.sym.addr)}.` : `Symbol "${m[2]}" is static storage at address ${hex(f.sym.addr)}.`);
}

function infoLine(s: Session, args: string): void {
  const addr = s.resolve(args.trim() ? args : '').addr;
  const p = s.programFor(addr);
  const row = p?.lineAt(addr);
  if (!p || !row) { out(s, `No line number information available for address ${label(s, addr)}`); return; }
  let i = p.lines.indexOf(row);
  // Rows that repeat a line belong to its first row.
  while (i > 0 && p.lines[i - 1].line === row.line && p.lines[i - 1].file === row.file && p.lines[i - 1].addr >= p.functionAt(addr)!.addr) i--;
  const first = p.lines[i];
  let end = p.endOf(p.functionAt(addr)!);
  for (let j = i + 1; j < p.lines.length; j++) if (p.lines[j].line !== row.line || p.lines[j].file !== row.file) { end = Math.min(end, p.lines[j].addr); break; }
  out(s, `Line ${row.line} of "${row.file}" starts at address ${label(s, first.addr)} and ends at ${label(s, end)}.`);
}

function list(s: Session, args: string, ctx: CommandContext): void {
  const a = args.trim();
  // As gdb: after a stop, or another frame selected, `list` starts again around that place.
  const at = `${s.moves}/${s.selectedLevel()}`;
  if (ctx.listAt !== at) { ctx.listNext = null; ctx.listPrev = null; ctx.listAt = at; }
  /** The current source file: the one listed last, else the selected frame's. */
  const currentFile = (): string => {
    if (ctx.listNext) return ctx.listNext.file;
    const fr = s.selectedFrame();
    const l = s.lineOf(fr.pc, fr.caller);
    if (!l) throw new DebugError('No line number information for the current address.');
    return l.file;
  };
  /** A linespec as list takes it: N (of the current file), FILE:N, or a location. */
  const lineSpec = (spec: string): { file: string; line: number } => {
    if (/^\d+$/.test(spec)) return { file: currentFile(), line: Number(spec) };
    const m = /^(.+):(\d+)$/.exec(spec);
    if (m && !/^0x/i.test(spec)) {
      const loc = s.resolve(spec);
      return { file: s.lineOf(loc.addr, false)?.file ?? m[1], line: Number(m[2]) };
    }
    const loc = s.resolve(spec);
    const l = s.lineOf(loc.addr, false);
    if (!l) throw new DebugError(`No line number information available for address ${label(s, loc.addr)}`);
    return { file: l.file, line: l.line };
  };
  const show = (file: string, first: number, last: number) => {
    const lines = sourceLines(file);
    if (!lines) throw new DebugError(`${file}: No such file or directory.`);
    first = Math.max(1, first);
    if (first > lines.length) throw new DebugError(`Line number ${first} out of range; "${file}" has ${lines.length} lines.`);
    last = Math.min(lines.length, last);
    const outLines: string[] = [];
    for (let n = first; n <= last; n++) outLines.push(`${n}\t${lines[n - 1]}`);
    ctx.listNext = { file, line: last + 1 };
    ctx.listPrev = { file, line: first };
    out(s, outLines.join('\n'));
  };
  if (a === '') {
    if (ctx.listNext) { show(ctx.listNext.file, ctx.listNext.line, ctx.listNext.line + 9); return; }
    const fr = s.selectedFrame();
    const l = s.lineOf(fr.pc, fr.caller);
    if (!l) throw new DebugError('No line number information for the current address.');
    show(l.file, l.line - 5, l.line + 4);
    return;
  }
  if (a === '-') {
    // gdb's `list -`: the ten lines before the last ones listed.
    const prev = ctx.listPrev ?? (() => { const f = lineSpec(`*${s.selectedFrame().pc}`); return { file: f.file, line: Math.max(1, f.line - 5) }; })();
    if (prev.line <= 1) throw new DebugError(`Already at the start of ${prev.file}.`);
    show(prev.file, prev.line - 10, prev.line - 1);
    return;
  }
  const comma = /^([^,]*),([^,]*)$/.exec(a);
  if (comma) {
    // gdb's `list FIRST,LAST`, `list FIRST,` and `list ,LAST`.
    const x = comma[1].trim(), y = comma[2].trim();
    if (!x && !y) throw new DebugError('Junk at end of line specification.');
    const f = x ? lineSpec(x) : null;
    if (f && /^\d+$/.test(y)) { show(f.file, f.line, Number(y)); return; }
    const l = y ? lineSpec(y) : null;
    if (f && l && l.file !== f.file) throw new DebugError('Specified first and last lines are in different files.');
    if (f) show(f.file, f.line, l ? l.line : f.line + 9);
    else show(l!.file, l!.line - 9, l!.line);
    return;
  }
  const c = lineSpec(a);
  show(c.file, c.line - 5, c.line + 4);
}

// ---- tracing --------------------------------------------------------------------------------------

const TRACE_KINDS = ['exec', 'int', 'pf', 'io', 'tlb', 'pages'];

async function traceCommand(s: Session, args: string, ctx: CommandContext): Promise<void> {
  const [onoff, ...kinds] = args.trim().split(/\s+/).filter(Boolean);
  if (onoff !== 'on' && onoff !== 'off') throw new DebugError('Usage: trace on|off [exec|int|pf|io|tlb|pages]...');
  for (const k of kinds) if (!TRACE_KINDS.includes(k)) throw new DebugError(`trace: unknown kind '${k}' (exec int pf io tlb pages)`);
  const start = await loadTrace();
  if (!start) { out(s, 'tracing is not available in this build'); return; }
  let next: string[];
  if (onoff === 'on') next = [...new Set([...ctx.traceKinds, ...(kinds.length ? kinds : ['int', 'pf', 'io', 'tlb'])])];
  else next = kinds.length ? ctx.traceKinds.filter((k) => !kinds.includes(k)) : [];
  ctx.traceStop?.();
  ctx.traceStop = null;
  ctx.traceKinds = next;
  if (next.length) {
    // Events of history being re-run are not shown again (as the guest's output is not).
    // A line's count is that of the instruction it belongs to, which retires one later.
    ctx.traceStop = start(s.m, next, (line) => {
      const count = parseInt(line, 10);
      if (s.mode === 'live' && !(count < s.shownUntil)) s.out(line + '\n');
    }, (a) => s.angle(a, false)); // trace lines as boot's and run's: <symbol+offset>
  }
  out(s, next.length ? `Tracing ${next.join(' ')}.` : 'Tracing off.');
}

type StartTrace = (machine: Session['m'], kinds: string[], write: (line: string) => void, symbolize: (addr: number) => string) => () => void;

let traceModule: StartTrace | null | undefined;
async function loadTrace(): Promise<StartTrace | null> {
  if (traceModule === undefined) {
    try { traceModule = (await import('./trace.js')).startTrace; } catch { traceModule = null; }
  }
  return traceModule;
}

// ---- help -----------------------------------------------------------------------------------------

function help(s: Session, args: string): void {
  const a = args.trim();
  if (a) {
    const words = a.split(/\s+/);
    const c = findCommand(words[0]);
    // `help info stack`: the info subcommand's own help.
    if (c.name === 'info' && words[1]) { out(s, lookup(INFO, words[1], (w) => `Undefined info command: "${w}".  Try "help info".`, 'info ').help); return; }
    out(s, c.help);
    return;
  }
  out(s, ['List of commands (gdb\'s where gdb has them; docs/debugger.md has them all):', '',
    ...COMMANDS.map((c) => `${[c.name, ...(c.aliases ?? [])].join(', ')} -- ${c.help.split('\n')[0]}`)].join('\n'));
}

// ---- the table ------------------------------------------------------------------------------------

const INFO: Command[] = [
  { name: 'registers', aliases: ['r'], help: 'The registers: general, EIP, EFLAGS decoded, control registers, CPL, IDTR, TR.', run: (s, a) => infoRegisters(s, a) },
  { name: 'all-registers', help: 'The same as info registers.', run: (s, a) => infoRegisters(s, a) },
  { name: 'breakpoints', aliases: ['b', 'break'], help: 'Breakpoints, watchpoints and catchpoints.', run: (s, a) => infoBreakpoints(s, a, false) },
  { name: 'watchpoints', help: 'Watchpoints.', run: (s, a) => infoBreakpoints(s, a, true) },
  { name: 'symbol', help: 'info symbol ADDR: the symbol at or before ADDR.', run: (s, a) => infoSymbol(s, a) },
  { name: 'address', help: 'info address SYMBOL: where a symbol is.', run: (s, a) => infoAddress(s, a) },
  { name: 'line', help: 'info line [LOC]: the addresses of a source line.', run: (s, a) => infoLine(s, a) },
  { name: 'tlb', help: 'The TLB: its entries by set and way, and its counters (QEMU\'s columns).', run: (s) => out(s, tlbInfo(s.m).join('\n')) },
  { name: 'mem', help: 'info mem [PID]: the address space\'s present mappings, merged (QEMU\'s format).', run: (s, a) => {
    if (a.trim() && !/^\d+$/.test(a.trim())) throw new DebugError(`Invalid process id "${a.trim()}".`);
    const p = a.trim() ? s.views.findPid(Number(a.trim())) : null;
    const cr3 = p ? (p.pgdir - KERNBASE) >>> 0 : s.m.cpu.state[S.CR3] >>> 0;
    out(s, memInfo(s.m, cr3).join('\n'));
  } },
  { name: 'idt', help: 'info idt [N|LO-HI]: the interrupt descriptor table (Bochs\'s format).', run: (s, a) => infoIdt(s, a) },
  { name: 'proc', help: 'info proc [PID]: the kernel\'s process table (PID: its row).', run: (s, a) => out(s, s.views.infoProc(a.trim()).join('\n')) },
  { name: 'vm', help: 'info vm [PID]: a process\'s regions, with present and swapped pages.', run: (s, a) => out(s, s.views.infoVm(pidOrCurrent(s, a)).join('\n')) },
  { name: 'frames', help: 'info frames [PID|all]: the kernel\'s frame table.', run: (s, a) => out(s, s.views.infoFrames(a.trim()).join('\n')) },
  { name: 'swap', help: 'info swap [all]: swap slots, who holds them, the policy and the counters.', run: (s, a) => out(s, s.views.infoSwap(a.trim()).join('\n')) },
  { name: 'stack', aliases: ['s'], help: 'info stack [N]: the same as backtrace (gdb\'s).', run: (s, a) => backtrace(s, a) },
  { name: 'record', help: 'The recorded history: instruction numbers, snapshots.', run: (s) => infoRecord(s) },
  // gdb's `info f`, `info fr`: info frame (gdb has no info frames; toy86's needs its whole name or `frames`).
  { name: 'frame', aliases: ['f', 'fr', 'fra', 'fram'], help: 'info frame [N]: the selected frame (or frame N): where it is, its caller, its arguments and saved registers.', run: (s, a) => {
    // gdb's `info frame LEVEL` describes that frame and leaves the selection as it was.
    if (!a.trim()) { infoFrame(s); return; }
    const level = count(a, s);
    const frames = unwind(s, level + 1);
    if (level >= frames.length) throw new DebugError(`No frame at level ${a.trim()}.`);
    const saved = s.selectedLevel();
    s.selectFrame(level);
    try { infoFrame(s); } finally { s.selectFrame(saved); }
  } },
  { name: 'args', help: 'The selected frame\'s arguments, one a line.', run: (s) => {
    const params = s.frameParams();
    if (!params) { out(s, 'No symbol table info available.'); return; }
    if (!params.length) { out(s, 'No arguments.'); return; }
    out(s, params.map((x) => `${x.name} = ${x.reg && x.assigned ? '<optimized out>' : s.formatValue(s.eval(x.name), null)}`).join('\n'));
  } },
  { name: 'locals', help: 'Local variables: not recorded by toy86\'s compiler.', run: () => {
    throw new DebugError(LOCALS_UNKNOWN);
  } },
  { name: 'display', help: 'The auto-display expressions.', run: (s, _a, ctx) => infoDisplay(s, ctx) },
];

const COMMANDS: Command[] = [
  { name: 'break', aliases: ['b', 'br'], help: 'break [LOC] [if COND]: stop before LOC runs.\nLOC: function, function+offset, *ADDRESS, 0xADDRESS, FILE:LINE, LINE, FILE:FUNCTION, PROGRAM:FUNCTION.', run: breakCommand(false) },
  { name: 'tbreak', help: 'tbreak LOC: a breakpoint deleted when it is hit.', run: breakCommand(true) },
  { name: 'delete', aliases: ['d'], help: 'delete [N...]: delete breakpoints (all without N); delete display [N...]: displays.', run: (s, a, ctx) => {
    const m = /^\s*display\b(.*)$/.exec(a);
    if (m) { undisplay(ctx, m[1]); return; }
    for (const b of numbers(s, a)) s.deleteBreakpoint(b);
  } },
  { name: 'disable', help: 'disable [N...] | disable display [N...]', run: (s, a, ctx) => {
    const m = /^\s*display\b(.*)$/.exec(a);
    if (m) { for (const d of displayNumbers(ctx, m[1])) d.enabled = false; return; }
    for (const b of numbers(s, a)) b.enabled = false;
    s.sync();
  } },
  { name: 'enable', help: 'enable [N...] | enable display [N...]', run: (s, a, ctx) => {
    const m = /^\s*display\b(.*)$/.exec(a);
    if (m) { for (const d of displayNumbers(ctx, m[1])) d.enabled = true; return; }
    for (const b of numbers(s, a)) b.enabled = true;
    s.sync();
  } },
  { name: 'condition', help: 'condition N [EXPR]: stop at breakpoint N only when EXPR is not 0.', run: (s, a) => {
    const m = /^(\d+)\s*(.*)$/.exec(a.trim());
    if (!m) throw new DebugError('Argument required (breakpoint number).');
    const b = numbers(s, m[1])[0];
    if (m[2]) { parseExpression(m[2]); b.cond = m[2]; } else { b.cond = null; out(s, `Breakpoint ${b.num} now unconditional.`); }
  } },
  { name: 'ignore', help: 'ignore N COUNT: pass breakpoint N COUNT times.', run: (s, a) => {
    const m = /^(\d+)\s+(\d+)$/.exec(a.trim());
    if (!m) throw new DebugError('Argument required (a breakpoint number and a count).');
    const b = numbers(s, m[1])[0];
    b.ignore = Number(m[2]);
    out(s, b.ignore === 0 ? `Will stop next time breakpoint ${b.num} is reached.` : `Will ignore next ${b.ignore} crossings of breakpoint ${b.num}.`);
  } },
  // gdb's `wa` is watch (walk, toy86's own, came later).
  { name: 'watch', aliases: ['wa'], help: 'watch EXPR: stop after a write changes it (EXPR: a variable, *ADDR, or an address).', run: watchCommand('hw watchpoint') },
  { name: 'rwatch', help: 'rwatch EXPR: stop after a read of it.', run: watchCommand('read watchpoint') },
  { name: 'awatch', help: 'awatch EXPR: stop after a read or a write of it.', run: watchCommand('acc watchpoint') },
  { name: 'catch', help: 'catch fault [VECTOR|pf|gp|ud|de|db|bp|df]... | catch syscall [N|NAME]...: stop when the CPU delivers it.', run: (s, a) => catchCommand(s, a) },
  { name: 'run', aliases: ['r'], moves: true, help: 'run: start the machine (it is made stopped before its first instruction); again: start it over from power-on.', run: (s, a, ctx) => runProgram(s, a, ctx, false) },
  { name: 'start', moves: true, help: 'start: a temporary breakpoint on main (or kmain), then run.', run: (s, a, ctx) => runProgram(s, a, ctx, true) },
  { name: 'continue', aliases: ['c', 'fg'], moves: true, help: 'continue [N]: run until something stops it (N: ignore this breakpoint N-1 times).', run: (s, a) => continueCommand(s, a) },
  { name: 'stepi', aliases: ['si'], moves: true, help: 'stepi [N]: run N instructions (an exception or interrupt delivered counts as one).', run: (s, a) => stepiCommand(s, a) },
  { name: 'nexti', aliases: ['ni'], moves: true, help: 'nexti [N]: as stepi, but a call, an int or a rep instruction runs to its end.', run: (s, a) => nextiCommand(s, a) },
  { name: 'step', aliases: ['s'], moves: true, help: 'step [N]: run to the next source line, into calls.', run: (s, a) => stepLine(s, a, false) },
  { name: 'next', aliases: ['n'], moves: true, help: 'next [N]: run to the next source line of this function, over calls.', run: (s, a) => stepLine(s, a, true) },
  { name: 'finish', aliases: ['fin'], moves: true, help: 'finish: run until the selected frame\'s function returns; print what it returned.', run: (s, a) => finishCommand(s, a) },
  { name: 'reverse-stepi', aliases: ['rsi'], moves: true, help: 'reverse-stepi [N]: go back N instructions.', run: (s, a) => reverseStepi(s, a) },
  { name: 'reverse-nexti', aliases: ['rni'], moves: true, help: 'reverse-nexti [N]: go back N instructions, a call or int that returned here as one.', run: (s, a) => reverseNexti(s, a) },
  { name: 'reverse-step', aliases: ['rs'], moves: true, help: 'reverse-step [N]: back to the start of the previous source line, into calls.', run: (s, a) => reverseLineCommand(s, a, false) },
  { name: 'reverse-next', aliases: ['rn'], moves: true, help: 'reverse-next [N]: back to the start of the previous source line of this function, over calls.', run: (s, a) => reverseLineCommand(s, a, true) },
  { name: 'reverse-finish', moves: true, help: 'reverse-finish: back to the call of the selected frame\'s function.', run: (s) => reverseFinish(s) },
  { name: 'reverse-continue', aliases: ['rc'], moves: true, help: 'reverse-continue: go back to where continue last stopped (a breakpoint, watchpoint or catchpoint).', run: (s) => reverseContinue(s) },
  { name: 'jump', aliases: ['j'], moves: true, help: 'jump LOC: go on at LOC (EIP set to it; the stack as it is).', run: (s, a) => jumpCommand(s, a) },
  { name: 'advance', moves: true, help: 'advance LOC: run until LOC, or until the current function returns.', run: (s, a) => advanceCommand(s, a, false) },
  { name: 'until', aliases: ['u'], moves: true, help: 'until [LOC]: as next, but past a loop\'s jump back; until LOC: as advance.', run: (s, a) => advanceCommand(s, a, true) },
  { name: 'frame', aliases: ['f'], help: 'frame [N]: select frame N (backtrace numbers them) and show it; without N, show the selected frame.', run: (s, a) => frameCommand(s, a) },
  { name: 'up', help: 'up [N]: select the frame N levels out (toward main).', run: (s, a) => upDown(s, a, 1) },
  { name: 'down', aliases: ['do', 'dow'], help: 'down [N]: select the frame N levels in (toward frame 0).', run: (s, a) => upDown(s, a, -1) },
  { name: 'display', help: 'display[/FMT] EXPR: show EXPR after every stop (with /i, /s or a size: as x shows memory); display alone shows them now.', run: displayCommand },
  { name: 'undisplay', help: 'undisplay [N...]: stop showing displays (all without N).', run: (_s, a, ctx) => undisplay(ctx, a) },
  { name: 'x', help: 'x/NFU ADDR: memory at a virtual address (F: x d u o t a c f s i z; U: b h w g).', run: examine },
  { name: 'xp', help: 'xp /NFU ADDR: physical memory (QEMU\'s monitor).', run: examinePhysical },
  { name: 'disassemble', help: 'disassemble[/rs] [LOC [N] | START,END | START,+LEN]: code with <symbol+offset>.', run: (s, a) => disassemble(s, a) },
  { name: 'backtrace', aliases: ['bt', 'where'], help: 'backtrace [full] [N|-N]: the frames, from the kernel through traps into user code (N: the innermost N; -N: the outermost N).', run: (s, a) => backtrace(s, a) },
  { name: 'print', aliases: ['p', 'pr', 'inspect'], help: 'print[/FMT] EXPR: an expression\'s value ($eax, $cr2, symbols, C operators).', run: (s, a) => print(s, a) },
  { name: 'set', help: 'set $REG = EXPR | set var NAME = EXPR | set *ADDR = EXPR: change the machine (logged for replays); set print symbol-filename on|off.', run: (s, a) => setCommand(s, a) },
  { name: 'walk', help: 'walk[/rwxuk] ADDR [PID]: the page walk of ADDR, each entry decoded, and the outcome of an access.', run: (s, a) => walkCommand(s, a) },
  { name: 'send', help: 'send "TEXT": type TEXT on the guest\'s console (C escapes; Enter is \\r).', run: (s, a) => send(s, a) },
  { name: 'trace', help: 'trace on|off [exec|int|pf|io|tlb|pages]...: one line per event while the machine runs.', run: traceCommand },
  { name: 'list', aliases: ['l'], help: 'list [LOC | FIRST,LAST | FIRST, | ,LAST | -]: ten source lines around LOC; alone: the next ten; -: the ten before.', run: list },
  { name: 'info', aliases: ['i'], help: 'info SUBCOMMAND: registers breakpoints watchpoints symbol address line frame stack args locals display tlb mem idt proc vm frames swap record.', run: async (s, a, ctx) => {
    const m = /^(\S+)\s*(.*)$/.exec(a.trim());
    if (!m) throw new DebugError('List of info subcommands: ' + INFO.map((c) => c.name).join(', ') + '.');
    const c = lookup(INFO, m[1], (w) => `Undefined info command: "${w}".  Try "help info".`, 'info ');
    await c.run(s, m[2], ctx);
  } },
  { name: 'source', help: 'source FILE: run the commands of FILE, one a line, each echoed after the prompt (as -x FILE; a mistake is one line and the file goes on).', run: sourceCommand },
  { name: 'whatis', help: 'whatis EXPR: the type of EXPR (the TypeScript subset\'s: u32, usize, bool, a function\'s signature).', run: (s, a) => whatis(s, a) },
  { name: 'ptype', help: 'ptype EXPR: the type of EXPR, a class\'s fields spelt out.', run: (s, a) => whatis(s, a, true) },
  { name: 'echo', help: 'echo TEXT: print TEXT (C escapes; \\n for a newline).', run: (s, a) => echo(s, a) },
  { name: 'printf', help: 'printf "FORMAT", EXPR...: C\'s printf (d i u x X o c s p), as gdb\'s.', run: (s, a) => printfCommand(s, a) },
  { name: 'output', help: 'output EXPR: the value alone, with no newline and not in the value history.', run: (s, a) => {
    if (!a.trim()) throw new DebugError('Argument required (expression to compute).');
    s.out(s.formatValue(s.eval(a), null));
  } },
  { name: 'help', aliases: ['h'], help: 'help [COMMAND]', run: (s, a) => help(s, a) },
  { name: 'quit', aliases: ['q', 'exit'], help: 'quit: end the session.', run: (_s, _a, ctx) => { ctx.quit = true; } },
];

function lookup(table: Command[], word: string, unknown: (w: string) => string, prefix = ''): Command {
  const w = word.toLowerCase();
  const exact = table.find((c) => c.name === w || c.aliases?.includes(w));
  if (exact) return exact;
  const hits = table.filter((c) => c.name.startsWith(w));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) throw new DebugError(`Ambiguous ${prefix}command "${word}": ${hits.map((c) => c.name).sort().join(', ')}.`);
  throw new DebugError(unknown(word));
}

function findCommand(word: string): Command {
  return lookup(COMMANDS, word, (w) => `Undefined command: "${w}".  Try "help".`);
}

/** Runs one command line; errors become one line. Returns false when the session should end. */
/** gdb's `whatis EXPR` (and `ptype`, the same for toy86's scalar values): `type = u32`. */
function whatis(s: Session, args: string, expand = false): void {
  const a = args.trim();
  if (!a) throw new DebugError('Argument required (expression to compute).');
  const v = s.eval(a);
  const layout = expand && v.type.struct ? s.structLayout(v.type.struct) : null;
  if (layout) {
    // ptype of a class: its fields, as the TypeScript source declares them.
    out(s, `type = @unmanaged class ${layout.name} {\n${layout.fields.map((f) => `    ${f.name}: ${f.type};`).join('\n')}\n}`);
    return;
  }
  out(s, `type = ${v.type.kind === 'code' && v.code ? v.code : typeName(v.type)}`);
}

/** gdb's `source FILE`: the commands of a file, as `toy86 debug -x FILE` runs them. */
async function sourceCommand(s: Session, args: string, ctx: CommandContext): Promise<void> {
  const path = args.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (!path) throw new DebugError('source command requires file name of file to source.');
  if (ctx.sourceDepth >= 16) throw new DebugError(`source ${path}: files sourced 16 deep (does a file source itself?)`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DebugError(`${path}: ${err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EISDIR' ? 'Is a directory' : err.message}.`);
  }
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  ctx.sourceDepth++;
  try {
    for (const line of lines) {
      s.out(`(toy86) ${line}\n`);
      if (!(await runCommand(s, line, ctx))) return;
    }
  } finally {
    ctx.sourceDepth--;
  }
}

export async function runCommand(s: Session, line: string, ctx: CommandContext): Promise<boolean> {
  const text = line.trim();
  if (!text || text.startsWith('#')) return true;
  const m = /^([A-Za-z][\w-]*|[A-Za-z]?)(.*)$/s.exec(text)!;
  try {
    const c = findCommand(m[1] || text);
    const before = s.moves;
    try {
      await c.run(s, m[2], ctx);
    } finally {
      if (c.moves && s.moves !== before) doDisplays(s, ctx);
    }
  } catch (e) {
    // A mistake is one line and the session goes on; so is a fault of the debugger itself.
    if (e instanceof DebugError) out(s, e.message);
    else {
      // As tools/cli.ts reports a bug in toy86: one line, the stack only with TOY86_DEBUG=1.
      out(s, `internal error in the debugger: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (a bug in toy86; TOY86_DEBUG=1 shows where)`);
      if (process.env.TOY86_DEBUG && e instanceof Error && e.stack) out(s, e.stack);
    }
  }
  return !ctx.quit;
}

export { COMMANDS };
