// Pass 1, second half: the syntax the subset refuses (SPEC §3.3, docs/language.md "What is
// refused"). It runs before the type checker, so that a construct outside the subset is named
// as such — not reported as whatever TypeScript, with no library loaded, makes of it (a missing
// `Promise`, `Generator` or `[Symbol.iterator]`). lower.ts refuses the rest, where types matter.

import ts from 'typescript';
import { CcError, posOf } from './parse.js';

/** TypeScript's name for a syntax kind (not one of its First/Last aliases). */
export function kindName(kind: ts.SyntaxKind): string {
  const names = Object.entries(ts.SyntaxKind).filter(([k, v]) => v === kind && !/^(First|Last)/.test(k));
  return names.length ? names[0][0] : String(kind);
}

/** Every construct outside the subset in a file, in source order. */
export function refusals(sf: ts.SourceFile): CcError[] {
  const errors: CcError[] = [];
  const no = (node: ts.Node, why: string) => errors.push(new CcError(posOf(node), why));
  const modifier = (node: ts.Node, kind: ts.SyntaxKind) => ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === kind);

  const visit = (node: ts.Node): void => {
    let deeper = true;
    switch (node.kind) {
      case ts.SyntaxKind.FunctionDeclaration: case ts.SyntaxKind.MethodDeclaration: {
        const f = node as ts.FunctionDeclaration;
        if (modifier(f, ts.SyntaxKind.AsyncKeyword)) { no(f, 'async functions are not in the subset'); deeper = false; }
        else if (f.asteriskToken) { no(f, 'generators are not in the subset'); deeper = false; }
        else if (modifier(f, ts.SyntaxKind.DefaultKeyword)) no(f, 'export default / export = are not in the subset');
        else if (ts.isFunctionDeclaration(f) && f.parent && !ts.isSourceFile(f.parent) && !ts.isModuleBlock(f.parent)) no(f, 'nested functions are not in the subset (they would be closures)');
        else if (f.typeParameters) no(f, 'generic functions are not in the subset (only the intrinsics take type arguments)');
        break;
      }
      case ts.SyntaxKind.ArrowFunction: case ts.SyntaxKind.FunctionExpression:
        no(node, 'closures (arrow functions and function expressions) are not in the subset: use a named function');
        deeper = false;
        break;
      case ts.SyntaxKind.ClassDeclaration: case ts.SyntaxKind.ClassExpression: {
        const c = node as ts.ClassLikeDeclaration;
        if (modifier(c, ts.SyntaxKind.DefaultKeyword)) { no(c, 'export default / export = are not in the subset'); break; }
        for (const m of c.members) {
          if (ts.isPropertyDeclaration(m)) continue;
          const what = ts.isMethodDeclaration(m) ? 'methods' : ts.isConstructorDeclaration(m) ? 'constructors' : ts.isGetAccessor(m) || ts.isSetAccessor(m) ? 'accessors' : 'this kind of member';
          no(m, `classes with methods are not in the subset: an @unmanaged class holds fields only (found ${what})`);
        }
        if (c.typeParameters) no(c, 'generic classes are not in the subset');
        deeper = false; // its fields' types are checked by lower.ts
        break;
      }
      case ts.SyntaxKind.ForOfStatement: case ts.SyntaxKind.ForInStatement:
        no(node, 'for...of and for...in are not in the subset (arrays and objects are not)');
        break;
      case ts.SyntaxKind.ElementAccessExpression:
        no(node, 'indexing is not in the subset (arrays are not; use load<T>(ptr, offset))');
        break;
      case ts.SyntaxKind.ExportAssignment:
        no(node, 'export default / export = are not in the subset');
        break;
      case ts.SyntaxKind.ExportSpecifier:
        if ((node as ts.ExportSpecifier).name.text === 'default') no(node, 'export default / export = are not in the subset');
        break;
      case ts.SyntaxKind.NamespaceImport:
        no(node, 'namespace imports (import * as) are not in the subset: import the names you use');
        break;
      case ts.SyntaxKind.DebuggerStatement: no(node, 'debugger statements are not in the subset (use the step/trace console)'); break;
      case ts.SyntaxKind.TemplateExpression: no(node, 'template strings with substitutions are not in the subset (use the formatter)'); break;
      case ts.SyntaxKind.ThisKeyword: case ts.SyntaxKind.ThisType: no(node, "'this' is not in the subset (classes with methods are not)"); break;
      case ts.SyntaxKind.NewExpression: no(node, "'new' is not in the subset (objects are not; structures live in static memory or at an address)"); break;
      case ts.SyntaxKind.ObjectLiteralExpression: no(node, 'object literals are not in the subset (use an @unmanaged class in static memory)'); deeper = false; break;
      case ts.SyntaxKind.ArrayLiteralExpression:
        if (!isStaticMemoryArgument(node)) no(node, 'arrays are not in the subset (use memory.data for static memory)');
        break;
      case ts.SyntaxKind.TryStatement: case ts.SyntaxKind.ThrowStatement: no(node, 'exceptions (throw, try) are not in the subset'); deeper = false; break;
      case ts.SyntaxKind.AwaitExpression: no(node, 'async code (await) is not in the subset'); break;
      case ts.SyntaxKind.YieldExpression: no(node, 'generators are not in the subset'); break;
      case ts.SyntaxKind.NullKeyword: no(node, "'null' is not in the subset: use 0"); break;
      case ts.SyntaxKind.UndefinedKeyword: no(node, "'undefined' is not in the subset"); break;
      case ts.SyntaxKind.Identifier:
        if ((node as ts.Identifier).text === 'undefined' && !ts.isPropertyAccessExpression(node.parent)) no(node, "'undefined' is not in the subset");
        break;
      case ts.SyntaxKind.AnyKeyword: no(node, "'any' is not in the subset"); break;
      case ts.SyntaxKind.UnknownKeyword: no(node, "'unknown' is not in the subset"); break;
      case ts.SyntaxKind.NeverKeyword: no(node, "'never' is not in the subset"); break;
      case ts.SyntaxKind.SpreadElement: case ts.SyntaxKind.SpreadAssignment: no(node, 'spread is not in the subset'); break;
      case ts.SyntaxKind.DeleteExpression: no(node, 'delete is not in the subset'); break;
      case ts.SyntaxKind.TypeOfExpression: no(node, 'typeof is not in the subset'); break;
      case ts.SyntaxKind.VoidExpression: no(node, "the 'void' operator is not in the subset"); break;
      case ts.SyntaxKind.LabeledStatement: no(node, 'labelled statements are not in the subset'); break;
      case ts.SyntaxKind.ObjectBindingPattern: case ts.SyntaxKind.ArrayBindingPattern: no(node, 'destructuring is not in the subset'); deeper = false; break;
      case ts.SyntaxKind.InterfaceDeclaration: no(node, 'interfaces are not in the subset (objects are not; use an @unmanaged class for a structure)'); deeper = false; break;
      case ts.SyntaxKind.ModuleDeclaration: no(node, 'namespaces are not in the subset'); deeper = false; break;
      case ts.SyntaxKind.Parameter: if ((node as ts.ParameterDeclaration).dotDotDotToken) no(node, 'rest parameters are not in the subset'); break;
      case ts.SyntaxKind.VariableDeclarationList:
        if (!((node as ts.VariableDeclarationList).flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) no(node, "'var' is not in the subset: use let or const");
        break;
      case ts.SyntaxKind.NumericLiteral: {
        const v = Number((node as ts.NumericLiteral).text);
        if (!Number.isInteger(v)) no(node, 'floating-point numbers are not in the subset');
        break;
      }
      case ts.SyntaxKind.BigIntLiteral: case ts.SyntaxKind.BigIntKeyword: no(node, 'bigint is not in the subset'); break;
      case ts.SyntaxKind.RegularExpressionLiteral: no(node, 'regular expressions are not in the subset'); break;
      case ts.SyntaxKind.PropertyAccessExpression: case ts.SyntaxKind.CallExpression:
        if ((node as ts.PropertyAccessExpression).questionDotToken) no(node, 'optional chaining (?.) is not in the subset');
        break;
      case ts.SyntaxKind.BinaryExpression: {
        const k = (node as ts.BinaryExpression).operatorToken.kind;
        const op = (node as ts.BinaryExpression).operatorToken;
        if (k === ts.SyntaxKind.CommaToken) no(node, 'the comma operator is not in the subset');
        else if (k === ts.SyntaxKind.AsteriskAsteriskToken || k === ts.SyntaxKind.AsteriskAsteriskEqualsToken) no(node, "'**' is not in the subset");
        else if (k === ts.SyntaxKind.QuestionQuestionToken || k === ts.SyntaxKind.QuestionQuestionEqualsToken) no(node, "'??' is not in the subset");
        else if (k === ts.SyntaxKind.InstanceOfKeyword || k === ts.SyntaxKind.InKeyword) no(op, `'${op.getText()}' is not in the subset`);
        else if (k === ts.SyntaxKind.BarBarEqualsToken || k === ts.SyntaxKind.AmpersandAmpersandEqualsToken) no(op, `'${op.getText()}' is not in the subset`);
        break;
      }
    }
    if (deeper) ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return errors;
}

/** An array literal is allowed only as memory.data's values. */
function isStaticMemoryArgument(node: ts.Node): boolean {
  const call = node.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== node) return false;
  const f = call.expression;
  return ts.isPropertyAccessExpression(f) && ts.isIdentifier(f.expression) && f.expression.text === 'memory' && f.name.text === 'data';
}
