/**
 * `npm run package:fuses -- PATH`: flips the Electron Fuses of a packaged
 * Commune binary (the Electron executable, a macOS .app bundle, or its
 * inner binary) and reads them back. There is no packaging step in this
 * repository yet (docs/desktop-app.md, "Packaging"): whoever packages the
 * app runs this on the packaged binary before signing it. Flipping edits
 * the binary's fuse wire in place; a fuse is a build-time switch no
 * environment variable or command-line flag can turn back on.
 *
 * - RunAsNode off: ELECTRON_RUN_AS_NODE would turn the signed app into a
 *   plain Node.js interpreter any local program could drive.
 * - NODE_OPTIONS off and --inspect off: no environment variable or flag
 *   can load code into, or attach a debugger to, the app's processes.
 * - Cookie encryption on: cookies on disk are encrypted with the OS key
 *   store (the app keeps none it needs, but a page's storage is not left
 *   readable).
 * - File-protocol privileges off: the page comes from app://commune/
 *   (electron/main/security.ts), never file://.
 * - ASAR integrity and "only load the app from ASAR": off, because the app
 *   is not packed into an ASAR archive (main loads dist/electron/main.js and
 *   its packages from node_modules). Whoever adds ASAR packaging turns both
 *   on here, with the archive's integrity hash written by the packager.
 * - The browser-process V8 snapshot is not used; WebAssembly trap
 *   handlers stay on (Automerge is WebAssembly, and they are its fast path).
 */
import { fileURLToPath } from "node:url";
import { flipFuses, FuseState, FuseV1Options, FuseVersion, getCurrentFuseWire, type FuseV1Config } from "@electron/fuses";

/** Every fuse decided, so an Electron upgrade that adds one fails here until someone decides it. */
export const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: false,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
} as const satisfies FuseV1Config;

const FUSE_OPTIONS = Object.values(FuseV1Options).filter((value): value is FuseV1Options => typeof value === "number");

/** The fuses that do not read back as FUSES says, by name; empty when the binary is as it should be. */
export async function fuseMismatches(binary: string): Promise<string[]> {
  const wire = await getCurrentFuseWire(binary);
  return FUSE_OPTIONS.filter((option) => wire[option] !== (FUSES[option] ? FuseState.ENABLE : FuseState.DISABLE)).map((option) => FuseV1Options[option]);
}

/** Flips FUSES in `binary` and checks them; throws, naming the fuses, when any did not take. */
export async function flipAppFuses(binary: string): Promise<void> {
  await flipFuses(binary, FUSES);
  const wrong = await fuseMismatches(binary);
  if (wrong.length > 0) throw new Error(`These fuses did not take in ${binary}: ${wrong.join(", ")}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const binary = process.argv[2];
  if (!binary) {
    process.stderr.write("Usage: npm run package:fuses -- PATH-TO-PACKAGED-ELECTRON-BINARY\n");
    process.exit(2);
  }
  try {
    await flipAppFuses(binary);
    process.stdout.write(`Fuses flipped and checked in ${binary}.\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
