import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The renderer build (vite build) and Vitest share this file. Vitest runs in
// mode "test" and must keep the repository as its root, so only the build
// and the dev server are rooted at renderer/.
export default defineConfig(({ mode }) => ({
  ...(mode === "test" ? {} : { root: here("./renderer") }),
  // Relative asset URLs, so the same build loads from file:// in Electron and from / in browser mode.
  base: "./",
  plugins: [react()],
  build: {
    outDir: here("./dist/renderer"),
    emptyOutDir: true,
    // The Electron CSP forbids inline scripts and eval: every module and asset stays an external file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  test: {
    include: ["{shared,repo-adaptations,relay,host,cli,serve,electron,tests}/**/*.test.ts"],
    environment: "node",
    reporters: ["default", "./scripts/summary-reporter.ts"],
    // Property tests sign and verify thousands of records; a shared, noisy
    // machine must not turn that into a timeout. Speed is measured by npm run bench.
    testTimeout: 60_000,
  },
}));
