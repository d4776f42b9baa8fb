// The toy86 command line (SPEC §5), with yargs. Every command answers --help; a user's mistake is
// one line on stderr with exit code 2 (usage) or 1 (a missing or malformed file), never a stack
// trace. docs/cli.md describes each command.

import yargs, { type Argv } from 'yargs';
import { boot, UserError, parseCount, parseSize, type BootOptions } from './boot.js';
import { asmCommand, objdumpCommand, asToolError } from './asm/index.js';

/** Machine flags shared by boot, run and debug. */
function machineFlags<T>(y: Argv<T>) {
  return y
    .option('mem', { type: 'string', describe: 'RAM size (e.g. 16M, 2M, 512K; 1M to 512M)' })
    .option('tlb', { type: 'string', describe: 'TLB entries (a power of two; default 64)' })
    .option('tlb-ways', { type: 'string', describe: 'TLB ways per set (default 4)' })
    .option('append', { type: 'string', describe: 'kernel command line' })
    .option('max-insns', { type: 'string', describe: 'stop after N instructions (exit code 124)' })
    .option('debugcon', { type: 'string', describe: 'write the debug console (port 0xE9) to FILE instead of stderr' })
    .option('disk', { type: 'string', describe: 'disk image file (a whole number of 512-byte sectors)' })
    .option('snapshot', { type: 'boolean', describe: 'keep disk writes in memory; never write the image file' })
    .option('disk-latency', { type: 'string', describe: 'instructions from a disk request to its completion (default 50000)' })
    .option('disk-fail', { type: 'string', describe: 'fault injection: sectors that fail, e.g. 100-107,300:w (:r reads, :w writes only)' })
    .option('swap', { type: 'string', describe: 'swap area of the default disk (e.g. 8M; default 32M)' })
    .option('trace', { type: 'string', describe: 'trace events, one line each: comma-separated exec,int,pf,io,tlb,pages (or all)' })
    .option('trace-file', { type: 'string', describe: 'write the trace to FILE instead of stderr' });
}

/** Runs a command body, turning user errors into one line and an exit code. */
async function guarded(name: string, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    if (e instanceof UserError) {
      // Source errors (run's and debug run's build) already say file:line:column, as cc's do.
      process.stderr.write(/^[^\s:]+:\d+:\d+: error: /.test(e.message) ? `${e.message}\n` : `toy86 ${name}: ${e.message}\n`);
      process.exitCode = e.code;
      return;
    }
    // A reader that went away while a command wrote synchronously (`toy86 boot | head`): no
    // bug, end quietly, as main's handler does for the streams.
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
    const t = asToolError(e);
    if (t) {
      // Source errors already say file:line:column; others get the command's name.
      process.stderr.write(/^[^\s:]+:\d+:\d+: error: /.test(t.message) ? `${t.message}\n` : `toy86 ${name}: ${t.message}\n`);
      process.exitCode = t.code;
      return;
    }
    internalError(name, e);
  }
}

/**
 * A bug in toy86 itself (never the guest's or the user's doing): one line naming it, exit code
 * 70 (EX_SOFTWARE); TOY86_DEBUG=1 prints the stack for whoever fixes it. Exit handlers (the
 * terminal's mode) still run.
 */
export function internalError(name: string, e: unknown): void {
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  try {
    process.stderr.write(`toy86${name ? ' ' + name : ''}: internal error: ${msg} (a bug in toy86; TOY86_DEBUG=1 shows where)\n`);
    if (process.env.TOY86_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  } catch { /* stderr is gone: the exit code still says it */ }
  process.exitCode = 70;
}

/** An address option: decimal or 0x hex. */
function address(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = parseCount(v, what);
  if (n > 0xffffffff) throw new UserError(`${what}: ${v} is not a 32-bit address`, 2);
  return n;
}

/** --swap: a size in whole 4 KiB pages (0 allowed). */
function swapSize(v: string): number {
  const n = parseSize(v, '--swap');
  if (n % 4096 !== 0) throw new UserError(`--swap: ${v} is not a whole number of 4 KiB pages`, 2);
  return n;
}

/**
 * The kernel and disk `boot` starts: --kernel and --disk as given, or the default kernel and
 * disk, built from kernel/ and userland/ on first use (and whenever a source changed); the
 * default disk's image is never written (--snapshot).
 */
async function bootImages(a: { kernel?: string; disk?: string; snapshot?: boolean; swap?: string }): Promise<{ kernel: string; disk?: string; snapshot?: boolean }> {
  let kernel = a.kernel;
  let disk = a.disk;
  let snapshot = a.snapshot;
  if (a.swap !== undefined && (disk !== undefined || kernel !== undefined)) {
    throw new UserError('--swap sizes the default disk; for your own disk, give the size to toy86 mkdisk --swap', 2);
  }
  const swapBytes = a.swap !== undefined ? swapSize(a.swap) : undefined;
  if (kernel === undefined) {
    const { defaultKernel, defaultDisk, BuildError } = await import('./images.js');
    try {
      kernel = await defaultKernel();
      if (disk === undefined) { disk = await defaultDisk(swapBytes); snapshot = true; }
    } catch (e) {
      if (e instanceof BuildError) throw new UserError(e.message, 1);
      throw e;
    }
  }
  return { kernel, disk, snapshot };
}

/** The options that take a value (all but --append, whose value may be empty). */
const VALUE_OPTIONS = ['mem', 'tlb', 'tlb-ways', 'max-insns', 'debugcon', 'disk', 'disk-latency', 'disk-fail', 'swap',
  'trace', 'trace-file', 'kernel', 'stats', 'port', 'max-sessions', 'frames', 'o', 'base', 'load-offset', 'runs', 'one', 'x', 'dir'];

/** A command line yargs cannot take (unknown command or option, missing value). */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<void> {
  // Errors outside a command's own flow (an event handler, a stream) end the process the same way.
  const command = argv.find((a) => !a.startsWith('-')) ?? '';
  const fatal = (e: unknown) => {
    // A reader that went away (`toy86 ... | head`, a closed stderr) is no bug: end quietly.
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
    internalError(command, e);
    process.exit(70);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const cli = yargs(argv)
    .scriptName('toy86')
    .usage('toy86 <command> [options]\n\nA toy x86-like machine and its toolchain. Run `toy86 <command> --help` for the options of a command.')
    .command('boot', 'boot a kernel on the machine, with the serial console on this terminal',
      (y) => machineFlags(y).option('kernel', { type: 'string', describe: 'ELF32 kernel to load (as QEMU -kernel)' })
        .option('stats', { type: 'string', describe: 'for toy86 web: send JSON snapshots of the machine to the Unix socket PATH (docs/web.md)' }),
      async (a) => guarded('boot', async () => {
        const { kernel, disk, snapshot } = await bootImages(a);
        return boot({
        kernel, mem: a.mem, append: a.append, maxInsns: a['max-insns'],
        tlb: a.tlb, tlbWays: a['tlb-ways'], debugcon: a.debugcon,
        disk, snapshot, diskLatency: a['disk-latency'], diskFail: a['disk-fail'],
        trace: a.trace, traceFile: a['trace-file'], stats: a.stats,
      } satisfies BootOptions);
      }))
    .command('run <program> [args..]', 'build a program (.ts, .s or an executable), boot with it as init on a fresh disk, and exit with its status',
      (y) => machineFlags(y)
        .positional('program', { type: 'string', describe: 'a .ts or .s source, or an ELF executable' })
        .positional('args', { type: 'string', array: true, describe: 'its arguments (after --, arguments that start with -)' }),
      async (a) => guarded('run', async () => {
        if (a.disk !== undefined) throw new UserError('run makes its own disk (the standard userland and the program): --disk is for boot', 2);
        const { runCommand, resolveProgram } = await import('./run.js');
        return runCommand({
          program: resolveProgram(a.program as string), args: [...((a.args as string[] | undefined) ?? []), ...a._.slice(1)].map(String),
          swapBytes: a.swap !== undefined ? swapSize(a.swap) : undefined,
          boot: { mem: a.mem, append: a.append, maxInsns: a['max-insns'], tlb: a.tlb, tlbWays: a['tlb-ways'], debugcon: a.debugcon, diskLatency: a['disk-latency'], diskFail: a['disk-fail'], trace: a.trace, traceFile: a['trace-file'] },
        });
      }))
    .command('debug [mode] [args..]', 'the step/trace console (gdb\'s commands) on the machine `boot` or `run` would start: debug boot [--kernel FILE], debug run PROGRAM [ARGS]',
      (y) => machineFlags(y)
        .positional('mode', { type: 'string', describe: 'boot (the default) or run' })
        .positional('args', { type: 'string', array: true, describe: 'for run: the program and its arguments' })
        .option('kernel', { type: 'string', describe: 'ELF32 kernel to load (boot only)' })
        .option('x', { type: 'string', describe: 'run the commands of FILE first' })
        .option('batch', { type: 'boolean', describe: 'end after the -x file (and stdin), without a prompt' }),
      async (a) => guarded('debug', async () => {
        const mode = (a.mode as string | undefined) ?? 'boot';
        if (mode !== 'boot' && mode !== 'run') throw new UserError(`debug: give boot or run, not '${mode}'`, 2);
        const rest = [...((a.args as string[] | undefined) ?? []), ...a._.slice(1)].map(String);
        const flags = { mem: a.mem, append: a.append, maxInsns: a['max-insns'], tlb: a.tlb, tlbWays: a['tlb-ways'], diskLatency: a['disk-latency'], diskFail: a['disk-fail'] };
        const { debugCommand, bootTarget, runTarget } = await import('./debugger/index.js');
        return debugCommand({
          script: a.x as string | undefined, batch: a.batch, trace: a.trace, traceFile: a['trace-file'],
          target: async () => {
            if (mode === 'run') {
              if (!rest.length) throw new UserError('debug run: give the program', 2);
              if (a.kernel !== undefined || a.disk !== undefined) throw new UserError('debug run makes its own disk and uses the default kernel: --kernel and --disk are for debug boot', 2);
              const { resolveProgram } = await import('./run.js');
              return runTarget({ ...flags, program: resolveProgram(rest[0]), args: rest.slice(1), swap: a.swap !== undefined ? swapSize(a.swap) : undefined });
            }
            if (rest.length) throw new UserError(`debug boot takes no arguments (got '${rest[0]}')`, 2);
            if (a.swap !== undefined && (a.disk !== undefined || a.kernel !== undefined)) {
              throw new UserError('--swap sizes the default disk; for your own disk, give the size to toy86 mkdisk --swap', 2);
            }
            return bootTarget({ ...flags, kernel: a.kernel as string | undefined, disk: a.disk as string | undefined, swap: a.swap !== undefined ? swapSize(a.swap) : undefined });
          },
        });
      }))
    .command('asm <files..>', 'assemble NASM-style sources (and link them with any .o files) into an ELF32 file',
      (y) => y
        .positional('files', { type: 'string', array: true, describe: '.s sources and .o objects' })
        .option('o', { type: 'string', describe: 'output file' })
        .option('c', { type: 'boolean', describe: 'write a relocatable object instead of linking' })
        .option('base', { type: 'string', describe: 'address of the first section (default 0x08048000)' })
        .option('load-offset', { type: 'string', describe: 'physical address = virtual address - OFF (default 0)' }),
      async (a) => guarded('asm', async () => {
        if (!a.o) throw new UserError('give the output file with -o OUT', 2);
        asmCommand({
          inputs: a.files as string[], output: a.o as string, object: a.c,
          base: address(a.base, '--base'), loadOffset: address(a['load-offset'], '--load-offset'),
        });
        return 0;
      }))
    .command('cc <files..>', 'compile the TypeScript subset (with .s sources and .o objects) into an ELF32 file',
      (y) => y
        .positional('files', { type: 'string', array: true, describe: '.ts and .s sources, .o objects' })
        .option('o', { type: 'string', describe: 'output file' })
        .option('kernel', { type: 'boolean', describe: 'kernel or bare-metal code: no user runtime; an assembly file defines _start (without it: linked with crt0 and the system-call stubs)' })
        .option('S', { type: 'boolean', describe: 'write the generated assembly instead' })
        .option('c', { type: 'boolean', describe: 'write a relocatable object instead of linking' })
        .option('base', { type: 'string', describe: 'address of the first section (default 0x08048000, 0x100000 with --kernel)' })
        .option('load-offset', { type: 'string', describe: 'physical address = virtual address - OFF (default 0)' }),
      async (a) => guarded('cc', async () => {
        if (!a.o) throw new UserError('give the output file with -o OUT', 2);
        const { ccCommand, asCcError } = await import('./cc/driver.js');
        try {
          ccCommand({
            inputs: a.files as string[], output: a.o as string, kernel: a.kernel, assembly: a.S, object: a.c,
            base: address(a.base, '--base'), loadOffset: address(a['load-offset'], '--load-offset'),
          });
        } catch (e) {
          throw asCcError(e) ?? e;
        }
        return 0;
      }))
    .command('objdump <file>', 'disassemble an executable or object, with symbols and source lines',
      (y) => y.positional('file', { type: 'string', describe: 'an ELF32 toy86 file' }),
      async (a) => guarded('objdump', async () => {
        process.stdout.write(objdumpCommand(a.file as string) + '\n');
        return 0;
      }))
    .command('mkdisk [files..]', 'build a disk image: a read-only filesystem of host files, then a swap area (docs/disk.md)',
      (y) => y
        .positional('files', { type: 'string', array: true, describe: 'HOST:/dest/path — a host file and its path on the disk (directories are made; a path ending in / takes the host file\'s name)' })
        .option('o', { type: 'string', describe: 'output image file' })
        .option('swap', { type: 'string', describe: 'size of the swap area: a multiple of 4K, 0 for none (default 32M)' })
        .option('dir', { type: 'string', describe: 'make an empty directory (repeat for more); /bin, /demos, /etc and /proc are always made' }),
      async (a) => guarded('mkdisk', async () => {
        if (!a.o) throw new UserError('give the output image with -o IMAGE', 2);
        if (Array.isArray(a.o) || Array.isArray(a.swap)) throw new UserError('give -o and --swap once each', 2);
        const { mkdiskCommand, MkdiskError } = await import('./mkdisk/index.js');
        try {
          mkdiskCommand({
            output: a.o as string, inputs: (a.files as string[] | undefined) ?? [],
            dirs: ([] as string[]).concat((a.dir as string | string[] | undefined) ?? []), swap: a.swap as string | undefined,
          });
        } catch (e) {
          if (e instanceof MkdiskError) throw new UserError(e.message, e.code);
          throw e;
        }
        return 0;
      }))
    .command('web', 'serve the browser terminal on 127.0.0.1: a machine per page (xterm.js), with live views of its memory (docs/web.md)',
      (y) => machineFlags(y).option('kernel', { type: 'string', describe: 'ELF32 kernel to load (as QEMU -kernel)' })
        // Each page's machine has its own terminal, and keeps its disk writes in memory.
        .hide('trace').hide('trace-file').hide('debugcon').hide('snapshot')
        .option('port', { type: 'string', describe: 'the port on 127.0.0.1 (default: a free one)' })
        .option('max-sessions', { type: 'string', describe: 'machines that may run at once, one per page (default 4)' }),
      async (a) => guarded('web', async () => {
        for (const [flag, v] of [['--trace', a.trace], ['--trace-file', a['trace-file']], ['--debugcon', a.debugcon]] as const) {
          if (v !== undefined) throw new UserError(`${flag} is for boot and run: each page's machine has its own terminal`, 2);
        }
        const port = a.port !== undefined ? parseCount(a.port, '--port') : 0;
        if (!Number.isInteger(port) || port > 65535) throw new UserError(`--port: ${a.port} is not a port (0 to 65535)`, 2);
        const maxSessions = a['max-sessions'] !== undefined ? parseCount(a['max-sessions'], '--max-sessions') : 4;
        if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new UserError(`--max-sessions: give a whole number, at least 1 (got ${a['max-sessions']})`, 2);
        // Each page's `toy86 boot` gets the same flags; the images are built and the flags checked here, once.
        const { kernel, disk } = await bootImages(a);
        const given: [string, string | undefined][] = [['--mem', a.mem], ['--tlb', a.tlb], ['--tlb-ways', a['tlb-ways']], ['--append', a.append],
          ['--max-insns', a['max-insns']], ['--disk-latency', a['disk-latency']], ['--disk-fail', a['disk-fail']]];
        const { createMachine } = await import('./boot.js');
        createMachine({ kernel, disk, snapshot: disk !== undefined, mem: a.mem, append: a.append, maxInsns: a['max-insns'], tlb: a.tlb, tlbWays: a['tlb-ways'],
          diskLatency: a['disk-latency'], diskFail: a['disk-fail'] }, { serial: () => {}, debug: () => {} }).image?.close();
        if (a['max-insns'] !== undefined) parseCount(a['max-insns'], '--max-insns');
        // Several machines may share a disk image: each keeps its writes in memory (--snapshot).
        const bootArgs = ['--kernel', kernel, ...(disk !== undefined ? ['--disk', disk, '--snapshot'] : []),
          ...given.flatMap(([f, v]) => (v !== undefined ? [f, String(v)] : []))];
        const { webCommand, ListenError } = await import('./web/index.js');
        try {
          const shown = [...given, ['--kernel', a.kernel], ['--disk', a.disk], ['--swap', a.swap]].flatMap(([f, v]) => (v !== undefined ? [f!, String(v)] : []));
          return await webCommand({ port, maxSessions, bootArgs, shownFlags: shown, print: (line) => process.stdout.write(line + '\n') });
        } catch (e) {
          if (e instanceof ListenError) throw new UserError(e.message, 1);
          throw e;
        }
      }))
    .command('vmlab <trace>', "replay a page-reference trace (--trace pages) under FIFO, LRU, CLOCK and Belady's OPT, beside what the kernel did",
      (y) => y
        .positional('trace', { type: 'string', describe: 'a trace file written by boot or run with --trace pages' })
        .option('frames', { type: 'string', describe: "frames of memory to simulate (default: the trace's user-frames-max, the most the kernel gave user pages)" }),
      async (a) => guarded('vmlab', async () => {
        const { vmlabCommand, VmlabError } = await import('./vmlab/index.js');
        try {
          process.stdout.write(vmlabCommand({ trace: a.trace as string, frames: a.frames as string | undefined }));
        } catch (e) {
          if (e instanceof VmlabError) throw new UserError(e.message, e.code);
          throw e;
        }
        return 0;
      }))
    .command('bench', 'run the interpreter benchmarks (prints a table, writes tools/bench/results.json)',
      (y) => y.option('runs', { type: 'string', default: '5', describe: 'runs per benchmark (the median is reported)' })
        .option('one', { type: 'string', describe: 'swap or debugger: only those benchmarks, their table printed (results.json is left as it is); an interpreter benchmark\'s name: it alone, as JSON' }),
      async (a) => guarded('bench', async () => {
        const { runBenchmarks } = await import('./bench/bench.js');
        return runBenchmarks({ runs: parseCount(String(a.runs), '--runs'), one: a.one });
      }))
    .check((argv) => {
      // An option given without its value (`--mem` at the end, `--disk=`) is a mistake, not the default.
      for (const k of VALUE_OPTIONS) {
        const name = `${k.length === 1 ? '-' : '--'}${k}`;
        if (argv[k] === '') throw new UsageError(`${name} needs a value`);
        // Repeated, yargs makes an array of them: only --dir (and --trace, whose kinds add up) may
        // be (mkdisk says so itself).
        if (Array.isArray(argv[k]) && k !== 'dir' && k !== 'trace' && argv._[0] !== 'mkdisk') throw new UsageError(`${name} is given more than once`);
      }
      return true;
    }, true)
    .demandCommand(1, 'give a command (toy86 --help lists them)')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    if (!(e instanceof UsageError)) { internalError('', e); return; }
    process.stderr.write(`toy86: ${e.message}\n`);
    process.exitCode = 2;
  }
}
