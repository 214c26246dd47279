import { describe, expect, it } from "vitest";
import type { CommandName, CommandOutcome } from "../shared/commands/commands";
import type { RelayStatus, SyncStatusView } from "../shared/commands/views";
import type { Runner } from "./session";
import { keptByRelays, outcomeMessage, waitForRelay, type WaitOptions } from "./sync-wait";

/** A runner whose sync status goes through the given states, then stays at the last. */
function scripted(...statuses: SyncStatusView[]): Runner & { asked: number } {
  const runner = {
    asked: 0,
    async run(_name: CommandName, _input: unknown): Promise<CommandOutcome<CommandName>> {
      const status = statuses[Math.min(runner.asked++, statuses.length - 1)]!;
      return { ok: true, value: status };
    },
  };
  return runner;
}

const relay = (state: RelayStatus["state"], reason?: string): RelayStatus => ({
  url: "ws://relay.example:3030/",
  state,
  since: 0,
  ...(reason ? { reason } : {}),
});
const status = (waiting: number, ...relays: RelayStatus[]): SyncStatusView => ({
  commune: "c".repeat(32),
  relays,
  peers: relays.filter((r) => r.state === "connected").length,
  waiting,
  notices: [],
});

const options = (overrides: Partial<WaitOptions> = {}): WaitOptions => ({
  timeoutMs: 60_000,
  pollMs: 0,
  quietMs: Number.POSITIVE_INFINITY,
  offlineAfterMs: Number.POSITIVE_INFINITY,
  progress: () => {},
  ...overrides,
});

describe("waiting for a relay after a change", () => {
  it("ends when a connected relay has confirmed every document", async () => {
    const runner = scripted(status(3, relay("connecting")), status(2, relay("connected")), status(0, relay("connected")));
    expect(await waitForRelay(runner, "c", options())).toMatchObject({ kind: "sent" });
    expect(runner.asked).toBe(3);
  });

  it("does not count documents as sent while no relay is connected", async () => {
    const runner = scripted(status(0, relay("connecting")), status(0, relay("connected")));
    expect(await waitForRelay(runner, "c", options())).toMatchObject({ kind: "sent" });
    expect(runner.asked).toBe(2);
  });

  it("stops at once for a commune without relays, or whose relays all refuse", async () => {
    expect(await waitForRelay(scripted(status(4)), "c", options())).toEqual({ kind: "no-relays" });
    expect(await waitForRelay(scripted(status(4, relay("refused", "wrong secret"))), "c", options())).toMatchObject({ kind: "refused" });
  });

  it("gives up on relays that are all offline, once they have had their moment", async () => {
    const runner = scripted(status(1, relay("offline", "ECONNREFUSED")));
    expect(await waitForRelay(runner, "c", options({ offlineAfterMs: 0 }))).toMatchObject({ kind: "offline" });
  });

  it("reports progress only once waiting has lasted longer than the quiet period", async () => {
    const seen: number[] = [];
    await waitForRelay(scripted(status(2, relay("connected")), status(0, relay("connected"))), "c", options({ progress: (s) => seen.push(s.waiting) }));
    expect(seen).toEqual([]);
    await waitForRelay(
      scripted(status(2, relay("connected")), status(0, relay("connected"))),
      "c",
      options({ quietMs: 0, progress: (s) => seen.push(s.waiting) }),
    );
    expect(seen).toEqual([2]);
  });

  it("times out, and stops when interrupted", async () => {
    expect(await waitForRelay(scripted(status(1, relay("connecting"))), "c", options({ timeoutMs: 0 }))).toMatchObject({ kind: "timeout" });
    const controller = new AbortController();
    controller.abort();
    expect(await waitForRelay(scripted(status(1, relay("connecting"))), "c", options({ signal: controller.signal }))).toEqual({ kind: "stopped" });
  });
});

describe("what the member is told", () => {
  const offline = status(1, relay("offline", "connect ECONNREFUSED"));

  it("says nothing when the change went out quickly, and where it went when that took a while", () => {
    const sent = { kind: "sent" as const, status: status(0, relay("connected")) };
    expect(outcomeMessage(sent, 15_000, false)).toBeUndefined();
    expect(outcomeMessage(sent, 15_000, true)).toBe("Sent to ws://relay.example:3030/.");
  });

  it("says plainly that an unsent change is saved and will go out later", () => {
    expect(outcomeMessage({ kind: "offline", status: offline }, 15_000, false)).toBe(
      "Saved on this machine. No relay is reachable now (ws://relay.example:3030/: offline (connect ECONNREFUSED)); it will go out the next time your host or the CLI is online with a relay.",
    );
    expect(outcomeMessage({ kind: "timeout", status: offline }, 15_000, true)).toContain("No relay confirmed it within 15 s");
    expect(outcomeMessage({ kind: "timeout", status: offline }, 0, false)).toContain("not waiting for a relay (--sync-timeout 0)");
    expect(outcomeMessage({ kind: "no-relays" }, 15_000, false)).toContain("this commune has no relay");
  });
});

describe("a change the disk refused, in a one-shot CLI that ends now", () => {
  const waiting = { timeoutMs: 60_000, pollMs: 0, offlineAfterMs: 0, say: () => {} };

  it("is not to be made again once a relay has it", async () => {
    const runner = scripted(status(1, relay("connected")), status(0, relay("connected")));
    expect(await keptByRelays(runner, "c", waiting)).toBe(
      "This command ends now and will not save the change later, but ws://relay.example:3030/ has it: this computer gets it back from there. Do not make it again.",
    );
  });

  it("is to be looked for before it is made again when no relay confirmed it", async () => {
    expect(await keptByRelays(scripted(status(1, relay("offline", "connection refused"))), "c", waiting)).toBe(
      "This command ends now and will not save the change later, and no relay confirmed it (ws://relay.example:3030/: offline (connection refused)). Once the disk takes writes, check whether it shows before making it again.",
    );
  });
});
