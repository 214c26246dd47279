import { defineConfig } from "vitest/config";

// Vitest now; the renderer build joins this file when renderer/ exists.
export default defineConfig({
  test: {
    include: ["shared/**/*.test.ts", "tests/**/*.test.ts", "relay/**/*.test.ts", "electron/**/*.test.ts"],
    environment: "node",
    reporters: ["default", "./scripts/summary-reporter.ts"],
    // Property tests sign and verify thousands of records; a shared, noisy
    // machine must not turn that into a timeout. Speed is measured by npm run bench.
    testTimeout: 60_000,
  },
});
