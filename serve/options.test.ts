import { describe, expect, it } from "vitest";
import { noRelays } from "../host/testing/host-harness";
import { main } from "./main";

/** `npm run serve -- --port N` under the one rule of shared/sync/port.ts, refused before anything opens. */
describe("npm run serve --port", () => {
  it("refuses the system's ports under 1024 with the reason (exit 2)", async () => {
    let stderr = "";
    const io = { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {}, links: noRelays, signal: AbortSignal.abort() };
    expect(await main(["--port", "80"], io)).toBe(2);
    expect(stderr.split("\n")[0]).toBe(
      '--port "80": Port 80 is reserved for the system\'s own services: choose one from 1024 to 65535, or 0 to pick a free one',
    );
  });
});
