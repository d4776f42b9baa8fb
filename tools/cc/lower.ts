// Pass 2 of `toy86 cc`: lower the checked TypeScript syntax tree into the typed intermediate form
// (ir.ts). This is where the subset is enforced: anything outside it is an error that names the
// construct (SPEC §3.3), and where the subset's meaning is decided — types and signedness, the
// layout of structures, constants folded, intrinsics recognised. Each lowering function says in
// its comment which rule it implements; docs/language.md is the user's version of the same rules.

import ts from 'typescript';
import { resolve } from 'node:path';
import { CcError, posOf, displayName, declarationsPath, type Parsed } from './parse.js';
import { kindName } from './subset.js';
import {
  type Ty, type Sig, type Struct, type Var, type Expr, type Stmt, type Func, type Data, type DataItem, type Unit,
  type BinOp, type CmpOp, type LValue, type Pos,
  I8, U8, I16, U16, I32, U32, USIZE, BOOL, VOID, STR, sizeOf, valueSize, tyName,
} from './ir.js';

const NAMED_TYPES: Record<string, Ty> = { i8: I8, u8: U8, i16: I16, u16: U16, i32: I32, u32: U32, usize: USIZE, bool: BOOL, number: I32, boolean: BOOL };

/** The instructions the declarations offer as functions: name → [argument count, result type]. */
const INTRINSICS: Record<string, [number, Ty]> = {
  cli: [0, VOID], sti: [0, VOID], hlt: [0, VOID],
  inb: [1, U8], inw: [1, U16], inl: [1, U32], outb: [2, VOID], outw: [2, VOID], outl: [2, VOID],
  rcr0: [0, U32], rcr2: [0, U32], rcr3: [0, U32], rcr4: [0, U32], lcr0: [1, VOID], lcr3: [1, VOID], lcr4: [1, VOID],
  invlpg: [1, VOID], lidt: [1, VOID], ltr: [1, VOID], rdtsc: [0, U32], readeflags: [0, U32],
};

type Binding =
  | { b: 'func'; sym: string; sig: Sig; file: string }
  | { b: 'global'; sym: string; ty: Ty; file: string }
  | { b: 'const'; v: number; ty: Ty }
  /** A module-level constant whose value is a link-time address. */
  | { b: 'addr'; sym: string; add: number; ty: Ty; file: string }
  | { b: 'local'; v: Var };

const fail = (node: ts.Node, why: string): never => { throw new CcError(posOf(node), why); };

/** 32-bit wrapping, and narrowing to a type's size with its signedness. */
export function wrapTo(v: number, t: Ty): number {
  if (t.k === 'bool') return v ? 1 : 0;
  if (t.k !== 'int' || t.size === 4) return v | 0;
  const bits = 32 - 8 * t.size;
  return t.signed ? (v << bits) >> bits : (v << bits) >>> bits;
}

const isNarrow = (t: Ty) => t.k === 'int' && t.size < 4;
const isUnsigned32 = (t: Ty) => (t.k === 'int' && t.size === 4 && !t.signed) || t.k === 'str' || t.k === 'struct' || t.k === 'fn';
const isIntLike = (t: Ty) => t.k === 'int' || t.k === 'bool';

/** Lowers every source file of a parsed program into one unit each. */
export function lower(parsed: Parsed): Unit[] {
  return new Lowerer(parsed).run();
}

class Lowerer {
  private readonly checker: ts.TypeChecker;
  private readonly bindings = new Map<ts.Declaration, Binding>();
  private readonly structs = new Map<ts.ClassDeclaration, Struct>();
  private readonly inProgress = new Set<ts.Node>();
  private readonly declsFile = resolve(declarationsPath());
  // The unit being lowered.
  private unit!: Unit;
  private labels = 0;
  // The function being lowered.
  private fn: Func | null = null;
  private locals = new Map<ts.Declaration, Var>();
  private loopDepth = 0;
  private breakable = 0;
  private continuable = 0;

  constructor(private readonly parsed: Parsed) {
    this.checker = parsed.checker;
  }

  run(): Unit[] {
    return this.parsed.sources.map((sf) => this.lowerFile(sf));
  }

  // ---- module level --------------------------------------------------------------------------

  /** A source file: functions, globals, constants, enums, structures, imports (SPEC §3.3). */
  private lowerFile(sf: ts.SourceFile): Unit {
    this.unit = { file: displayName(sf.fileName), funcs: [], data: [], externs: new Set() };
    this.labels = 0;
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEmptyStatement(st)) continue;
      // export { x } and export { x } from './y': names resolve through them (the checker's aliases).
      if (ts.isExportDeclaration(st)) continue;
      if (ts.isFunctionDeclaration(st)) { this.moduleFunction(st); continue; }
      if (ts.isVariableStatement(st)) { this.moduleVariables(st); continue; }
      if (ts.isEnumDeclaration(st)) { for (const m of st.members) this.checker.getConstantValue(m) ?? fail(m, 'an enum member must have a constant value'); continue; }
      if (ts.isClassDeclaration(st)) { this.structOf(st); continue; }
      if (ts.isInterfaceDeclaration(st)) fail(st, 'interfaces are not in the subset (objects are not; use an @unmanaged class for a structure)');
      if (ts.isModuleDeclaration(st)) fail(st, 'namespaces are not in the subset');
      if (ts.isExportAssignment(st)) fail(st, 'export default / export = are not in the subset');
      fail(st, 'statements outside functions are not in the subset (module level holds declarations only)');
    }
    return this.unit;
  }

  /** A function's or global's name becomes a symbol (gen writes it `$name`, so even `add` works). */
  private checkName(node: ts.Node, name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(node, `'${name}' cannot name a function or a global: a symbol is ASCII letters, digits and _`);
  }

  private isExported(node: ts.Node): boolean {
    return (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
  }

  /** A module-level function: a global symbol when exported; `declare function` is external. */
  private moduleFunction(st: ts.FunctionDeclaration): void {
    const b = this.binding(st) as Extract<Binding, { b: 'func' }>;
    if (!st.body) return; // declared here, defined in assembly or another object
    this.unit.funcs.push(this.lowerFunction(st, b));
  }

  /** Module-level let/var: globals with link-time constant initialisers; const: constants. */
  private moduleVariables(st: ts.VariableStatement): void {
    if (st.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) fail(st, 'declare const/let is not in the subset: use symbol("name") for an assembly symbol');
    for (const d of st.declarationList.declarations) this.binding(d);
  }

  /** The binding of a module-level declaration, lowered on first use (memoised). */
  private binding(decl: ts.Declaration): Binding {
    const local = this.locals.get(decl);
    const have = this.bindings.get(decl) ?? (local ? { b: 'local' as const, v: local } : undefined);
    if (have) return have;
    if (this.inProgress.has(decl)) fail(decl, 'this declaration depends on itself');
    this.inProgress.add(decl);
    try {
      const b = this.makeBinding(decl);
      this.bindings.set(decl, b);
      return b;
    } finally {
      this.inProgress.delete(decl);
    }
  }

  private makeBinding(decl: ts.Declaration): Binding {
    const file = displayName(decl.getSourceFile().fileName);
    if (ts.isFunctionDeclaration(decl)) {
      if (!decl.name) fail(decl, 'a function needs a name');
      this.checkName(decl.name!, decl.name!.text);
      if (decl.typeParameters) fail(decl, 'generic functions are not in the subset (only the intrinsics take type arguments)');
      if (decl.asteriskToken) fail(decl, 'generators are not in the subset');
      if (decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail(decl, 'async functions are not in the subset');
      return { b: 'func', sym: decl.name!.text, sig: this.signature(decl), file };
    }
    if (ts.isVariableDeclaration(decl)) {
      if (!ts.isIdentifier(decl.name)) fail(decl.name, 'destructuring is not in the subset');
      const name = (decl.name as ts.Identifier).text;
      const isConst = (decl.parent.flags & ts.NodeFlags.Const) !== 0;
      const declared = decl.type ? this.typeOf(decl.type) : null;
      if (!decl.initializer) {
        if (isConst) fail(decl, 'a const needs a value');
        if (!declared) fail(decl, `'${name}' needs a type`);
        this.checkName(decl.name, name);
        this.unit.data.push({ sym: name, global: this.isExported(decl.parent.parent), align: Math.min(4, Math.max(1, valueSize(declared!))), size: valueSize(declared!), items: null, readonly: false, pos: posOf(decl) });
        return { b: 'global', sym: name, ty: declared!, file };
      }
      const saveFn = this.fn;
      this.fn = null; // a module-level initialiser
      let init: Expr;
      try { init = this.expr(decl.initializer, declared ?? undefined, { staticName: isConst ? name : undefined, exported: this.isExported(decl.parent.parent) }); } finally { this.fn = saveFn; }
      const ty = declared ?? init.ty;
      if (isConst && init.e === 'const') return { b: 'const', v: wrapTo(init.v, ty), ty };
      if (isConst && init.e === 'addr') return { b: 'addr', sym: init.sym, add: init.add, ty, file };
      // A global variable: its initial value must be known at link time.
      this.checkName(decl.name, name);
      const item = this.staticItem(init, ty, decl.initializer);
      const size = valueSize(ty);
      const zero = item.value === 0 && !item.sym;
      this.unit.data.push({
        sym: name, global: this.isExported(decl.parent.parent), align: Math.min(4, Math.max(1, size)), size,
        items: zero ? null : [item], readonly: false, pos: posOf(decl),
      });
      return { b: 'global', sym: name, ty, file };
    }
    if (ts.isEnumMember(decl)) {
      const v = this.checker.getConstantValue(decl);
      if (typeof v !== 'number') fail(decl, 'an enum member must have a number value');
      return { b: 'const', v: (v as number) | 0, ty: I32 };
    }
    if (ts.isParameter(decl)) fail(decl, 'internal: a parameter outside its function');
    return fail(decl, `'${kindName(decl.kind)}' is not in the subset here`);
  }

  /** A link-time constant for static data: a number, or an address plus a number. */
  private staticItem(e: Expr, ty: Ty, node: ts.Node): DataItem {
    const width = Math.max(1, Math.min(4, valueSize(ty))) as 1 | 2 | 4;
    if (e.e === 'const') return { width, value: wrapTo(e.v, ty) };
    if (e.e === 'addr') {
      if (width !== 4) fail(node, 'an address needs a 32-bit type');
      return { width, value: e.add, sym: e.sym };
    }
    return fail(node, 'static data must be a constant (a number, a string, static memory or a function)');
  }

  // ---- types ---------------------------------------------------------------------------------

  /** Types of the subset: i8 u8 i16 u16 i32 u32 usize bool void, number (= i32), string literals
   *  (their address), @unmanaged classes (through their address), function types. */
  private typeOf(node: ts.TypeNode): Ty {
    if (ts.isParenthesizedTypeNode(node)) return this.typeOf(node.type);
    switch (node.kind) {
      case ts.SyntaxKind.NumberKeyword: return I32;
      case ts.SyntaxKind.BooleanKeyword: return BOOL;
      case ts.SyntaxKind.VoidKeyword: return VOID;
      case ts.SyntaxKind.StringKeyword: return STR;
      case ts.SyntaxKind.AnyKeyword: return fail(node, "'any' is not in the subset");
      case ts.SyntaxKind.UnknownKeyword: return fail(node, "'unknown' is not in the subset");
      case ts.SyntaxKind.BigIntKeyword: return fail(node, 'bigint is not in the subset');
      case ts.SyntaxKind.ObjectKeyword: return fail(node, 'objects are not in the subset');
      case ts.SyntaxKind.NeverKeyword: return fail(node, "'never' is not in the subset");
      case ts.SyntaxKind.UndefinedKeyword: return fail(node, "'undefined' is not in the subset");
    }
    if (ts.isArrayTypeNode(node) || ts.isTupleTypeNode(node)) return fail(node, 'arrays are not in the subset (use memory.data for static memory, load and store to reach it)');
    if (ts.isTypeLiteralNode(node)) return fail(node, 'object types are not in the subset (use an @unmanaged class)');
    if (ts.isFunctionTypeNode(node)) {
      if (node.typeParameters) fail(node, 'generic function types are not in the subset');
      return { k: 'fn', sig: { params: node.parameters.map((p) => p.type ? this.typeOf(p.type) : fail(p, 'a parameter needs a type')), ret: this.typeOf(node.type) } };
    }
    if (ts.isUnionTypeNode(node)) {
      // A union of 32-bit types (the formatter's arguments): any 32-bit value.
      const ts_ = node.types.map((t) => this.typeOf(t));
      if (ts_.some((t) => sizeOf(t) !== 4 && t.k !== 'int' && t.k !== 'bool')) fail(node, 'this union is not in the subset');
      return U32;
    }
    if (ts.isLiteralTypeNode(node)) return fail(node, node.literal.kind === ts.SyntaxKind.NullKeyword ? "'null' is not in the subset: use 0" : 'literal types are not in the subset');
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (NAMED_TYPES[name] && this.isBuiltinType(node.typeName)) return NAMED_TYPES[name];
      let sym = this.checker.getSymbolAtLocation(node.typeName);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      const decl = sym?.declarations?.[0];
      if (decl && ts.isClassDeclaration(decl)) return { k: 'struct', s: this.structOf(decl) };
      if (decl && ts.isTypeAliasDeclaration(decl)) return this.typeOf(decl.type);
      if (decl && ts.isEnumDeclaration(decl)) return I32;
      return fail(node, `the type '${name}' is not in the subset`);
    }
    return fail(node, `this type is not in the subset`);
  }

  /** Whether a type name refers to the declarations file's types (not a user's shadowing one). */
  private isBuiltinType(name: ts.EntityName): boolean {
    const sym = this.checker.getSymbolAtLocation(name);
    const decl = sym?.declarations?.[0];
    return !decl || resolve(decl.getSourceFile().fileName) === this.declsFile;
  }

  /** @unmanaged classes: fields laid out in order, each at its natural alignment (SPEC §3.3). */
  private structOf(decl: ts.ClassDeclaration): Struct {
    const have = this.structs.get(decl);
    if (have) return have;
    const name = decl.name?.text ?? fail(decl, 'a class needs a name');
    const decorators = ts.getDecorators(decl) ?? [];
    if (!decorators.some((d) => ts.isIdentifier(d.expression) && d.expression.text === 'unmanaged')) {
      fail(decl, `classes are not in the subset, except @unmanaged structures: mark '${name}' @unmanaged and give it fields only`);
    }
    if (decl.heritageClauses?.length) fail(decl.heritageClauses[0], 'classes cannot extend or implement in the subset');
    if (decl.typeParameters) fail(decl, 'generic classes are not in the subset');
    if (this.inProgress.has(decl)) fail(decl, `the structure '${name}' contains itself`);
    this.inProgress.add(decl);
    const s: Struct = { name, fields: new Map(), size: 0, align: 1 };
    let off = 0;
    for (const m of decl.members) {
      if (!ts.isPropertyDeclaration(m)) {
        const what = ts.isMethodDeclaration(m) ? 'methods' : ts.isConstructorDeclaration(m) ? 'constructors' : 'this kind of member';
        fail(m, `classes with methods are not in the subset: an @unmanaged class holds fields only (found ${what})`);
      }
      const p = m as ts.PropertyDeclaration;
      if (p.initializer) fail(p, 'a structure field cannot have an initialiser');
      if (!p.type) fail(p, 'a structure field needs a type');
      if (p.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) fail(p, 'static fields are not in the subset (use a module-level global)');
      const fname = p.name.getText();
      const ty = this.typeOf(p.type!);
      if (ty.k === 'void') fail(p, 'a field cannot be void');
      const size = sizeOf(ty);
      const align = ty.k === 'struct' ? ty.s.align : Math.max(1, size);
      off = Math.ceil(off / align) * align;
      s.fields.set(fname, { name: fname, offset: off, ty });
      off += size;
      s.align = Math.max(s.align, align);
    }
    s.size = Math.ceil(off / s.align) * s.align;
    this.inProgress.delete(decl);
    this.structs.set(decl, s);
    return s;
  }

  /** A function's signature from its declaration (parameters and result must be typed or inferable). */
  private signature(decl: ts.SignatureDeclaration): Sig {
    const params = decl.parameters.map((p) => {
      if (p.dotDotDotToken) fail(p, 'rest parameters are not in the subset');
      if (!ts.isIdentifier(p.name)) fail(p.name, 'destructuring is not in the subset');
      if (!p.type) fail(p, 'a parameter needs a type');
      const t = this.typeOf(p.type!);
      if (t.k === 'void') fail(p, 'a parameter cannot be void');
      return t;
    });
    let ret: Ty;
    if (decl.type) ret = this.typeOf(decl.type);
    else {
      const sig = this.checker.getSignatureFromDeclaration(decl);
      const rt = sig ? this.checker.getReturnTypeOfSignature(sig) : undefined;
      if (!rt || rt.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) ret = VOID;
      else if (rt.flags & ts.TypeFlags.BooleanLike) ret = BOOL;
      else if (rt.flags & ts.TypeFlags.NumberLike) ret = I32;
      else ret = fail(decl, 'give this function a return type');
    }
    return { params, ret };
  }

  // ---- functions -----------------------------------------------------------------------------

  /** A function body: parameters and locals become variables; cdecl is gen's business. */
  private lowerFunction(decl: ts.FunctionDeclaration, b: Extract<Binding, { b: 'func' }>): Func {
    const fn: Func = { name: b.sym, global: this.isExported(decl), sig: b.sig, params: [], locals: [], body: [], pos: posOf(decl) };
    this.fn = fn;
    this.locals = new Map();
    this.loopDepth = 0;
    decl.parameters.forEach((p, i) => {
      const v: Var = { name: (p.name as ts.Identifier).text, ty: b.sig.params[i], param: i, weight: 0, id: i };
      fn.params.push(v);
      this.locals.set(p, v);
    });
    fn.body = this.block(decl.body!.statements);
    if (b.sig.ret.k !== 'void' && !endsInReturn(fn.body) && !ts.isBlock(decl.body!)) fail(decl, 'the function must return a value');
    this.fn = null;
    this.locals = new Map();
    return fn;
  }

  /** A variable of the compiler's own (for an order of evaluation). */
  private temp(ty: Ty): Var {
    const fn = this.fn!;
    const v: Var = { name: `$t${fn.locals.length}`, ty, param: -1, weight: 0, id: fn.params.length + fn.locals.length };
    fn.locals.push(v);
    return v;
  }

  private newLocal(decl: ts.VariableDeclaration, ty: Ty): Var {
    const fn = this.fn!;
    const v: Var = { name: (decl.name as ts.Identifier).text, ty, param: -1, weight: 0, id: fn.params.length + fn.locals.length };
    fn.locals.push(v);
    this.locals.set(decl, v);
    return v;
  }

  private block(stmts: ts.NodeArray<ts.Statement> | readonly ts.Statement[]): Stmt[] {
    const out: Stmt[] = [];
    for (const s of stmts) this.stmt(s, out);
    return out;
  }

  private body(s: ts.Statement): Stmt[] {
    return ts.isBlock(s) ? this.block(s.statements) : this.block([s]);
  }

  /** Statements: if, while, do, for, switch, break, continue, return, blocks, let/const. */
  private stmt(node: ts.Statement, out: Stmt[]): void {
    const pos = posOf(node);
    if (ts.isBlock(node)) { out.push({ s: 'block', body: this.block(node.statements), pos }); return; }
    if (ts.isEmptyStatement(node)) return;
    if (ts.isExpressionStatement(node)) { out.push({ s: 'expr', e: this.expr(node.expression), pos }); return; }
    if (ts.isVariableStatement(node)) { this.localVariables(node.declarationList, out); return; }
    if (ts.isIfStatement(node)) {
      out.push({ s: 'if', c: this.condition(node.expression), then: this.body(node.thenStatement), else: node.elseStatement ? this.body(node.elseStatement) : [], pos });
      return;
    }
    if (ts.isWhileStatement(node) || ts.isDoStatement(node)) {
      const c = this.condition(node.expression);
      this.loopDepth++; this.breakable++; this.continuable++;
      const body = this.body(node.statement);
      this.loopDepth--; this.breakable--; this.continuable--;
      out.push({ s: 'loop', kind: ts.isWhileStatement(node) ? 'while' : 'do', c, body, update: null, pos });
      return;
    }
    if (ts.isForStatement(node)) {
      const init: Stmt[] = [];
      if (node.initializer) {
        if (ts.isVariableDeclarationList(node.initializer)) this.localVariables(node.initializer, init);
        else init.push({ s: 'expr', e: this.expr(node.initializer), pos });
      }
      this.loopDepth++;
      const c = node.condition ? this.condition(node.condition) : null;
      const update = node.incrementor ? this.expr(node.incrementor) : null;
      this.breakable++; this.continuable++;
      const body = this.body(node.statement);
      this.loopDepth--; this.breakable--; this.continuable--;
      out.push({ s: 'block', body: [...init, { s: 'loop', kind: 'for', c, body, update, pos }], pos });
      return;
    }
    if (ts.isForOfStatement(node) || ts.isForInStatement(node)) fail(node, 'for...of and for...in are not in the subset (arrays and objects are not)');
    if (ts.isSwitchStatement(node)) { out.push(this.switchStmt(node)); return; }
    if (ts.isBreakStatement(node) || ts.isContinueStatement(node)) {
      if (node.label) fail(node, 'labelled break and continue are not in the subset');
      const brk = ts.isBreakStatement(node);
      if (brk ? this.breakable === 0 : this.continuable === 0) fail(node, `${brk ? 'break' : 'continue'} outside a loop`);
      out.push({ s: brk ? 'break' : 'continue', pos });
      return;
    }
    if (ts.isReturnStatement(node)) {
      const ret = this.fn!.sig.ret;
      if (!node.expression) { out.push({ s: 'return', e: null, pos }); return; }
      let e = this.expr(node.expression, ret);
      if (ret.k === 'void') { out.push({ s: 'expr', e, pos }, { s: 'return', e: null, pos }); return; }
      e = this.convert(e, ret, node.expression);
      out.push({ s: 'return', e, pos });
      return;
    }
    if (ts.isThrowStatement(node) || ts.isTryStatement(node)) fail(node, 'exceptions (throw, try) are not in the subset');
    if (ts.isFunctionDeclaration(node)) fail(node, 'nested functions are not in the subset (they would be closures)');
    if (ts.isClassDeclaration(node)) fail(node, 'classes inside functions are not in the subset');
    if (ts.isLabeledStatement(node)) fail(node, 'labelled statements are not in the subset');
    fail(node, `this statement (${kindName(node.kind)}) is not in the subset`);
  }

  /** let/const in a function: a variable each; a const with a constant value is folded. */
  private localVariables(list: ts.VariableDeclarationList, out: Stmt[]): void {
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) fail(list, "'var' is not in the subset: use let or const");
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) fail(d.name, 'destructuring is not in the subset');
      const declared = d.type ? this.typeOf(d.type) : null;
      const init = d.initializer ? this.expr(d.initializer, declared ?? undefined) : null;
      if (!declared && !init) fail(d, `'${d.name.getText()}' needs a type or a value`);
      let ty = declared ?? init!.ty;
      if (ty.k === 'void') fail(d, 'a variable cannot be void');
      if (!declared && init!.e === 'const' && ty.k === 'int') ty = I32;
      if (isConst && init && (init.e === 'const' || init.e === 'addr')) {
        this.bindings.set(d, init.e === 'const' ? { b: 'const', v: wrapTo(init.v, ty), ty } : { b: 'addr', sym: init.sym, add: init.add, ty, file: this.unit.file });
        continue;
      }
      const v = this.newLocal(d, ty);
      if (init) {
        out.push({ s: 'expr', e: { e: 'assign', target: { e: 'var', v, ty }, op: null, unsigned: false, value: this.convert(init, ty, d.initializer!), ty }, pos: posOf(d) });
      } else {
        // A declared local starts at 0 (the subset has no undefined).
        out.push({ s: 'expr', e: { e: 'assign', target: { e: 'var', v, ty }, op: null, unsigned: false, value: { e: 'const', v: 0, ty }, ty }, pos: posOf(d) });
      }
    }
  }

  /** switch: case values must be constants; cases fall through as in TypeScript. */
  private switchStmt(node: ts.SwitchStatement): Stmt {
    const disc = this.expr(node.expression);
    const cases: { values: number[] | null; body: Stmt[] }[] = [];
    let pending: number[] = [];
    const seen = new Set<number>();
    this.breakable++;
    for (const c of node.caseBlock.clauses) {
      if (ts.isCaseClause(c)) {
        const v = this.expr(c.expression, disc.ty);
        if (v.e !== 'const') fail(c.expression, 'a case value must be a constant');
        const k = wrapTo((v as { v: number }).v, disc.ty);
        if (seen.has(k)) fail(c.expression, `duplicate case value ${k}`);
        seen.add(k);
        pending.push(k);
        if (c.statements.length === 0) continue;
        cases.push({ values: pending, body: this.block(c.statements) });
        pending = [];
      } else {
        if (pending.length) { cases.push({ values: pending, body: [] }); pending = []; }
        cases.push({ values: null, body: this.block(c.statements) });
      }
    }
    if (pending.length) cases.push({ values: pending, body: [] });
    this.breakable--;
    return { s: 'switch', disc, cases, pos: posOf(node) };
  }

  // ---- expressions ---------------------------------------------------------------------------

  /** A condition: any integer or boolean (non-zero is true). */
  private condition(node: ts.Expression): Expr {
    const e = this.expr(node);
    if (!isIntLike(e.ty) && e.ty.k !== 'struct' && e.ty.k !== 'str' && e.ty.k !== 'fn') fail(node, `a condition of type ${tyName(e.ty)}`);
    return e;
  }

  /** A value converted to a declared type: narrow integers wrap, everything else keeps its bits. */
  private convert(e: Expr, to: Ty, node: ts.Node): Expr {
    if (to.k === 'void') return e;
    if (e.ty.k === 'void') fail(node, 'a void value is used');
    if (to.k === 'int' && to.size < 4) {
      if (e.e === 'const') return { e: 'const', v: wrapTo(e.v, to), ty: to };
      if (e.ty.k === 'int' && e.ty.size <= to.size && (e.ty.signed === to.signed || e.ty.size < to.size && !e.ty.signed)) return retype(e, to);
      if (e.ty.k === 'bool') return retype(e, to);
      return { e: 'wrap', a: e, ty: to };
    }
    if (to.k === 'bool' && e.ty.k !== 'bool') {
      if (e.e === 'const') return { e: 'const', v: e.v ? 1 : 0, ty: BOOL };
      return { e: 'cmp', op: '!=', a: e, b: { e: 'const', v: 0, ty: I32 }, unsigned: false, ty: BOOL };
    }
    if (e.e === 'const' && to.k === 'int') return { e: 'const', v: e.v | 0, ty: to };
    // 32 bits to 32 bits: the same bits, now of the declared type (its signedness counts).
    if (to.k === 'int' || to.k === 'struct' || to.k === 'fn' || to.k === 'str') return retype(e, to);
    return e;
  }

  private use(v: Var): void {
    v.weight += Math.pow(8, Math.min(this.loopDepth, 4));
  }

  /** Expressions: every integer operator, comparisons, short-circuit, ?:, assignment, calls. */
  private expr(node: ts.Expression, want?: Ty, ctx: { staticName?: string; exported?: boolean } = {}): Expr {
    if (ts.isParenthesizedExpression(node)) return this.expr(node.expression, want, ctx);
    if (ts.isNonNullExpression(node)) return this.expr(node.expression, want, ctx);
    if (ts.isNumericLiteral(node)) {
      const v = Number(node.text);
      if (!Number.isInteger(v)) fail(node, 'floating-point numbers are not in the subset');
      if (v > 0xffffffff) fail(node, `${node.text} does not fit in 32 bits`);
      return { e: 'const', v: v | 0, ty: v > 0x7fffffff ? U32 : I32 };
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword) return { e: 'const', v: 1, ty: BOOL };
    if (node.kind === ts.SyntaxKind.FalseKeyword) return { e: 'const', v: 0, ty: BOOL };
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return this.stringLiteral(node.text, ctx, node);
    if (ts.isTemplateExpression(node)) fail(node, 'template strings with substitutions are not in the subset (use the formatter)');
    if (ts.isIdentifier(node)) return this.identifier(node);
    if (ts.isPropertyAccessExpression(node)) return this.property(node);
    if (ts.isElementAccessExpression(node)) fail(node, 'indexing is not in the subset (arrays are not; use load<T>(ptr, offset))');
    if (ts.isCallExpression(node)) return this.call(node, ctx);
    if (ts.isPrefixUnaryExpression(node)) return this.prefix(node);
    if (ts.isPostfixUnaryExpression(node)) {
      const t = this.lvalue(node.operand);
      return { e: 'post', target: t, delta: node.operator === ts.SyntaxKind.PlusPlusToken ? 1 : -1, ty: t.ty };
    }
    if (ts.isBinaryExpression(node)) return this.binary(node);
    if (ts.isConditionalExpression(node)) {
      const c = this.condition(node.condition);
      let a = this.expr(node.whenTrue, want);
      let b = this.expr(node.whenFalse, want);
      const ty = a.ty.k === b.ty.k && a.ty.k !== 'int' ? a.ty : isIntLike(a.ty) && isIntLike(b.ty) ? (a.ty.k === 'bool' && b.ty.k === 'bool' ? BOOL : this.arith(a.ty, b.ty)) : a.ty;
      if (c.e === 'const') return c.v ? a : b;
      a = this.convert(a, ty, node.whenTrue); b = this.convert(b, ty, node.whenFalse);
      return { e: 'cond', c, a, b, ty };
    }
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      if (ts.isConstTypeReference(node.type)) return this.expr(node.expression, want, ctx);
      const to = this.typeOf(node.type);
      return this.convert(this.expr(node.expression, to), to, node);
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) fail(node, 'closures (arrow functions and function expressions) are not in the subset: use a named function');
    if (ts.isObjectLiteralExpression(node)) fail(node, 'object literals are not in the subset (use an @unmanaged class in static memory)');
    if (ts.isArrayLiteralExpression(node)) fail(node, 'arrays are not in the subset (use memory.data for static memory)');
    if (ts.isNewExpression(node)) fail(node, "'new' is not in the subset (objects are not; structures live in static memory or at an address)");
    if (node.kind === ts.SyntaxKind.ThisKeyword) fail(node, "'this' is not in the subset (classes with methods are not)");
    if (node.kind === ts.SyntaxKind.NullKeyword) fail(node, "'null' is not in the subset: use 0");
    if (ts.isAwaitExpression(node)) fail(node, 'async code (await) is not in the subset');
    if (ts.isTypeOfExpression(node)) fail(node, 'typeof is not in the subset');
    if (ts.isDeleteExpression(node)) fail(node, 'delete is not in the subset');
    if (ts.isVoidExpression(node)) fail(node, "the 'void' operator is not in the subset");
    if (ts.isSpreadElement(node)) fail(node, 'spread is not in the subset');
    return fail(node, `this expression (${kindName(node.kind)}) is not in the subset`);
  }

  /** A string literal: NUL-terminated bytes in .rodata; its value is their address. */
  private stringLiteral(text: string, ctx: { staticName?: string; exported?: boolean }, node: ts.Node): Expr {
    const bytes: DataItem[] = [];
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      if (c > 0xff) fail(node, 'a string literal may hold only 8-bit characters');
      bytes.push({ width: 1, value: c });
    }
    bytes.push({ width: 1, value: 0 });
    const sym = ctx.staticName ?? `__str${this.labels++}`;
    this.unit.data.push({ sym, global: !!(ctx.staticName && ctx.exported), align: 1, size: bytes.length, items: bytes, readonly: true, pos: posOf(node) });
    return { e: 'addr', sym, add: 0, ty: STR };
  }

  /** A name: a local or parameter, a global, a constant, an enum member, a function (its address). */
  private identifier(node: ts.Identifier): Expr {
    if (node.text === 'undefined') fail(node, "'undefined' is not in the subset");
    let sym = this.checker.getSymbolAtLocation(node);
    if (!sym) return fail(node, `unknown name '${node.text}'`);
    if (sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!decl) return fail(node, `unknown name '${node.text}'`);
    if (resolve(decl.getSourceFile().fileName) === this.declsFile) {
      return fail(node, `'${node.text}' is an intrinsic: call it`);
    }
    const local = this.locals.get(decl);
    if (local) { this.use(local); return { e: 'var', v: local, ty: local.ty }; }
    if (ts.isEnumDeclaration(decl)) fail(node, `the enum '${node.text}' is not a value: use one of its members`);
    if (ts.isClassDeclaration(decl)) fail(node, `the class '${node.text}' is not a value: a structure is reached with changetype<${node.text}>(address)`);
    if (!ts.isVariableDeclaration(decl) && !ts.isFunctionDeclaration(decl) && !ts.isEnumMember(decl) && !ts.isParameter(decl)) {
      fail(node, `'${node.text}' cannot be used as a value`);
    }
    const b = this.binding(decl);
    switch (b.b) {
      case 'local': this.use(b.v); return { e: 'var', v: b.v, ty: b.v.ty };
      case 'const': return { e: 'const', v: b.v, ty: b.ty };
      case 'global': this.noteExtern(b.sym, b.file); return { e: 'global', sym: b.sym, ty: b.ty };
      case 'addr': this.noteExtern(b.sym, b.file); return { e: 'addr', sym: b.sym, add: b.add, ty: b.ty };
      case 'func': this.noteExtern(b.sym, b.file); return { e: 'addr', sym: b.sym, add: 0, ty: { k: 'fn', sig: b.sig } };
    }
  }

  /** A symbol defined in another file (or only declared) is an external reference of this one. */
  private noteExtern(sym: string, file: string): void {
    if (file !== this.unit.file || !this.definedHere(sym)) this.unit.externs.add(sym);
  }
  private definedHere(sym: string): boolean {
    return this.unit.data.some((d) => d.sym === sym) || this.unit.funcs.some((f) => f.name === sym) || this.declaredWithBody(sym);
  }
  private declaredWithBody(sym: string): boolean {
    const sf = this.parsed.sources.find((s) => displayName(s.fileName) === this.unit.file);
    return !!sf?.statements.some((st) => ts.isFunctionDeclaration(st) && st.body && st.name?.text === sym);
  }

  /** E.MEMBER (an enum constant) or ptr.field (a structure field at the address). */
  private property(node: ts.PropertyAccessExpression): Expr {
    const sym = this.checker.getSymbolAtLocation(node);
    const decl = sym?.valueDeclaration;
    if (decl && ts.isEnumMember(decl)) {
      const v = this.checker.getConstantValue(decl);
      if (typeof v !== 'number') fail(node, 'an enum member must have a number value');
      return { e: 'const', v: (v as number) | 0, ty: I32 };
    }
    const base = this.expr(node.expression);
    if (base.ty.k !== 'struct') {
      if (base.ty.k === 'str' && node.name.text === 'length') fail(node, 'string length is not in the subset (use strlen from the library)');
      return fail(node, `'.${node.name.text}' on a value of type ${tyName(base.ty)}: only @unmanaged structures have fields`);
    }
    const f = base.ty.s.fields.get(node.name.text);
    if (!f) return fail(node.name, `'${base.ty.s.name}' has no field '${node.name.text}'`);
    // An embedded structure is its address; any other field is the memory at base + offset.
    if (f.ty.k === 'struct') return this.offsetAddr(base, f.offset, f.ty);
    return this.memAt(base, f.offset, f.ty);
  }

  /** Memory at base + off, folding a constant part of base into the offset. */
  private memAt(base: Expr, off: number, ty: Ty): Extract<Expr, { e: 'mem' }> {
    if (base.e === 'bin' && base.op === '+' && base.b.e === 'const') return this.memAt(base.a, off + base.b.v, ty);
    if (base.e === 'const') return { e: 'mem', base: { e: 'const', v: (base.v + off) | 0, ty: USIZE }, off: 0, ty };
    return { e: 'mem', base, off, ty };
  }

  private offsetAddr(base: Expr, off: number, ty: Ty): Expr {
    if (off === 0) return retype(base, ty);
    if (base.e === 'const') return { e: 'const', v: (base.v + off) | 0, ty };
    if (base.e === 'addr') return { ...base, add: base.add + off, ty };
    if (base.e === 'bin' && base.op === '+' && base.b.e === 'const') return this.offsetAddr(base.a, base.b.v + off, ty);
    return { e: 'bin', op: '+', a: base, b: { e: 'const', v: off, ty: I32 }, unsigned: true, ty };
  }

  private lvalue(node: ts.Expression): LValue {
    const e = this.expr(node);
    if (e.e === 'var' || e.e === 'global' || e.e === 'mem') return e;
    if (e.e === 'const' || e.e === 'addr') return fail(node, 'cannot assign to a constant');
    return fail(node, 'this cannot be assigned to');
  }

  /** The type of an arithmetic result: unsigned 32 if either side is, else i32 (C's promotion). */
  private arith(a: Ty, b: Ty): Ty {
    if (a.k === 'int' && a.name === 'usize' || b.k === 'int' && b.name === 'usize') return USIZE;
    if (isUnsigned32(a) || isUnsigned32(b)) return U32;
    return I32;
  }

  private prefix(node: ts.PrefixUnaryExpression): Expr {
    const op = node.operator;
    if (op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken) {
      const t = this.lvalue(node.operand);
      return { e: 'assign', target: t, op: op === ts.SyntaxKind.PlusPlusToken ? '+' : '-', unsigned: false, value: { e: 'const', v: 1, ty: I32 }, ty: t.ty };
    }
    const a = this.expr(node.operand);
    if (op === ts.SyntaxKind.ExclamationToken) {
      if (a.e === 'const') return { e: 'const', v: a.v ? 0 : 1, ty: BOOL };
      return { e: 'lnot', a, ty: BOOL };
    }
    if (!isIntLike(a.ty)) fail(node, `arithmetic on a value of type ${tyName(a.ty)}`);
    const ty = this.arith(a.ty, I32);
    if (op === ts.SyntaxKind.PlusToken) return retype(a, ty);
    if (op === ts.SyntaxKind.MinusToken) return a.e === 'const' ? { e: 'const', v: -a.v | 0, ty: a.ty.k === 'int' && !a.ty.signed && a.ty.size === 4 ? U32 : I32 } : { e: 'neg', a, ty };
    if (op === ts.SyntaxKind.TildeToken) return a.e === 'const' ? { e: 'const', v: ~a.v, ty } : { e: 'not', a, ty };
    return fail(node, 'this operator is not in the subset');
  }

  private binary(node: ts.BinaryExpression): Expr {
    const k = node.operatorToken.kind;
    const K = ts.SyntaxKind;
    if (k === K.EqualsToken) {
      const t = this.lvalue(node.left);
      const v = this.convert(this.expr(node.right, t.ty), t.ty, node.right);
      return { e: 'assign', target: t, op: null, unsigned: false, value: v, ty: t.ty };
    }
    const compound: Partial<Record<ts.SyntaxKind, BinOp>> = {
      [K.PlusEqualsToken]: '+', [K.MinusEqualsToken]: '-', [K.AsteriskEqualsToken]: '*', [K.SlashEqualsToken]: '/',
      [K.PercentEqualsToken]: '%', [K.AmpersandEqualsToken]: '&', [K.BarEqualsToken]: '|', [K.CaretEqualsToken]: '^',
      [K.LessThanLessThanEqualsToken]: '<<', [K.GreaterThanGreaterThanEqualsToken]: '>>', [K.GreaterThanGreaterThanGreaterThanEqualsToken]: '>>>',
    };
    if (compound[k]) {
      const t = this.lvalue(node.left);
      const v = this.expr(node.right);
      if (!isIntLike(t.ty) && t.ty.k !== 'struct' || !isIntLike(v.ty)) fail(node, 'compound assignment needs integers');
      const op = compound[k]!;
      const unsigned = op === '>>' ? isUnsigned32(t.ty) : isUnsigned32(this.arith(t.ty, v.ty));
      return { e: 'assign', target: t, op, unsigned, value: v, ty: t.ty };
    }
    if (k === K.AmpersandAmpersandToken || k === K.BarBarToken) {
      const a = this.condition(node.left);
      const b = this.condition(node.right);
      const and = k === K.AmpersandAmpersandToken;
      if (a.e === 'const') return a.v ? (and ? this.convert(b, BOOL, node) : { e: 'const', v: 1, ty: BOOL }) : (and ? { e: 'const', v: 0, ty: BOOL } : this.convert(b, BOOL, node));
      return { e: and ? 'and' : 'or', a, b, ty: BOOL };
    }
    if (k === K.CommaToken) fail(node, 'the comma operator is not in the subset');
    if (k === K.QuestionQuestionToken) fail(node, "'??' is not in the subset");
    if (k === K.AsteriskAsteriskToken) fail(node, "'**' is not in the subset");
    if (k === K.InstanceOfKeyword || k === K.InKeyword) fail(node, `'${node.operatorToken.getText()}' is not in the subset`);
    const cmp: Partial<Record<ts.SyntaxKind, CmpOp>> = {
      [K.LessThanToken]: '<', [K.LessThanEqualsToken]: '<=', [K.GreaterThanToken]: '>', [K.GreaterThanEqualsToken]: '>=',
      [K.EqualsEqualsEqualsToken]: '==', [K.EqualsEqualsToken]: '==', [K.ExclamationEqualsEqualsToken]: '!=', [K.ExclamationEqualsToken]: '!=',
    };
    const a = this.expr(node.left);
    const b = this.expr(node.right);
    if (a.ty.k === 'str' || b.ty.k === 'str') {
      if (!cmp[k] || (cmp[k] !== '==' && cmp[k] !== '!=')) fail(node, 'string operations are not in the subset (a string literal is an address)');
    }
    if (a.ty.k === 'void' || b.ty.k === 'void') fail(node, 'a void value is used');
    if (cmp[k]) {
      const op = cmp[k]!;
      const unsigned = isUnsigned32(a.ty) || isUnsigned32(b.ty);
      if (a.e === 'const' && b.e === 'const') return { e: 'const', v: compare(op, a.v, b.v, unsigned) ? 1 : 0, ty: BOOL };
      return { e: 'cmp', op, a, b, unsigned, ty: BOOL };
    }
    const bin: Partial<Record<ts.SyntaxKind, BinOp>> = {
      [K.PlusToken]: '+', [K.MinusToken]: '-', [K.AsteriskToken]: '*', [K.SlashToken]: '/', [K.PercentToken]: '%',
      [K.AmpersandToken]: '&', [K.BarToken]: '|', [K.CaretToken]: '^', [K.LessThanLessThanToken]: '<<',
      [K.GreaterThanGreaterThanToken]: '>>', [K.GreaterThanGreaterThanGreaterThanToken]: '>>>',
    };
    const op = bin[k];
    if (!op) return fail(node.operatorToken, `the operator '${node.operatorToken.getText()}' is not in the subset`);
    if (!isIntLike(a.ty) && !isUnsigned32(a.ty) || !isIntLike(b.ty) && !isUnsigned32(b.ty)) fail(node, `arithmetic on ${tyName(a.ty)} and ${tyName(b.ty)}`);
    return this.arithmetic(op, a, b, node);
  }

  /** Integer operators, wrapping at 32 bits; signedness from the operands' types (SPEC §3.3). */
  private arithmetic(op: BinOp, a: Expr, b: Expr, node: ts.Node): Expr {
    let ty: Ty;
    let unsigned: boolean;
    if (op === '<<' || op === '>>' || op === '>>>') {
      ty = op === '>>>' ? U32 : this.arith(a.ty, I32);
      unsigned = op === '>>>' || isUnsigned32(a.ty);
    } else {
      ty = this.arith(a.ty, b.ty);
      unsigned = isUnsigned32(ty);
    }
    if (a.e === 'const' && b.e === 'const') {
      if ((op === '/' || op === '%') && b.v === 0) fail(node, 'division by zero');
      if ((op === '/' || op === '%') && !unsigned && a.v === -0x80000000 && b.v === -1) fail(node, 'signed division overflow: -2147483648 / -1 (it would trap with #DE)');
      return { e: 'const', v: fold(op, a.v, b.v, unsigned), ty };
    }
    // x + 0, x * 1, ... and constants on the right where the operation commutes.
    if (b.e === 'const' && ((op === '+' || op === '-' || op === '|' || op === '^' || op === '<<' || op === '>>' || op === '>>>') && b.v === 0 || (op === '*' || op === '/') && b.v === 1)) return retype(a, ty);
    if (a.e === 'const' && (op === '+' || op === '*' || op === '&' || op === '|' || op === '^')) [a, b] = [b, a];
    // (x << k) | (x >>> (32 - k)), in either order, with | + or ^: a rotation (one instruction).
    if ((op === '|' || op === '+' || op === '^') && a.e === 'bin' && b.e === 'bin') {
      const [l, r] = a.op === '<<' ? [a, b] : [b, a];
      if (l.op === '<<' && r.op === '>>>' && l.b.e === 'const' && r.b.e === 'const' && (l.b.v & 31) !== 0 &&
          ((l.b.v + r.b.v) & 31) === 0 && l.b.v + r.b.v === 32 && sameVar(l.a, r.a)) {
        return { e: 'bin', op: 'rotl', a: l.a, b: l.b, unsigned: true, ty: U32 };
      }
    }
    if (a.e === 'bin' && a.op === '+' && op === '+' && a.b.e === 'const' && b.e === 'const') {
      return { e: 'bin', op: '+', a: a.a, b: { e: 'const', v: (a.b.v + b.v) | 0, ty: I32 }, unsigned, ty };
    }
    return { e: 'bin', op, a, b, unsigned, ty };
  }

  // ---- calls and intrinsics ------------------------------------------------------------------

  private call(node: ts.CallExpression, ctx: { staticName?: string; exported?: boolean }): Expr {
    const callee = node.expression;
    // memory.data(...)
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'memory' && this.fromDecls(callee.expression)) {
      if (callee.name.text !== 'data') fail(callee, `memory.${callee.name.text} is not in the subset`);
      return this.staticMemory(node, ctx);
    }
    if (ts.isIdentifier(callee)) {
      let sym = this.checker.getSymbolAtLocation(callee);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
      if (decl && resolve(decl.getSourceFile().fileName) === this.declsFile) return this.intrinsic(callee.text, node);
      if (decl && ts.isFunctionDeclaration(decl)) {
        const b = this.binding(decl) as Extract<Binding, { b: 'func' }>;
        if (node.typeArguments) fail(node, 'generic calls are not in the subset');
        this.noteExtern(b.sym, b.file);
        return { e: 'call', fn: b.sym, args: this.args(node, decl.parameters, b.sig), ty: b.sig.ret };
      }
    }
    const f = this.expr(callee);
    if (f.ty.k !== 'fn') return fail(callee, `a value of type ${tyName(f.ty)} is called`);
    if (f.e === 'addr' && f.add === 0) return { e: 'call', fn: f.sym, args: this.args(node, undefined, f.ty.sig), ty: f.ty.sig.ret };
    return { e: 'call', fn: f, args: this.args(node, undefined, f.ty.sig), ty: f.ty.sig.ret };
  }

  /** Arguments converted to the parameters' types; a missing optional one takes its default (or 0). */
  private args(node: ts.CallExpression, params: ts.NodeArray<ts.ParameterDeclaration> | undefined, sig: Sig): Expr[] {
    const out: Expr[] = [];
    for (let i = 0; i < sig.params.length; i++) {
      const a = node.arguments[i];
      if (a) { out.push(this.convert(this.expr(a, sig.params[i]), sig.params[i], a)); continue; }
      const p = params?.[i];
      if (p?.initializer) {
        const saveFn = this.fn; const saveLocals = this.locals;
        const d = this.expr(p.initializer, sig.params[i]);
        this.fn = saveFn; this.locals = saveLocals;
        if (d.e !== 'const' && d.e !== 'addr') fail(p.initializer, 'a default value must be a constant');
        out.push(this.convert(d, sig.params[i], p));
      } else out.push({ e: 'const', v: 0, ty: sig.params[i] });
    }
    if (node.arguments.length > sig.params.length) fail(node.arguments[sig.params.length], 'too many arguments');
    return out;
  }

  private fromDecls(id: ts.Identifier): boolean {
    const sym = this.checker.getSymbolAtLocation(id);
    const decl = sym?.declarations?.[0];
    return !!decl && resolve(decl.getSourceFile().fileName) === this.declsFile;
  }

  private typeArg(node: ts.CallExpression, name: string): Ty {
    const t = node.typeArguments?.[0];
    if (!t) return fail(node, `${name} needs a type argument: ${name}<T>(...)`);
    return this.typeOf(t);
  }

  private constArg(node: ts.Expression, what: string): number {
    const e = this.expr(node);
    if (e.e !== 'const') fail(node, `${what} must be a constant`);
    return (e as { v: number }).v;
  }

  /** load, store, changetype, offsetof, sizeof, symbol, and the instructions (SPEC §3.3). */
  private intrinsic(name: string, node: ts.CallExpression): Expr {
    const args = node.arguments;
    switch (name) {
      case 'load': {
        const ty = this.typeArg(node, 'load');
        if (ty.k === 'void' || ty.k === 'struct') fail(node, `load<${tyName(ty)}>: load a number, a bool or an address`);
        const ptr = this.expr(args[0]);
        const off = args[1] ? this.expr(args[1]) : null;
        if (!off || off.e === 'const') return this.memAt(ptr, off ? off.v : 0, ty);
        return this.memAt(this.arithmetic('+', ptr, off, node), 0, ty);
      }
      case 'store': {
        const ty = this.typeArg(node, 'store');
        if (ty.k === 'void' || ty.k === 'struct') fail(node, `store<${tyName(ty)}>: store a number, a bool or an address`);
        const ptr = this.expr(args[0]);
        const value = this.convert(this.expr(args[1], ty), ty, args[1]);
        const off = args[2] ? this.expr(args[2]) : null;
        if (off && off.e !== 'const' && this.fn && (effects(value) || effects(off))) {
          // ptr, value, offset in that order (the arguments'): the first two into temporaries.
          const p = this.temp(USIZE), v = this.temp(ty);
          const set = (x: Var, e: Expr): Expr => ({ e: 'assign', target: { e: 'var', v: x, ty: x.ty }, op: null, unsigned: false, value: e, ty: x.ty });
          const use = (x: Var): Expr => { this.use(x); this.use(x); return { e: 'var', v: x, ty: x.ty }; };
          const target = this.memAt(this.arithmetic('+', use(p), off, node), 0, ty);
          return { e: 'seq', first: [set(p, ptr), set(v, value)], last: { e: 'store', target, value: use(v), ty: VOID }, ty: VOID };
        }
        const target = !off || off.e === 'const' ? this.memAt(ptr, off ? off.v : 0, ty) : this.memAt(this.arithmetic('+', ptr, off, node), 0, ty);
        return { e: 'store', target, value, ty: VOID };
      }
      case 'changetype': {
        const ty = this.typeArg(node, 'changetype');
        const v = this.expr(args[0]);
        if (ty.k === 'int' && ty.size < 4) return this.convert(v, ty, node);
        return retype(v, ty);
      }
      case 'offsetof': {
        const ty = this.typeArg(node, 'offsetof');
        if (ty.k !== 'struct') fail(node, 'offsetof<T> needs an @unmanaged class');
        const a = args[0];
        if (!a || !ts.isStringLiteral(a)) return fail(node, 'offsetof needs a field name in quotes');
        const f = (ty as Extract<Ty, { k: 'struct' }>).s.fields.get(a.text);
        if (!f) fail(a, `'${tyName(ty)}' has no field '${a.text}'`);
        return { e: 'const', v: f!.offset, ty: USIZE };
      }
      case 'sizeof': {
        const ty = this.typeArg(node, 'sizeof');
        return { e: 'const', v: sizeOf(ty), ty: USIZE };
      }
      case 'symbol': {
        const a = args[0];
        if (!a || !ts.isStringLiteral(a)) return fail(node, 'symbol needs a name in quotes');
        if (!/^[A-Za-z_][A-Za-z0-9_.$]*$/.test(a.text)) fail(a, `'${a.text}' is not a symbol name`);
        if (!this.unit.data.some((d) => d.sym === a.text) && !this.unit.funcs.some((f) => f.name === a.text)) this.unit.externs.add(a.text);
        return { e: 'addr', sym: a.text, add: 0, ty: USIZE };
      }
    }
    const info = INTRINSICS[name];
    if (!info) return fail(node, `'${name}' cannot be called`);
    const types: Record<string, Ty[]> = { inb: [U16], inw: [U16], inl: [U16], outb: [U16, U8], outw: [U16, U16], outl: [U16, U32] };
    const out = args.map((a, i) => this.convert(this.expr(a), types[name]?.[i] ?? U32, a));
    return { e: 'intr', name, args: out, ty: info[1] };
  }

  /** memory.data(size, align) — zeroed static memory; memory.data<T>([values], align) — initialised. */
  private staticMemory(node: ts.CallExpression, ctx: { staticName?: string; exported?: boolean }): Expr {
    const args = node.arguments;
    const sym = ctx.staticName ?? `__mem${this.labels++}`;
    const global = !!(ctx.staticName && ctx.exported);
    if (args[0] && ts.isArrayLiteralExpression(args[0])) {
      const ty = this.typeArg(node, 'memory.data');
      if (ty.k === 'struct' || ty.k === 'void') fail(node, 'memory.data<T>: T must be a number type');
      const align = args[1] ? this.constArg(args[1], 'the alignment') : Math.max(1, sizeOf(ty));
      if (align <= 0 || (align & (align - 1)) !== 0) fail(args[1] ?? node, 'the alignment must be a power of two');
      const items = args[0].elements.map((el) => this.staticItem(this.convert(this.expr(el, ty), ty, el), ty, el));
      this.unit.data.push({ sym, global, align, size: items.length * sizeOf(ty), items, readonly: false, pos: posOf(node) });
      return { e: 'addr', sym, add: 0, ty: USIZE };
    }
    if (!args[0]) fail(node, 'memory.data needs a size');
    const size = this.constArg(args[0], 'the size');
    const align = args[1] ? this.constArg(args[1], 'the alignment') : 16;
    if (size < 0 || size > 256 * 1024 * 1024) fail(args[0], `a size of ${size} bytes`);
    if (align <= 0 || (align & (align - 1)) !== 0) fail(args[1] ?? node, 'the alignment must be a power of two');
    this.unit.data.push({ sym, global, align, size, items: null, readonly: false, pos: posOf(node) });
    return { e: 'addr', sym, add: 0, ty: USIZE };
  }
}

/** Whether evaluating e can change anything (a call, an assignment, a store, an instruction). */
function effects(e: Expr): boolean {
  switch (e.e) {
    case 'const': case 'addr': case 'var': case 'global': return false;
    case 'mem': return effects(e.base);
    case 'neg': case 'not': case 'lnot': case 'wrap': return effects(e.a);
    case 'bin': case 'cmp': case 'and': case 'or': return effects(e.a) || effects(e.b);
    case 'cond': return effects(e.c) || effects(e.a) || effects(e.b);
    default: return true;
  }
}

/** Whether two expressions read the same variable (as the same 32-bit value). */
function sameVar(a: Expr, b: Expr): boolean {
  const v = (e: Expr): Var | null => (e.e === 'var' ? e.v : e.e === 'wrap' && e.a.e === 'var' && sizeOf(e.ty) === 4 ? e.a.v : null);
  const x = v(a);
  return x !== null && x === v(b) && sizeOf(x.ty) === 4;
}

/**
 * The same value seen as another type. A read of memory keeps its own width and extension (a
 * `wrap` node reads it, then narrows only if the new type is narrower); anything else is retyped.
 */
function retype(e: Expr, ty: Ty): Expr {
  // (A wrap keeps its own narrowing: `<u8>x` passed as a u32 is still the low byte of x.)
  if (e.e === 'mem' || e.e === 'global' || e.e === 'wrap') return { e: 'wrap', a: e, ty };
  return { ...e, ty } as Expr;
}

function endsInReturn(body: Stmt[]): boolean {
  const last = body[body.length - 1];
  return !!last && last.s === 'return';
}

/** Folds a comparison of two constants. */
function compare(op: CmpOp, a: number, b: number, unsigned: boolean): boolean {
  const x = unsigned ? a >>> 0 : a | 0, y = unsigned ? b >>> 0 : b | 0;
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '==': return x === y;
    default: return x !== y;
  }
}

/** Folds an operation on two constants with the machine's 32-bit wrapping. */
export function fold(op: BinOp, a: number, b: number, unsigned: boolean): number {
  switch (op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    case '/': return unsigned ? ((a >>> 0) / (b >>> 0)) | 0 : (a === -0x80000000 && b === -1 ? a : (a / b) | 0);
    case '%': return unsigned ? ((a >>> 0) % (b >>> 0)) | 0 : (b === -1 ? 0 : (a % b) | 0);
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << (b & 31);
    case '>>': return unsigned ? (a >>> (b & 31)) | 0 : a >> (b & 31);
    case '>>>': return (a >>> (b & 31)) | 0;
    case 'rotl': return ((a << (b & 31)) | (a >>> (32 - (b & 31)))) | 0;
  }
}

export type { Pos };
