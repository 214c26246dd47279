import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The built renderer is a web page for a sandboxed window: it must not reach
 * for Node or Electron, and it can import nothing but its own files (a bare
 * specifier would not even resolve in the page). This reads what `npm run
 * build` wrote (npm test builds before running vitest); it builds nothing.
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const rendererDir = join(repoRoot, "dist", "renderer");

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return /\.(m?js)$/.test(entry.name) ? [path] : [];
  });
}

const builtins = new Set(builtinModules.map((name) => name.replace(/^node:/, "")));

/** Every module specifier in static imports, re-exports and import() calls with a literal. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

const isOwnFile = (specifier: string) => /^(\.{1,2}\/|\/)/.test(specifier);

/** Why one bundle file is not a plain page script; empty when it is. */
function nodeReferences(code: string): string[] {
  const problems: string[] = [];
  if (/\brequire\s*\(/.test(code)) problems.push("calls require(");
  for (const match of code.matchAll(/["'`]node:[\w/]+["'`]/g)) problems.push(`names ${match[0]}`);
  for (const specifier of specifiers(code)) {
    if (isOwnFile(specifier)) continue;
    const base = specifier.replace(/^node:/, "").split("/")[0]!;
    problems.push(
      builtins.has(base)
        ? `imports the Node built-in "${specifier}"`
        : specifier === "electron"
          ? `imports "electron"`
          : `imports the bare module "${specifier}"`,
    );
  }
  if (/\bprocess\.(binding|dlopen)\b/.test(code)) problems.push("uses process.binding/dlopen");
  return problems;
}

describe("the built renderer bundle", () => {
  it("exists (run npm run build first)", () => {
    expect(existsSync(join(rendererDir, "index.html")), `${rendererDir}/index.html is missing: run "npm run build" before this test`).toBe(true);
    expect(scripts(rendererDir).length, `no scripts under ${rendererDir}: run "npm run build"`).toBeGreaterThan(0);
  });

  it("imports nothing from Node or Electron, and nothing outside itself", () => {
    if (!existsSync(rendererDir)) throw new Error(`${rendererDir} is missing: run "npm run build" before this test.`);
    const problems = scripts(rendererDir).flatMap((file) =>
      nodeReferences(readFileSync(file, "utf8")).map((problem) => `${relative(repoRoot, file)}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it("would notice each way a bundle can reach for Node", () => {
    expect(nodeReferences(`import{a as b}from"./chunk-1.js";import("./lazy.js");export{b}`)).toEqual([]);
    expect(nodeReferences(`const fs=require("fs")`)).toEqual(["calls require("]);
    expect(nodeReferences(`import{readFile}from"node:fs/promises"`)).toEqual(['names "node:fs/promises"', 'imports the Node built-in "node:fs/promises"']);
    expect(nodeReferences(`import p from "path";`)).toEqual(['imports the Node built-in "path"']);
    expect(nodeReferences(`import{ipcRenderer}from"electron"`)).toEqual(['imports "electron"']);
    expect(nodeReferences(`await import("child_process")`)).toEqual(['imports the Node built-in "child_process"']);
    expect(nodeReferences(`export*from"react"`)).toEqual(['imports the bare module "react"']);
  });
});
