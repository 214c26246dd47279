import { cp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli, ok, TempDirs } from "./testing/cli-harness";

/** The snapshot verbs as a member types them: export a backup, verify it, restore it into an older copy. */
const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe("commune export --format automerge, verify and import", () => {
  it("backs up the commune, verifies the file, and restores it into an older copy with the same balances", async () => {
    const ada = await dirs.make();
    await ok(ada, "name", "Ada");
    await ok(ada, "create", "Riverside");
    const older = await dirs.make();
    await cp(ada, older, { recursive: true });
    await ok(ada, "contribute", "10", "EUR", "--memo", "seeds, and =1+1");
    await ok(ada, "contribute", "2.50", "EUR");

    const file = join(await dirs.make(), "riverside.commune");
    expect(await ok(ada, "export", "--format", "automerge", "--out", file)).toBe(`Wrote a backup of every document, with 2 entries, to ${file} (automerge).\n`);
    expect(await ok(ada, "verify", file)).toMatch(
      /^Verified: an Automerge backup of Riverside exported by Ada on .+, with 2 entries\.\nCURRENCY +PURSE\nEUR +12\.50 EUR\n/,
    );

    expect(await ok(older, "import", file)).toMatch(
      /^Imported the backup of Riverside that Ada exported on .+: 1 document updated, 1 added; the purse now has 2 entries \(was 0\)\.\n$/,
    );
    expect(JSON.parse(await ok(older, "balances", "--json"))).toEqual(JSON.parse(await ok(ada, "balances", "--json")));
    expect(await ok(older, "import", file)).toMatch(/^Nothing new: your copy of Riverside already had everything/);
  });

  it("refuses a backup for a member of another commune, a JSON snapshot on import, and a backup without --out", async () => {
    const ada = await dirs.make();
    await ok(ada, "name", "Ada");
    await ok(ada, "create", "Riverside");
    await ok(ada, "contribute", "10", "EUR");
    const folder = await dirs.make();
    const backup = join(folder, "riverside.commune");
    const snapshot = join(folder, "riverside.json");
    await ok(ada, "export", "--format", "automerge", "--out", backup);
    await ok(ada, "export", "--format", "json", "--out", snapshot);

    const cy = await dirs.make();
    await ok(cy, "name", "Cy");
    await ok(cy, "create", "Hillside");
    await ok(cy, "contribute", "3", "EUR");
    const before = await ok(cy, "balances", "--json");
    const foreign = await cli(cy, ["import", backup]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/^This backup is of Riverside \(id [0-9a-f]{32}\), a commune you do not belong to on this machine\./);
    expect(await ok(cy, "balances", "--json")).toBe(before);
    expect(await ok(cy, "list")).not.toContain("Riverside");

    const json = await cli(ada, ["import", snapshot]);
    expect(json.code).toBe(1);
    expect(json.stderr).toContain("is a JSON snapshot: it can be verified (commune verify) but not imported.");
    const noOut = await cli(ada, ["export", "--format", "automerge"]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("an Automerge backup is binary: say where to write it with --out FILE");
  });
});

describe("commune export --as-of", () => {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);

  it("takes today as everything so far, and the snapshot verifies", async () => {
    const ada = await dirs.make();
    await ok(ada, "name", "Ada");
    await ok(ada, "create", "Riverside");
    await ok(ada, "contribute", "10", "EUR");
    const file = join(await dirs.make(), "today.json");
    expect(await ok(ada, "export", "--format", "json", "--as-of", day(Date.now()), "--out", file)).toMatch(/^Wrote 1 entry as of .+ UTC to /);
    expect(await ok(ada, "verify", file)).toMatch(/^Verified: a snapshot of Riverside exported by Ada/);
  });

  it("refuses tomorrow as in the future, and a day before the exporter joined as a file no one could verify, writing nothing", async () => {
    const ada = await dirs.make();
    await ok(ada, "name", "Ada");
    await ok(ada, "create", "Riverside");
    const folder = await dirs.make();
    const tomorrow = await cli(ada, ["export", "--format", "csv", "--as-of", day(Date.now() + 86_400_000), "--out", join(folder, "tomorrow.csv")]);
    expect(tomorrow.code).toBe(1);
    expect(tomorrow.stderr).toMatch(/^A snapshot cannot be dated in the future: today is \d{4}-\d{2}-\d{2} \(UTC\)\./);

    const before = await cli(ada, ["export", "--format", "json", "--as-of", "2020-01-01", "--out", join(folder, "old.json")]);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(
      /^You became a member of Riverside on \d{4}-\d{2}-\d{2}: a signed snapshot as of 2020-01-01, before that, could not be verified by anyone\. Choose \d{4}-\d{2}-\d{2} or later\./,
    );
    expect(await readdir(folder)).toEqual([]);
  });
});
