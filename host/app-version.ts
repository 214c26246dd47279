import packageJson from "../package.json" with { type: "json" };

/** Commune's version, from package.json: one place, inlined by the bundler, read once from source. */
export const COMMUNE_VERSION: string = packageJson.version;
