#!/usr/bin/env node
// The `commune` command (package.json "bin"): runs the TypeScript CLI through
// tsx's loader, so there is no build step. Same as `npm run commune --`.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
