import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { listSourceFiles } from "../scripts/import-boundaries";

/**
 * shared/ holds no state of its own: whatever must be kept between calls
 * (a verdict cache, a count, a platform's signer) is a value its owner
 * builds and passes in (shared/identity/crypto.ts). So nothing at a
 * module's top level may be reassigned (`let`, `var`) or be a collection
 * made to be filled in (`new Map()` not typed read-only). Test files too:
 * tests that shared a slot were how one test's cache leaked into another.
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

const COLLECTIONS = new Set(["Map", "Set", "WeakMap", "WeakSet", "Array"]);

/** The module-level declarations of `source` that keep mutable state, as "file:line name". */
function moduleState(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${what}`);
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const { declarationList } = statement;
    const constant = (declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of declarationList.declarations) {
      const name = declaration.name.getText(file);
      if (!constant) {
        at(declaration, `${declarationList.flags & ts.NodeFlags.Let ? "let" : "var"} ${name}`);
        continue;
      }
      const init = declaration.initializer;
      const readOnly = declaration.type?.getText(file).startsWith("Readonly") ?? false;
      if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && COLLECTIONS.has(init.expression.text) && !readOnly) {
        at(declaration, `const ${name} = new ${init.expression.text}`);
      }
    }
  }
  return found;
}

describe("shared/ keeps no mutable state at module level", () => {
  it("finds no module-level let, var or fillable collection in shared/", () => {
    const files = listSourceFiles(join(repoRoot, "shared")).filter((path) => /\.tsx?$/.test(path));
    // Guard against a vacuous pass.
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) => moduleState(relative(repoRoot, path), readFileSync(path, "utf8")));
    expect(found).toEqual([]);
  });

  it("flags each kind of module state, and leaves constants and function scopes alone", () => {
    const source = [
      "let count = 0;",
      "export let slot: string | undefined;",
      "var old = 1;",
      "const cache = new Map<string, boolean>();",
      "export const seen = new Set<string>();",
      "const KINDS: ReadonlySet<string> = new Set(['a']);",
      "const LIMIT = 10;",
      "export function counter() {",
      "  let n = 0;",
      "  const inside = new Map();",
      "  return () => ++n + inside.size;",
      "}",
    ].join("\n");
    expect(moduleState("x.ts", source)).toEqual([
      "x.ts:1 let count",
      "x.ts:2 let slot",
      "x.ts:3 var old",
      "x.ts:4 const cache = new Map",
      "x.ts:5 const seen = new Set",
    ]);
  });
});
