import { Linter } from "eslint";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importBoundaries } from "../scripts/eslint-boundaries.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** The messages `npm run lint` would print for `text` saved as `file` (relative to the repo root). */
function lint(file: string, text: string): string[] {
  const linter = new Linter({ cwd: repoRoot });
  const config: Linter.Config[] = [
    {
      files: ["**/*.ts"],
      plugins: { commune: { rules: { "import-boundaries": importBoundaries } } },
      rules: { "commune/import-boundaries": "error" },
    },
  ];
  return linter.verify(text, config, { filename: join(repoRoot, file) }).map((m) => `${m.line}: ${m.message}`);
}

describe("the import-boundaries lint rule", () => {
  it("reports what scripts/import-boundaries.ts finds, on the line of the import", () => {
    expect(lint("shared/probe.ts", `// the domain\nimport { readFileSync } from "node:fs";\nexport const read = readFileSync;\n`)).toEqual([
      `2: imports "node:fs": shared/ is pure TypeScript and may not use Node built-ins`,
    ]);
    expect(lint("relay/probe.ts", `import { startDaemon } from "../host/daemon";\nexport { startDaemon };\n`)).toEqual([
      `1: imports "../host/daemon": resolves to host/daemon: relay/ may not reach into host/; relay/ runs standalone, without a member's host`,
    ]);
  });

  it("accepts an import the folder rules allow", () => {
    expect(lint("host/probe.ts", `import { EUR } from "../shared/money/currency";\nexport { EUR };\n`)).toEqual([]);
  });
});
