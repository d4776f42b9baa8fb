// Pass 1 of `toy86 cc`: parse and type-check (SPEC §3.3). The sources are parsed and checked by
// the TypeScript compiler API against the subset's declarations (lib/toy86.d.ts) with no
// JavaScript library, so `Math`, `Array.prototype`, `console` and the rest do not exist. Every
// diagnostic becomes one `file:line:column: error: ...` line.

import ts from 'typescript';
import { relative, resolve, dirname, join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { refusals } from './subset.js';
import { fileURLToPath } from 'node:url';
import type { Pos } from './ir.js';

/** A mistake in a source file, as `file:line:column: error: message`. */
export class CcError extends Error {
  constructor(readonly pos: Pos, readonly why: string) {
    // Without a place (TypeScript's global diagnostics): the message alone.
    super(pos.line > 0 ? `${pos.file}:${pos.line}:${pos.col}: error: ${why}` : why);
  }
}

/** Several mistakes at once (the type checker's), one line each. */
export class CcErrors extends Error {
  constructor(readonly errors: CcError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

declare const TOY86_ROOT: string | undefined;

/** The subset's declarations file. */
export function declarationsPath(): string {
  const root = typeof TOY86_ROOT === 'string' ? TOY86_ROOT : join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(root, 'tools', 'cc', 'lib', 'toy86.d.ts');
}

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  noLib: true,
  strict: true,
  strictPropertyInitialization: false,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  noEmit: true,
  types: [],
  skipLibCheck: false,
};

/** Where a node starts, for messages. */
export function posOf(node: ts.Node): Pos {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return { file: displayName(sf.fileName), line: line + 1, col: character + 1 };
}

/** A file's name as messages and the line table show it: relative to the working directory. */
export function displayName(file: string): string {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
}

export interface Parsed {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** The subset sources: the files given and every file they import (not the declarations). */
  sources: ts.SourceFile[];
}

/** Parses and type-checks; throws CcErrors with every diagnostic. */
export function parse(files: string[]): Parsed {
  const roots = files.map((f) => resolve(f));
  for (const f of files) {
    if (!existsSync(f)) throw new CcErrors([new CcError({ file: '', line: 0, col: 0 }, `${f}: no such file`)]);
    if (!statSync(f).isFile()) throw new CcErrors([new CcError({ file: '', line: 0, col: 0 }, `${f}: not a file`)]);
  }
  const decls = declarationsPath();
  const program = ts.createProgram([decls, ...roots], COMPILER_OPTIONS);
  const errors: CcError[] = [];
  const sources = program.getSourceFiles().filter((sf) => !sf.isDeclarationFile || roots.includes(resolve(sf.fileName)));
  const report = (d: ts.Diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      errors.push(new CcError({ file: displayName(d.file.fileName), line: line + 1, col: character + 1 }, text));
    } else {
      errors.push(new CcError({ file: '', line: 0, col: 0 }, text));
    }
  };
  // Syntax first; then what the subset refuses (before the checker, which would only say what
  // a library-less TypeScript makes of it); then the checker's diagnostics.
  for (const sf of sources) program.getSyntacticDiagnostics(sf).forEach(report);
  if (errors.length) throw new CcErrors(errors);
  const checker = program.getTypeChecker(); // binds the files: parent links, for positions
  for (const sf of sources) if (!sf.isDeclarationFile) errors.push(...refusals(sf));
  if (errors.length) throw new CcErrors(errors);
  program.getOptionsDiagnostics().forEach(report);
  program.getGlobalDiagnostics().forEach(report);
  for (const sf of sources) program.getSemanticDiagnostics(sf).forEach(report);
  if (errors.length) throw new CcErrors(errors);
  return { program, checker, sources: sources.filter((sf) => !sf.isDeclarationFile) };
}
