import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RunningRelay } from "../relay/relay";
import { relayLinks } from "../host/sync/relay-links";
import { cli as cliWith, TempDirs, type Run } from "./testing/cli-harness";

/**
 * One-shot commands with a real relay (in this process, on a port picked at
 * run time): a change leaves the machine before the command exits, and a
 * change made while the relay is down goes out with the next command.
 */
const dirs = new TempDirs();
const relays: RunningRelay[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.close();
  await dirs.cleanup();
});

const cli = (dir: string, ...argv: string[]) => cliWith(dir, argv, { links: relayLinks });

async function ok(dir: string, ...argv: string[]): Promise<Run> {
  const run = await cli(dir, ...argv);
  if (run.code !== 0) throw new Error(`commune ${argv.join(" ")} exited ${run.code}: ${run.stderr}`);
  return run;
}

async function relayOn(port: number, dataDir: string): Promise<RunningRelay> {
  const relay = await startRelay({ port, dataDir });
  relays.push(relay);
  return relay;
}

describe("two members through a relay, one command at a time", () => {
  it("founds, invites, joins, contributes and votes; a change made offline goes out with the next command", async () => {
    const relayData = await dirs.make("commune-relay-");
    const relay = await relayOn(0, relayData);
    const ada = await dirs.make();
    const bo = await dirs.make();

    await ok(ada, "name", "Ada");
    const created = await ok(ada, "create", "Riverside", "--relay", relay.url);
    // Sent before the command returned (quietly, or with "Sent to …" on a slow day).
    expect(created.stderr).not.toContain("Saved on this machine");
    const invite = (await ok(ada, "invite", "--days", "1")).stdout.trim();
    expect(invite).toMatch(/^commune-invite:[A-Za-z0-9_-]+$/);

    expect((await ok(bo, "join", invite, "--name", "Bo")).stdout).toMatch(/^Joined Riverside \(id [0-9a-f]{32}\); you are active\.\n$/);
    expect((await ok(ada, "contribute", "10", "EUR")).stderr).not.toContain("Saved on this machine");
    // Bo's command opens his documents and catches up with the relay first.
    expect(JSON.parse((await ok(bo, "balances", "--json")).stdout)).toMatchObject({ purse: { EUR: 1000 } });
    const { id } = JSON.parse((await ok(bo, "propose", "general", "--title", "Picnic", "--json")).stdout) as { id: string };
    expect((await ok(ada, "vote", id.slice(0, 6), "yes")).stdout).toBe(`Voted yes on proposal ${id.slice(0, 8)}.\n`);

    // The relay goes down: Ada's change is saved, and she is told so (exit 0).
    const port = Number(new URL(relay.url).port);
    await relay.close();
    relays.splice(relays.indexOf(relay), 1);
    const offline = await ok(ada, "contribute", "5", "EUR", "--memo", "while offline");
    expect(offline.stderr).toContain("Saved on this machine. No relay is reachable now");
    expect(offline.stderr).toContain("it will go out the next time your host or the CLI is online with a relay.");
    const stale = await ok(bo, "balances", "--json");
    expect(stale.stderr).toContain("Showing what this machine has");
    expect(JSON.parse(stale.stdout)).toMatchObject({ purse: { EUR: 1000 } });

    // Back up on the same address: Ada's next command sends it, and Bo then sees it.
    await relayOn(port, relayData);
    expect((await ok(ada, "status")).stdout).toContain("Nothing waiting to be sent.");
    expect(JSON.parse((await ok(bo, "balances", "--json")).stdout)).toMatchObject({ purse: { EUR: 1500 } });
    const proposals = JSON.parse((await ok(bo, "proposals", "--json")).stdout) as { id: string; yes: number }[];
    expect(proposals).toMatchObject([{ id, yes: 1 }]);
  });
});

describe("joining a commune that admits by proposal", () => {
  it("tells the newcomer what happens next, not only that they are an applicant", async () => {
    const relay = await relayOn(0, await dirs.make("commune-relay-"));
    const ada = await dirs.make();
    const bo = await dirs.make();
    await ok(ada, "name", "Ada");
    await ok(ada, "create", "Riverside", "--relay", relay.url, "--admission", "proposal");
    const invite = (await ok(ada, "invite", "--days", "1")).stdout.trim();

    expect((await ok(bo, "join", invite, "--name", "Bo")).stdout).toMatch(
      /^Asked to join Riverside \(id [0-9a-f]{32}\)\. The members decide by proposal; until one passes you can read the commune but not write to it\. "commune show" says when you are in\.\n$/,
    );
  });
});
