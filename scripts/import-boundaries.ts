/**
 * The folder boundaries of docs/ARCHITECTURE.md, checked on the imports the
 * TypeScript compiler sees (ts.preProcessFile: a real scan, so specifiers in
 * comments and strings are not imports, and dynamic import() and require()
 * are). tests/boundaries.test.ts runs it over the repo, and the linter
 * reports the same violations file by file (scripts/eslint-boundaries.js).
 *
 * - Every top-level folder names the folders it may reach by path
 *   (FOLDER_RULES); production code never imports tests/, bench/, scripts/
 *   or a testing/ folder.
 * - shared/ is the pure domain: no Node built-ins, Electron or React.
 * - renderer/ is a browser page: no Node built-ins, Electron or Automerge.
 * - host/, cli/, relay/, serve/ and repo-adaptations/ run headless: no
 *   Electron, no React.
 *
 * Only `checkBoundaries` and `listSourceFiles` touch the file system; the
 * rules themselves are pure functions of (path, text).
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, relative, sep } from "node:path";
import ts from "typescript";

export interface ImportRef {
  specifier: string;
  /** 1-based. */
  line: number;
  /** "module": import/export-from/import()/require; the rest are /// <reference> directives. */
  kind: "module" | "types" | "lib" | "path";
}

export interface Violation {
  /** Relative to the checked root, with forward slashes: "shared/purse/entry.ts". */
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

export const formatViolation = (v: Violation): string => `${v.file}:${v.line}: imports "${v.specifier}" — ${v.reason}`;

const SOURCE_FILE = /\.(ts|tsx|mts|cts)$/;

/** Every .ts/.tsx/.mts/.cts file under `dir`, sorted; none when `dir` does not exist. Skips node_modules and symlinks. */
export function listSourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") files.push(...listSourceFiles(path));
    else if (entry.isFile() && SOURCE_FILE.test(entry.name)) files.push(path);
  }
  return files.sort();
}

/** Every specifier a file refers to, found by the TypeScript scanner. */
export function importsOf(text: string): ImportRef[] {
  const info = ts.preProcessFile(text, true, true);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (pos: number): number => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= pos) line++;
    return line + 1;
  };
  const refs = (files: ts.FileReference[], kind: ImportRef["kind"]): ImportRef[] =>
    files.map((file) => ({ specifier: file.fileName, line: lineOf(file.pos), kind }));
  return [
    ...refs(info.importedFiles, "module"),
    ...refs(info.typeReferenceDirectives, "types"),
    ...refs(info.libReferenceDirectives, "lib"),
    ...refs(info.referencedFiles, "path"),
  ].sort((a, b) => a.line - b.line);
}

const NODE_BUILTINS = new Set(builtinModules);

/** "fs", "node:fs", "fs/promises", "node:test", and any subpath of a built-in. */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split("/")[0]!);
}

/** True for `name` itself and its subpaths ("react", "react/jsx-runtime"), not for "react-dom" when asked about "react". */
const isPackage = (specifier: string, name: string): boolean => specifier === name || specifier.startsWith(`${name}/`);

const isAbsolute = (specifier: string): boolean => /^([\\/]|[a-zA-Z]:[\\/]|file:)/.test(specifier);

const isPath = (specifier: string): boolean => specifier === "." || specifier === ".." || /^\.{1,2}[\\/]/.test(specifier) || isAbsolute(specifier);

/**
 * Where a path specifier in `file` points, relative to the root, with forward
 * slashes; starts with "../" when it leaves the root. An absolute "/x" is
 * read as root-relative, as Vite does for the renderer; other absolute forms
 * (C:\, file:) give undefined.
 */
function resolvePath(file: string, specifier: string, kind: ImportRef["kind"]): string | undefined {
  const spec = specifier.replaceAll("\\", "/");
  if (/^([a-zA-Z]:\/|file:)/.test(spec)) return undefined;
  if (spec.startsWith("/")) return posix.normalize(spec.slice(1));
  // A /// <reference path> is relative to the file even without "./".
  const relativeSpec = kind === "path" || /^\.{1,2}(\/|$)/.test(spec) ? spec : `./${spec}`;
  return posix.normalize(posix.join(posix.dirname(file), relativeSpec));
}

type Rule = (ref: ImportRef, file: string) => string | undefined;

/**
 * Which top-level folders each folder may reach by path, besides itself.
 * Every top-level folder of source is listed: a new one must say what it is.
 * bench/, scripts/ and tests/ measure and check the rest, so they may import
 * anything; nothing in production may import them.
 */
export const FOLDER_RULES: Record<string, { reaches: readonly string[]; headless: boolean; why: string }> = {
  shared: { reaches: [], headless: true, why: "shared/ is the pure domain" },
  renderer: { reaches: ["shared"], headless: false, why: "renderer/ talks to the host through typed commands" },
  "repo-adaptations": { reaches: ["shared"], headless: true, why: "repo-adaptations/ adapts automerge-repo for the host and the relay" },
  relay: { reaches: ["shared", "repo-adaptations"], headless: true, why: "relay/ runs standalone, without a member's host" },
  host: { reaches: ["shared", "relay", "repo-adaptations"], headless: true, why: "host/ is the member's node, which every front end drives" },
  cli: { reaches: ["shared", "host", "relay"], headless: true, why: "cli/ is a front end of the host" },
  serve: { reaches: ["shared", "host"], headless: true, why: "serve/ is browser mode: the host and the built renderer" },
  electron: { reaches: ["shared", "host", "serve"], headless: false, why: "electron/ is the desktop shell around the host" },
  bench: { reaches: ["*"], headless: false, why: "" },
  scripts: { reaches: ["*"], headless: false, why: "" },
  tests: { reaches: ["*"], headless: false, why: "" },
};

const TOP_FOLDERS = Object.keys(FOLDER_RULES);
const TEST_ONLY = ["bench", "scripts", "tests"];

const topOf = (path: string): string => path.split("/")[0]!.toLowerCase();
const isTestFile = (file: string): boolean => /\.(test|fixture)\.tsx?$/.test(file) || file.split("/").includes("testing");

/** Path rules every checked folder shares: stay inside the folders it may reach, and keep test fixtures out of production. */
const pathRule: Rule = ({ specifier, kind }, file) => {
  if (kind !== "path" && !isPath(specifier)) return undefined;
  const home = topOf(file);
  const target = resolvePath(file, specifier, kind);
  if (target === undefined || isAbsolute(specifier)) return `${home}/ may not import by absolute path; use a relative path inside the repository`;
  const rules = FOLDER_RULES[home]!;
  if (rules.reaches.includes("*")) return undefined;
  if (target.startsWith("../")) return `resolves to ${target}, outside the repository`;
  const there = topOf(target);
  const fixture = !isTestFile(file) && target.toLowerCase().split("/").includes("testing");
  if (fixture) return `resolves to ${target}: a testing/ folder holds fixtures, and production code may not import it`;
  if (home === "shared") return there === "shared" ? undefined : `resolves to ${target}, outside shared/`;
  // package.json names the version. A test may drive any part (a relay test acts as a member's host), except in the pure domain.
  if (target === "package.json" || (isTestFile(file) && home !== "renderer")) return undefined;
  if (TEST_ONLY.includes(there)) return `resolves to ${target}: ${there}/ is for tests, and production code may not import it`;
  if (there === home || rules.reaches.includes(there)) return undefined;
  return `resolves to ${target}: ${home}/ may not reach into ${there}/; ${rules.why}`;
};

const sharedRule: Rule = ({ specifier, kind }) => {
  if (kind === "lib") {
    return /^(dom|webworker|scripthost)/i.test(specifier) ? "shared/ may not use DOM types" : undefined;
  }
  if (kind === "types" && specifier === "node") return "shared/ may not use Node types";
  if (kind === "path" || isPath(specifier)) return undefined;
  if (isNodeBuiltin(specifier)) return "shared/ is pure TypeScript and may not use Node built-ins";
  if (isPackage(specifier, "electron")) return "shared/ may not use Electron";
  if (isPackage(specifier, "react") || isPackage(specifier, "react-dom")) return "shared/ may not use React; UI lives in renderer/";
  return undefined;
};

const rendererRule: Rule = ({ specifier, kind }) => {
  if (kind === "lib") return undefined;
  if (kind === "types" && specifier === "node") return "renderer/ runs in a browser and may not use Node types";
  if (kind === "path" || isPath(specifier)) return undefined;
  if (isNodeBuiltin(specifier)) return "renderer/ runs in a browser and may not use Node built-ins";
  if (isPackage(specifier, "electron")) return "renderer/ may not use Electron; it reaches the host through the preload API";
  if (specifier.startsWith("@automerge/")) return "renderer/ holds no Automerge documents; the host computes its views";
  return undefined;
};

/** host/, cli/, relay/, serve/ and repo-adaptations/ run under plain Node: no Electron, no React. */
const headlessRule: Rule = ({ specifier, kind }, file) => {
  if (kind !== "module") return undefined;
  const home = topOf(file);
  if (isPackage(specifier, "electron")) return `${home}/ must run headless and may not import Electron`;
  if (isPackage(specifier, "react") || isPackage(specifier, "react-dom")) return `${home}/ has no UI and may not import React`;
  return undefined;
};

function rulesFor(file: string): Rule[] {
  const home = topOf(file);
  if (!FOLDER_RULES[home]) return [];
  const rules = [pathRule];
  if (home === "shared") rules.push(sharedRule);
  else if (home === "renderer") rules.push(rendererRule);
  else if (FOLDER_RULES[home].headless) rules.push(headlessRule);
  return rules;
}

/** The violations in one file; `file` is relative to the root with forward slashes. */
export function violationsIn(file: string, text: string): Violation[] {
  const rules = rulesFor(file);
  if (rules.length === 0) return [];
  const violations: Violation[] = [];
  for (const ref of importsOf(text)) {
    for (const rule of rules) {
      const reason = rule(ref, file);
      if (reason !== undefined) violations.push({ file, line: ref.line, specifier: ref.specifier, reason });
    }
  }
  return violations;
}

/** Top-level folders with source files that FOLDER_RULES does not name (dot-folders, node_modules, dist and docs aside). */
function unnamedFolders(root: string): Violation[] {
  const skip = new Set(["node_modules", "dist", "docs"]);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !skip.has(entry.name) && !FOLDER_RULES[entry.name])
    .filter((entry) => listSourceFiles(join(root, entry.name)).length > 0)
    .map((entry) => ({ file: `${entry.name}/`, line: 0, specifier: "", reason: `${entry.name}/ is not in FOLDER_RULES: say what it may import` }));
}

/** Checks every source file under `root`, folder by folder. Missing folders have no files. */
export function checkBoundaries(root: string): Violation[] {
  return [
    ...unnamedFolders(root),
    ...TOP_FOLDERS.flatMap((folder) =>
      listSourceFiles(join(root, folder)).flatMap((path) => violationsIn(relative(root, path).split(sep).join("/"), readFileSync(path, "utf8"))),
    ),
  ];
}
