import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBoundaries, formatViolation, listSourceFiles, type Violation } from "../scripts/import-boundaries";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

describe("folder boundaries", () => {
  it("finds no import in this repo that crosses a boundary", () => {
    // Guard against a vacuous pass: the lister must see the domain's files.
    expect(listSourceFiles(join(repoRoot, "shared")).length).toBeGreaterThan(0);
    expect(checkBoundaries(repoRoot).map(formatViolation)).toEqual([]);
  });

  describe("the check, on fixture files", () => {
    const fixtures: Record<string, string> = {
      "shared/fs.ts": `import fs from "node:fs";\nexport const read = fs.readFileSync;\n`,
      "shared/purse/promises.ts": `// reads the purse\nimport { readFile } from "fs/promises";\nexport { readFile };\n`,
      "shared/dynamic.ts": `export async function load() {\n  return await import("node:path");\n}\n`,
      "shared/ui.ts": `import React from "react";\nexport const r = React;\n`,
      "shared/climb.ts": `import "../host/x";\n`,
      "renderer/app.ts": `import { ipcRenderer } from "electron";\nimport * as A from "@automerge/automerge";\nimport "../electron/preload";\nimport { EUR } from "../shared/money/currency";\nexport { ipcRenderer, A, EUR };\n`,
      "host/node.ts": `\nimport { app } from "electron";\nexport { app };\n`,
      "relay/reach.ts": `import { startDaemon } from "../host/daemon";\nexport { startDaemon };\n`,
      "cli/fixture-in-production.ts": `import { purseFixture } from "../shared/testing/purse-fixtures";\nexport { purseFixture };\n`,
      "cli/uses-fixture.test.ts": `import { purseFixture } from "../shared/testing/purse-fixtures";\nexport { purseFixture };\n`,
      "serve/view.ts": `import { App } from "../renderer/App";\nimport React from "react";\nexport { App, React };\n`,
      "gadgets/thing.ts": `export const thing = 1;\n`,
      "shared/clean.ts": [
        `import { ed25519 } from "@noble/curves/ed25519.js";`,
        `import { money } from "./money";`,
        `// import fs from "node:fs" is only a comment`,
        `const text = "require('fs')";`,
        `export { ed25519, money, text };`,
        ``,
      ].join("\n"),
    };

    let root: string;
    let violations: Violation[];

    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), "commune-boundaries-"));
      for (const [path, text] of Object.entries(fixtures)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      violations = checkBoundaries(root);
    });

    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    const reported = (file: string, specifier: string) => violations.filter((v) => v.file === file && v.specifier === specifier);

    it.each([
      ["shared/fs.ts", "node:fs", 1, /Node built-ins/],
      ["shared/purse/promises.ts", "fs/promises", 2, /Node built-ins/],
      ["shared/dynamic.ts", "node:path", 2, /Node built-ins/],
      ["shared/ui.ts", "react", 1, /React/],
      ["shared/climb.ts", "../host/x", 1, /host\/x, outside shared\//],
      ["renderer/app.ts", "electron", 1, /Electron/],
      ["renderer/app.ts", "@automerge/automerge", 2, /no Automerge documents/],
      ["renderer/app.ts", "../electron/preload", 3, /into electron\//],
      ["host/node.ts", "electron", 2, /headless/],
      ["relay/reach.ts", "../host/daemon", 1, /relay\/ may not reach into host\//],
      ["cli/fixture-in-production.ts", "../shared/testing/purse-fixtures", 1, /testing\/ folder holds fixtures/],
      ["serve/view.ts", "../renderer/App", 1, /serve\/ may not reach into renderer\//],
      ["serve/view.ts", "react", 2, /no UI/],
      ["gadgets/", "", 0, /not in FOLDER_RULES/],
    ] as const)("reports %s importing %s on line %i", (file, specifier, line, reason) => {
      const found = reported(file, specifier);
      expect(found).toHaveLength(1);
      expect(found[0]!.line).toBe(line);
      expect(found[0]!.reason).toMatch(reason);
    });

    it('formats a violation as file:line: imports "x" — reason', () => {
      expect(reported("shared/fs.ts", "node:fs").map(formatViolation)).toEqual([
        `shared/fs.ts:1: imports "node:fs" — shared/ is pure TypeScript and may not use Node built-ins`,
      ]);
    });

    it("accepts npm packages, paths inside shared/, renderer imports of shared/ and fixtures in tests", () => {
      expect(violations.filter((v) => v.file === "shared/clean.ts")).toEqual([]);
      expect(reported("renderer/app.ts", "../shared/money/currency")).toEqual([]);
      expect(violations.filter((v) => v.file === "cli/uses-fixture.test.ts")).toEqual([]);
      expect(violations).toHaveLength(14);
    });
  });
});
