import { createRequire } from "node:module";

/** Commune's version, from package.json: one place, read once. */
export const COMMUNE_VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
