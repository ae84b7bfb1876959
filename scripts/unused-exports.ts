/**
 * Lists exported names of src/ that no other file imports (src, test, bin or the root configs), using the TypeScript
 * compiler API: every import, re-export and `import()` is resolved to the declaration it names. A name used only in
 * its own file should lose its `export`; one used nowhere is dead code. Run by `npm run lint`
 * (`tsx scripts/unused-exports.ts`); exits 1 when it finds any, printing `file:line name` for each.
 */
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f));
const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const checker = program.getTypeChecker();
const ours = (f: ts.SourceFile) => !f.isDeclarationFile && !f.fileName.includes('/node_modules/');
const inSrc = (f: ts.SourceFile) => ours(f) && f.fileName.startsWith(path.join(root, 'src') + path.sep);

/** Declarations some other file uses, and modules whose every export counts as used (namespace or dynamic imports). */
const used = new Set<ts.Declaration>();
const wholeModules = new Set<string>();

function markSymbol(sym: ts.Symbol | undefined): void {
  if (sym === undefined) return;
  const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  for (const d of target.declarations ?? []) used.add(d);
}

function moduleFileOf(spec: ts.Expression, from: ts.SourceFile): string | undefined {
  if (!ts.isStringLiteralLike(spec)) return undefined;
  const r = ts.resolveModuleName(spec.text, from.fileName, parsed.options, ts.sys).resolvedModule;
  return r?.resolvedFileName;
}

for (const file of program.getSourceFiles()) {
  if (!ours(file)) continue;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && node.importClause !== undefined) {
      const c = node.importClause;
      if (c.name !== undefined) markSymbol(checker.getSymbolAtLocation(c.name));
      const b = c.namedBindings;
      if (b !== undefined && ts.isNamedImports(b)) for (const el of b.elements) markSymbol(checker.getSymbolAtLocation(el.name));
      if (b !== undefined && ts.isNamespaceImport(b)) {
        const m = moduleFileOf(node.moduleSpecifier, file);
        if (m !== undefined) wholeModules.add(m);
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      // A re-export uses the names it passes on (they are then checked where they land).
      if (node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
        for (const el of node.exportClause.elements) markSymbol(checker.getSymbolAtLocation(el.propertyName ?? el.name));
      } else {
        const m = moduleFileOf(node.moduleSpecifier, file);
        if (m !== undefined) wholeModules.add(m);
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined) {
      const m = moduleFileOf(node.arguments[0], file);
      if (m !== undefined) wholeModules.add(m);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && node.qualifier !== undefined) {
      markSymbol(checker.getSymbolAtLocation(node.qualifier));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

const unused: string[] = [];
for (const file of program.getSourceFiles()) {
  if (!inSrc(file) || wholeModules.has(file.fileName)) continue;
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) continue;
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decls = sym.declarations ?? [];
    if (decls.some((d) => used.has(d))) continue;
    const d = decls[0];
    const line = d === undefined ? 0 : d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1;
    unused.push(`${path.relative(root, file.fileName)}:${line} ${exp.name}`);
  }
}

if (unused.length > 0) {
  console.log(unused.join('\n'));
  console.error(`${unused.length} exported name(s) imported by no other file: remove the export (or the code, if nothing uses it).`);
  process.exit(1);
}
console.log('unused exports: none');
