import type { Rule } from "eslint";

/** The folder boundaries of scripts/import-boundaries.ts, reported by ESLint. */
export declare const importBoundaries: Rule.RuleModule;
