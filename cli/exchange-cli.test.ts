import { afterEach, describe, expect, it } from "vitest";
import { cli, ok, TempDirs } from "./testing/cli-harness";

/**
 * Issue 14 from the command line: Riverside gives Hillside 30 EUR and
 * offers 5 more; Hillside accepts the first and declines the second, each
 * answer passed as the JSON `commune partner account --json` prints.
 */
const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

async function founded(name: string, member: string, ...rules: string[]): Promise<{ dir: string; commune: string }> {
  const dir = await dirs.make();
  await ok(dir, "name", member);
  const { commune } = JSON.parse(await ok(dir, "create", name, "--json", ...rules)) as { commune: string };
  return { dir, commune };
}

describe("an exchange between two communes on the command line", () => {
  it("is offered by one member, accepted or declined by a member of the partner, and shown in both accounts", async () => {
    const riverside = await founded("Riverside", "Ada", "--spend-limit", "EUR=100");
    const hillside = await founded("Hillside", "Hana");
    await ok(riverside.dir, "contribute", "50", "EUR");

    expect(await ok(riverside.dir, "exchange", "30", "EUR", "--partner", hillside.commune, "--direction", "out")).toMatch(
      new RegExp(`^Recorded: exchange to ${hillside.commune} of 30 EUR \\(entry [0-9a-f]{8}\\)\\.\\n$`),
    );
    await ok(riverside.dir, "exchange", "5", "EUR", "--partner", hillside.commune, "--direction", "out");
    const typedIn = await cli(riverside.dir, ["exchange", "5", "EUR", "--partner", hillside.commune, "--direction", "in"]);
    expect(typedIn).toMatchObject({ code: 1 });
    expect(typedIn.stderr).toContain("What a partner commune gives is recorded by accepting its exchange");

    const { records } = JSON.parse(await ok(riverside.dir, "partner", "account", hillside.commune, "--json")) as { records: { amount: number }[] };
    const thirty = records.find((record) => record.amount === 30_00)!;
    const five = records.find((record) => record.amount === 5_00)!;
    expect(await ok(hillside.dir, "exchange", "accept", JSON.stringify(thirty), "--memo", "for the mill")).toMatch(
      /^Accepted: the partner's exchange is in our purse \(entry [0-9a-f]{8}\)\.\n$/,
    );
    expect(await ok(hillside.dir, "exchange", "decline", JSON.stringify(five), "--reason", "not this season")).toMatch(
      /^Declined: the partner's exchange under offer [0-9a-f]+ counts for nothing\.\n$/,
    );
    const twice = await cli(hillside.dir, ["exchange", "accept", JSON.stringify(thirty)]);
    expect(twice).toMatchObject({ code: 1 });
    expect(twice.stderr).toMatch(/^This commune accepted that exchange already \(entry [0-9a-f]+\)\.\n$/);
    expect(await ok(hillside.dir, "balances")).toMatch(/^EUR\s+Euro\s+30\.00$/m);
    // Each ledger names the other commune and the offer the two entries share.
    const offer = (thirty as { offer?: string }).offer!.slice(0, 8);
    expect(await ok(hillside.dir, "ledger")).toMatch(new RegExp(`exchange in .*from ${riverside.commune} \\(offer ${offer}\\) "for the mill"`));
    expect(await ok(riverside.dir, "ledger")).toMatch(new RegExp(`exchange out .*to ${hillside.commune} \\(offer ${offer}\\)`));

    // Hillside's own account, without Riverside's records: it says so, and what it cannot match.
    const hillsideAccount = await ok(hillside.dir, "partner", "account", riverside.commune, "--name", "Riverside");
    expect(hillsideAccount).toContain("(Riverside's records were not given or its roster could not be read: only our side is shown.)");
    expect(hillsideAccount).toMatch(/Hillside recorded accepting 30\.00 EUR on \d{4}-\d\d-\d\d under offer [0-9a-f]+, an exchange Riverside never offered\./);

    // Riverside's account given Hillside's records but no roster: nothing of Hillside's can count.
    const theirs = JSON.parse(await ok(hillside.dir, "partner", "account", riverside.commune, "--json")) as { records: unknown[] };
    const unchecked = await ok(
      riverside.dir,
      "partner",
      "account",
      hillside.commune,
      "--name",
      "Hillside",
      "--theirs",
      JSON.stringify({ records: theirs.records, rosters: [], anchors: ["ab".repeat(32)] }),
    );
    expect(unchecked).toMatch(/^Nothing is owed either way between us and Hillside\.$/m);
    expect(unchecked).toContain("is not signed by a member on Hillside's roster: it counts for nothing.");
  });
});
