// The folder boundaries as an ESLint rule. The rules themselves live in one
// place, scripts/import-boundaries.ts (FOLDER_RULES and the per-folder
// checks); this wrapper loads that file through tsx and reports what
// `violationsIn` finds, so the linter and tests/boundaries.test.ts cannot
// disagree. (A top-level folder missing from FOLDER_RULES is a fact about the
// tree, not a file, so only tests/boundaries.test.ts reports it.)
import { dirname, relative, sep } from "node:path";
import { tsImport } from "tsx/esm/api";

const ROOT = dirname(import.meta.dirname);

const { violationsIn } = await tsImport("./import-boundaries.ts", import.meta.url);

/** @type {import("eslint").Rule.RuleModule} */
export const importBoundaries = {
  meta: {
    type: "problem",
    docs: { description: "Imports stay inside the folder boundaries of docs/ARCHITECTURE.md (scripts/import-boundaries.ts)" },
    schema: [],
  },
  create(context) {
    return {
      Program() {
        const file = relative(ROOT, context.filename).split(sep).join("/");
        for (const violation of violationsIn(file, context.sourceCode.text)) {
          context.report({
            loc: { line: violation.line, column: 0 },
            message: `imports "${violation.specifier}": ${violation.reason}`,
          });
        }
      },
    };
  },
};
