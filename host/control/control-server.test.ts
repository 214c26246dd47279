import { afterEach, describe, expect, it } from "vitest";
import { startControlServer, type RunningControl } from "./control-server";

/** A host that answers every command it is asked with the command's name. */
const echo = { run: async (name: unknown) => ({ ok: true as const, value: name }) as never };

let control: RunningControl | undefined;
afterEach(async () => {
  await control?.close();
  control = undefined;
});

const post = (running: RunningControl, body: string) =>
  fetch(`${running.url}/command`, { method: "POST", headers: { authorization: `Bearer ${running.token}` }, body });

describe("the host's control server", () => {
  it("answers a command with the runner's answer", async () => {
    control = await startControlServer(echo);
    const response = await post(control, JSON.stringify({ name: "commune.list", input: {} }));
    expect(await response.json()).toEqual({ ok: true, value: "commune.list" });
  });

  it("tells a sender whose command is over 1 MiB that it is too large, in words, and goes on answering", async () => {
    control = await startControlServer(echo);
    const response = await post(control, JSON.stringify({ name: "purse.contribute", input: { memo: "x".repeat(3 << 20) } }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ ok: false, error: { kind: "invalid-input", code: "control.tooLarge", message: "The command is too large." } });
    expect(await (await post(control, JSON.stringify({ name: "commune.list" }))).json()).toEqual({ ok: true, value: "commune.list" });
  });

  it("refuses a request without the token", async () => {
    control = await startControlServer(echo);
    const response = await fetch(`${control.url}/command`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
  });
});
