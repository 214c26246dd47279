import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host/host";
import { must, noRelays } from "../host/testing/host-harness";
import { HOST_FIELDS } from "../renderer/screens/host-fields";
import { fieldProblem, unplaced } from "../renderer/ui/problems";
import type { CommandError, CommandName } from "../shared/commands/commands";
import { LIMITS } from "../shared/docs/fields";
import { EUR } from "../shared/money/currency";

/**
 * A form shows the host's answer beside the box its `field` names, and under
 * the form only when no box shows it: chosen by the field, never by wording.
 */

const refusal = (field: string | undefined, message = "Amount must be a positive number"): CommandError => ({
  kind: "rejected",
  code: "amount.notPositive",
  message,
  ...(field === undefined ? {} : { field }),
});

describe("placing the host's problems in a form", () => {
  it("shows a problem beside the box whose command input it names, or a part of it", () => {
    expect(fieldProblem(refusal("amount"), "amount")).toBe("Amount must be a positive number");
    expect(fieldProblem(refusal("change.spendLimit.EUR"), "change.spendLimit")).toBe("Amount must be a positive number");
    expect(fieldProblem(refusal("amountless"), "amount")).toBeUndefined();
  });

  it("never places a problem by its words", () => {
    expect(fieldProblem(refusal(undefined, "amount: too big"), "amount")).toBeUndefined();
  });

  it("leaves a problem no box shows for the form as a whole, and only that one", () => {
    const aboutTheTitle = refusal("title");
    const aboutNoBox = refusal(undefined);
    expect(unplaced(aboutTheTitle, ["title", "amount"])).toBeUndefined();
    expect(unplaced(aboutTheTitle, ["amount"])).toBe(aboutTheTitle);
    expect(unplaced(aboutNoBox, ["title"])).toBe(aboutNoBox);
    expect(unplaced(undefined, ["title"])).toBeUndefined();
  });
});

describe("the host's own refusals, placed by the purse, member, relay, name and join forms", () => {
  const dirs: string[] = [];
  const hosts: Host[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function founded() {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-form-problems-"));
    dirs.push(dataDir);
    const host = await Host.open({ dataDir, links: noRelays });
    hosts.push(host);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    return { host, commune };
  }

  async function refusal(host: Host, name: CommandName, input: unknown): Promise<CommandError> {
    const outcome = await host.run(name, input);
    if (outcome.ok) throw new Error(`${name} was accepted`);
    return outcome.error;
  }

  it("shows each refusal that names an input beside the box for it, never also under the form", async () => {
    const { host, commune } = await founded();
    const stranger = "ab".repeat(32);
    const cases: [CommandName, unknown, readonly string[], string][] = [
      ["purse.contribute", { commune, amount: "12.345", currency: "EUR" }, HOST_FIELDS.contribute, "amount"],
      ["purse.contribute", { commune, amount: "5", currency: "XYZ" }, HOST_FIELDS.contribute, "currency"],
      ["purse.contribute", { commune, amount: "5", currency: "EUR", memo: "m".repeat(LIMITS.memo + 1) }, HOST_FIELDS.contribute, "memo"],
      ["purse.transfer", { commune, amount: "0", currency: "EUR", to: stranger }, HOST_FIELDS.transfer, "amount"],
      ["purse.disburse", { commune, amount: "5", currency: "EUR", payee: { outside: "x".repeat(LIMITS.name + 1) } }, HOST_FIELDS.disburse, "payee"],
      ["commune.admit", { commune, member: "not a key", name: "Bea" }, HOST_FIELDS.admit, "member"],
      ["commune.invite", { commune, days: 1000 }, HOST_FIELDS.invite, "days"],
      ["commune.relays", { commune, add: ["r".repeat(301)] }, HOST_FIELDS.addRelay, "add"],
      ["identity.rename", { name: "   " }, HOST_FIELDS.rename, "name"],
      ["commune.join", { invite: "this is not an invite" }, HOST_FIELDS.join, "invite"],
    ];
    for (const [name, input, shown, field] of cases) {
      const error = await refusal(host, name, input);
      expect(error.field?.split(".")[0], `${name} ${JSON.stringify(error)}`).toBe(field);
      expect(fieldProblem(error, field)).toBe(error.message);
      expect(unplaced(error, shown)).toBeUndefined();
    }
  });

  it("shows a refusal about no input under the form", async () => {
    const { host, commune } = await founded();
    await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR" });
    const overLimit = await refusal(host, "purse.disburse", { commune, amount: "60", currency: "EUR", payee: { outside: "Roofers" } });
    expect(overLimit.field).toBeUndefined();
    expect(unplaced(overLimit, HOST_FIELDS.disburse)).toBe(overLimit);
  });
});
