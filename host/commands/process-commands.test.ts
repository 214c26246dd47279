import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { testKeys } from "../../shared/testing/commune-builder";
import { must, noRelays } from "../testing/host-harness";

/** Issue 17, "Processes": what the host signs for consent, advice, polls and meeting times, and what it refuses. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const HOUR = 3_600_000;

/** Ada's host in Riverside, with a clock the test moves. */
async function riverside(): Promise<{ host: Host; commune: string; clock: { now: number } }> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-process-commands-"));
  const clock = { now: Date.now() };
  const host = await Host.open({ dataDir, links: noRelays, now: () => clock.now });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
  return { host, commune, clock };
}

const errorOf = (outcome: { ok: boolean; error?: { code: string; field?: string; message: string } }) => (outcome.ok ? undefined : outcome.error);

describe("a proposal put to a process", () => {
  it("is refused with clear words where the process does not fit", async () => {
    const { host, commune } = await riverside();
    const base = { commune, title: "Pick one", deadline: { days: 7 } };
    const pollOnSpend = await host.run("proposal.create", {
      ...base,
      kind: "spend",
      amount: "10",
      currency: "EUR",
      payee: { outside: "Shop" },
      process: { kind: "poll", options: ["A", "B"] },
    });
    expect(errorOf(pollOnSpend)).toMatchObject({
      code: "proposal.process",
      field: "process",
      message: "A poll can decide only a general proposal, not a spend proposal.",
    });
    const adviceOnRemove = await host.run("proposal.create", { ...base, kind: "remove", member: testKeys(2).publicKey, process: { kind: "advice" } });
    expect(errorOf(adviceOnRemove)?.message).toBe("An advice process can decide only a general or a spend proposal, not a remove proposal.");
    const oneOption = await host.run("proposal.create", { ...base, kind: "general", process: { kind: "poll", options: ["Only"] } });
    expect(errorOf(oneOption)?.message).toBe("process.options: A poll needs at least 2 options to choose from");
    const twice = await host.run("proposal.create", { ...base, kind: "general", process: { kind: "poll", options: ["Roof", " roof "] } });
    expect(errorOf(twice)?.message).toBe('A poll cannot offer "roof" twice.');
    const sameTime = await host.run("proposal.create", { ...base, kind: "general", process: { kind: "meeting", times: [5, 5] } });
    expect(errorOf(sameTime)?.message).toBe("A meeting cannot offer the same time twice.");
    const tooManyDots = await host.run("proposal.create", { ...base, kind: "general", process: { kind: "poll", options: ["A", "B"], dots: 101 } });
    expect(errorOf(tooManyDots)?.message).toBe("process.dots: Dots must be a whole number from 1 to 100");
    expect(await must(host, "proposal.list", { commune })).toEqual([]);
  });

  it("takes a consent vote, refuses an objection without a reason, and shows the objection standing with its reason", async () => {
    const { host, commune } = await riverside();
    await must(host, "commune.admit", { commune, member: testKeys(2).publicKey, name: "Bo" });
    const { id } = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "Paint the hall",
      deadline: { days: 7 },
      process: { kind: "consent" },
    });
    const bare = await host.run("proposal.vote", { commune, proposal: id, choice: "block", reason: "  " });
    expect(errorOf(bare)).toMatchObject({ code: "vote.doesNotFit", field: "reason", message: "An objection needs a reason." });
    const no = await host.run("proposal.vote", { commune, proposal: id, choice: "no" });
    expect(errorOf(no)?.message).toBe('A vote on a consent process consents (yes) or objects (block), not "no".');
    await must(host, "proposal.vote", { commune, proposal: id, choice: "block", reason: "The paint is toxic" });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({
      process: { kind: "consent" },
      outcome: "open",
      myVote: "block",
      result: { kind: "consent", consents: 0, objections: [{ name: "Ada", reason: "The paint is toxic" }] },
    });
  });

  it("passes a consent proposal early once every member has consented", async () => {
    const { host, commune } = await riverside();
    const { id } = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "Paint the hall",
      deadline: { days: 7 },
      process: { kind: "consent" },
    });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({ outcome: "passed", early: "everyone-voted", result: { kind: "consent", consents: 1, objections: [] } });
  });

  it("takes a dot vote that fits and ranks the options with their totals", async () => {
    const { host, commune } = await riverside();
    await must(host, "commune.admit", { commune, member: testKeys(2).publicKey, name: "Bo" });
    const { id } = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "What to buy",
      deadline: { days: 7 },
      process: { kind: "poll", options: [" Tools", "Roof", "Solar"], dots: 5 },
    });
    const tooMany = await host.run("proposal.vote", { commune, proposal: id, choice: "yes", dots: [3, 3, 0] });
    expect(errorOf(tooMany)).toMatchObject({ code: "vote.doesNotFit", field: "dots", message: "Each member has 5 dots to give; this vote gives 6." });
    const pick = await host.run("proposal.vote", { commune, proposal: id, choice: "yes", pick: 1 });
    expect(errorOf(pick)?.message).toBe("A vote on this dot vote gives its dots to the options.");
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes", dots: [1, 0, 4] });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({
      outcome: "open",
      myMarks: { dots: [1, 0, 4] },
      result: {
        kind: "poll",
        dots: 5,
        ranking: [
          { option: 2, label: "Solar", total: 4 },
          { option: 0, label: "Tools", total: 1 },
          { option: 1, label: "Roof", total: 0 },
        ],
      },
    });
  });

  it("hides a poll's ranking while the votes are hidden and it is open", async () => {
    const { host, commune } = await riverside();
    await must(host, "commune.admit", { commune, member: testKeys(2).publicKey, name: "Bo" });
    const { id } = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "Secret pick",
      deadline: { days: 7 },
      hideVotes: true,
      process: { kind: "poll", options: ["A", "B"] },
    });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes", pick: 0 });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({ hiddenVotes: true, voted: 1, myMarks: { pick: 0 } });
    expect(view!.result).toBeUndefined();
  });

  it("ranks a meeting's times by who can make them", async () => {
    const { host, commune } = await riverside();
    await must(host, "commune.admit", { commune, member: testKeys(2).publicKey, name: "Bo" });
    const times = [Date.UTC(2026, 11, 10, 18), Date.UTC(2026, 11, 11, 18)];
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Meet", deadline: { days: 7 }, process: { kind: "meeting", times } });
    const outside = await host.run("proposal.vote", { commune, proposal: id, choice: "yes", times: [2] });
    expect(errorOf(outside)).toMatchObject({ code: "vote.doesNotFit", field: "times", message: "The meeting offers times 1 to 2." });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes", times: [1] });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view!.result).toEqual({
      kind: "meeting",
      ranking: [
        { option: 1, time: times[1], total: 1, names: ["Ada"] },
        { option: 0, time: times[0], total: 0, names: [] },
      ],
    });
  });

  it("lets the proposer record an advice decision only after the advice period, once", async () => {
    const { host, commune, clock } = await riverside();
    await must(host, "commune.admit", { commune, member: testKeys(2).publicKey, name: "Bo" });
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "New shed", deadline: { days: 1 }, process: { kind: "advice" } });
    const noReason = await host.run("proposal.vote", { commune, proposal: id, choice: "abstain" });
    expect(errorOf(noReason)?.message).toBe("Advice needs a reason: the advice itself.");
    await must(host, "proposal.vote", { commune, proposal: id, choice: "abstain", reason: "Build it by the gate" });
    const early = await host.run("proposal.decide", { commune, proposal: id, outcome: "passed", statement: "Going ahead" });
    expect(errorOf(early)?.code).toBe("proposal.stillAdvising");
    expect(errorOf(early)?.message).toMatch(/^The advice period of "New shed" ends .* UTC: decide after it\.$/);

    clock.now += 25 * HOUR;
    const [awaiting] = await must(host, "proposal.list", { commune });
    expect(awaiting).toMatchObject({ outcome: "open", result: { kind: "advice", awaiting: true, advice: [{ name: "Ada", reason: "Build it by the gate" }] } });
    const blank = await host.run("proposal.decide", { commune, proposal: id, outcome: "passed", statement: " " });
    expect(errorOf(blank)?.message).toBe("statement: A decision needs a statement");
    await must(host, "proposal.decide", { commune, proposal: id, outcome: "passed", statement: "By the gate, as advised" });
    const [decided] = await must(host, "proposal.list", { commune });
    expect(decided).toMatchObject({
      outcome: "passed",
      result: { kind: "advice", awaiting: false, decision: { outcome: "passed", statement: "By the gate, as advised" } },
    });
    const again = await host.run("proposal.decide", { commune, proposal: id, outcome: "rejected", statement: "Changed my mind" });
    expect(errorOf(again)?.message).toBe('"New shed" was decided already (passed): a decision is not taken back.');
  });

  it("refuses a decision on a proposal that is not an advice process", async () => {
    const { host, commune } = await riverside();
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Vote", deadline: { days: 7 } });
    const outcome = await host.run("proposal.decide", { commune, proposal: id, outcome: "passed", statement: "Mine" });
    expect(errorOf(outcome)).toMatchObject({
      code: "proposal.notAdvice",
      field: "proposal",
      message: '"Vote" is not an advice process: its outcome is decided by its votes.',
    });
  });
});
