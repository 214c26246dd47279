/**
 * The folder boundaries of docs/ARCHITECTURE.md, checked on the imports the
 * TypeScript compiler sees (ts.preProcessFile: a real scan, so specifiers in
 * comments and strings are not imports, and dynamic import() and require()
 * are). tests/boundaries.test.ts runs it over the repo.
 *
 * - shared/ is the pure domain: no Node built-ins, Electron, React, and no
 *   path that leaves shared/.
 * - renderer/ is a browser page: no Node built-ins, Electron or Automerge,
 *   and no path into electron/ or relay/.
 * - electron/host/ runs headless too: no Electron.
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

/** The folders (relative to the repo root) that have rules. */
export const CHECKED_FOLDERS = ["shared", "renderer", "electron/host"] as const;

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
const isPackage = (specifier: string, name: string): boolean =>
  specifier === name || specifier.startsWith(`${name}/`);

const isAbsolute = (specifier: string): boolean => /^([\\/]|[a-zA-Z]:[\\/]|file:)/.test(specifier);

const isPath = (specifier: string): boolean =>
  specifier === "." || specifier === ".." || /^\.{1,2}[\\/]/.test(specifier) || isAbsolute(specifier);

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

const isUnder = (path: string, folder: string): boolean => {
  const lower = path.toLowerCase(); // a case-insensitive disk would follow "../Electron" too
  return lower === folder || lower.startsWith(`${folder}/`);
};

type Rule = (ref: ImportRef, file: string) => string | undefined;

const sharedRule: Rule = ({ specifier, kind }, file) => {
  if (kind === "lib") {
    return /^(dom|webworker|scripthost)/i.test(specifier) ? "shared/ may not use DOM types" : undefined;
  }
  if (kind === "types" && specifier === "node") return "shared/ may not use Node types";
  if (kind === "path" || isPath(specifier)) {
    if (isAbsolute(specifier)) return "shared/ may not import by absolute path; use a relative path inside shared/";
    const target = resolvePath(file, specifier, kind)!;
    return isUnder(target, "shared") ? undefined : `resolves to ${target}, outside shared/`;
  }
  if (isNodeBuiltin(specifier)) return "shared/ is pure TypeScript and may not use Node built-ins";
  if (isPackage(specifier, "electron")) return "shared/ may not use Electron";
  if (isPackage(specifier, "react") || isPackage(specifier, "react-dom")) return "shared/ may not use React; UI lives in renderer/";
  return undefined;
};

const rendererRule: Rule = ({ specifier, kind }, file) => {
  if (kind === "lib") return undefined;
  if (kind === "types" && specifier === "node") return "renderer/ runs in a browser and may not use Node types";
  if (kind === "path" || isPath(specifier)) {
    const target = resolvePath(file, specifier, kind);
    if (target === undefined) return "renderer/ may not import by absolute path";
    for (const folder of ["electron", "relay"]) {
      if (isUnder(target, folder)) return `resolves to ${target}: renderer/ may not reach into ${folder}/; it talks to the host through typed commands`;
    }
    return undefined;
  }
  if (isNodeBuiltin(specifier)) return "renderer/ runs in a browser and may not use Node built-ins";
  if (isPackage(specifier, "electron")) return "renderer/ may not use Electron; it reaches the host through the preload API";
  if (specifier.startsWith("@automerge/")) return "renderer/ holds no Automerge documents; the host computes its views";
  return undefined;
};

const hostRule: Rule = ({ specifier, kind }) =>
  kind === "module" && isPackage(specifier, "electron")
    ? "electron/host/ must run headless and may not import Electron"
    : undefined;

function rulesFor(file: string): Rule[] {
  if (isUnder(file, "shared")) return [sharedRule];
  if (isUnder(file, "renderer")) return [rendererRule];
  if (isUnder(file, "electron/host")) return [hostRule];
  return [];
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

/** Checks every source file in the checked folders under `root`. Missing folders have no files. */
export function checkBoundaries(root: string): Violation[] {
  return CHECKED_FOLDERS.flatMap((folder) =>
    listSourceFiles(join(root, folder)).flatMap((path) =>
      violationsIn(relative(root, path).split(sep).join("/"), readFileSync(path, "utf8")),
    ),
  );
}
