import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nobleSigner } from "../../shared/identity/crypto";
import { keyPairFromSecret, type KeyPair } from "../../shared/identity/keys";
import { makeRoster } from "../../shared/partners/roster";
import { Host } from "../host";
import { saveIdentity } from "../store/identity-store";
import { must, noRelays } from "../testing/host-harness";

/**
 * Issue 14: an exchange between two communes, each side writing only its
 * own. Riverside gives; Hillside accepts or declines with its own records;
 * each commune's account reads both sides. The records travel by hand here,
 * as the partner's shared document will carry them.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const HOUR = { code: "HOUR", name: "Labour hours", decimals: 2 };
const adaKeys = keyPairFromSecret(new Uint8Array(32).fill(61));
const hanaKeys = keyPairFromSecret(new Uint8Array(32).fill(62));
const EPOCH = "e".repeat(64);

/** A member whose keys the test holds, so it can sign the roster the partner's shared document will carry. */
async function member(name: string, keys: KeyPair): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-exchange-"));
  await saveIdentity(dataDir, { keys, name });
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  cleanups.push(() => host.close());
  return host;
}

const rosterOf = (commune: string, keys: KeyPair) =>
  makeRoster(nobleSigner, { commune, epoch: EPOCH, previous: null, members: [{ key: keys.publicKey }], author: keys, at: 1 });

async function twoCommunes() {
  const ada = await member("Ada", adaKeys);
  const hana = await member("Hana", hanaKeys);
  const riverside = (await must(ada, "commune.create", { name: "Riverside", currencies: [EUR, HOUR], rules: { spendLimit: { EUR: "100", HOUR: "100" } } }))
    .commune;
  const hillside = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR, HOUR] })).commune;
  await must(ada, "purse.contribute", { commune: riverside, amount: "40", currency: "EUR" });
  await must(ada, "purse.contribute", { commune: riverside, amount: "10", currency: "HOUR" });
  /** What each commune's shared document for the other would carry: its records and its roster. */
  const sharedBy = async (host: Host, commune: string, partner: string, keys: KeyPair) => ({
    records: (await must(host, "partner.account", { commune, partner })).records,
    rosters: [rosterOf(commune, keys)],
    anchors: [keys.publicKey],
  });
  return { ada, hana, riverside, hillside, sharedBy };
}

describe("an exchange between two communes", () => {
  it("is offered by Riverside, accepted by Hillside with its own entry, and both accounts net to opposite positions", async () => {
    const { ada, hana, riverside, hillside, sharedBy } = await twoCommunes();
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "30", currency: "EUR", memo: "For the mill" });
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "4", currency: "HOUR" });
    expect((await must(ada, "commune.show", { commune: riverside })).balances.purse).toEqual({ EUR: 10_00, HOUR: 6_00 });

    const offered = await must(ada, "partner.account", { commune: riverside, partner: hillside, name: "Hillside" });
    expect(offered.checked).toBe(false);
    expect(offered.exchanges.map((exchange) => exchange.state)).toEqual(["offered", "offered"]);
    expect(offered.records).toHaveLength(2);

    for (const exchange of offered.records) await must(hana, "exchange.accept", { commune: hillside, exchange, memo: "Thank you" });
    expect((await must(hana, "commune.show", { commune: hillside })).balances.purse).toEqual({ EUR: 30_00, HOUR: 4_00 });

    const riversideAccount = await must(ada, "partner.account", {
      commune: riverside,
      partner: hillside,
      name: "Hillside",
      theirs: await sharedBy(hana, hillside, riverside, hanaKeys),
    });
    expect(riversideAccount).toMatchObject({ checked: true, words: "Hillside owes us 30.00 EUR and 4.00 HOUR.", mismatches: [] });
    const hillsideAccount = await must(hana, "partner.account", {
      commune: hillside,
      partner: riverside,
      name: "Riverside",
      theirs: await sharedBy(ada, riverside, hillside, adaKeys),
    });
    expect(hillsideAccount).toMatchObject({ checked: true, words: "We owe Riverside 30.00 EUR and 4.00 HOUR.", mismatches: [] });
    expect(hillsideAccount.position).toEqual({ EUR: -30_00, HOUR: -4_00 });
  });

  it("is declined by Hillside with a signed decline: nothing moves in Hillside's purse, and Riverside's account shows it declined", async () => {
    const { ada, hana, riverside, hillside, sharedBy } = await twoCommunes();
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "5", currency: "EUR" });
    const [exchange] = (await must(ada, "partner.account", { commune: riverside, partner: hillside })).records;
    await must(hana, "exchange.decline", { commune: hillside, exchange, reason: "We have no use for it" });
    expect((await must(hana, "commune.show", { commune: hillside })).balances.purse).toEqual({ EUR: 0, HOUR: 0 });
    expect(await hana.run("exchange.accept", { commune: hillside, exchange })).toMatchObject({ ok: false, error: { code: "exchange.declinedAlready" } });

    const account = await must(ada, "partner.account", {
      commune: riverside,
      partner: hillside,
      name: "Hillside",
      theirs: await sharedBy(hana, hillside, riverside, hanaKeys),
    });
    expect(account.exchanges).toMatchObject([{ state: "declined", words: expect.stringContaining("declined by Hillside on") }]);
    expect(account.exchanges[0]!.words).toContain('("We have no use for it")');
    expect(account.words).toBe("Nothing is owed either way between us and Hillside.");
  });

  it("lets neither side record the other's side, and says why in words", async () => {
    const { ada, hana, riverside, hillside } = await twoCommunes();
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "5", currency: "EUR" });
    const [exchange] = (await must(ada, "partner.account", { commune: riverside, partner: hillside })).records;
    // Riverside cannot accept or decline its own offer, nor type in what Hillside gives.
    expect(await ada.run("exchange.accept", { commune: riverside, exchange })).toMatchObject({ ok: false, error: { code: "exchange.ours" } });
    expect(await ada.run("exchange.decline", { commune: riverside, exchange })).toMatchObject({ ok: false, error: { code: "exchange.ours" } });
    expect(await ada.run("purse.exchange", { commune: riverside, partner: hillside, direction: "in", amount: "5", currency: "EUR" })).toMatchObject({
      ok: false,
      error: { code: "exchange.acceptInstead" },
    });
    expect(await ada.run("purse.exchange", { commune: riverside, partner: riverside, direction: "out", amount: "5", currency: "EUR" })).toMatchObject({
      ok: false,
      error: { code: "exchange.ownCommune" },
    });
    // An offer altered on its way is refused; accepted once, it cannot be accepted twice.
    expect(await hana.run("exchange.accept", { commune: hillside, exchange: { ...exchange, amount: 500_00 } })).toMatchObject({
      ok: false,
      error: { code: "exchange.badSignature" },
    });
    await must(hana, "exchange.accept", { commune: hillside, exchange });
    expect(await hana.run("exchange.accept", { commune: hillside, exchange })).toMatchObject({ ok: false, error: { code: "exchange.acceptedAlready" } });
    // Older exchanges typed with a partner's name still work as they did.
    await must(ada, "purse.exchange", { commune: riverside, partner: "Old Mill Co-op", direction: "in", amount: "2", currency: "EUR" });
  });

  it("shows records of the partner's not signed by a key on its roster as mismatches, counting them for nothing", async () => {
    const { ada, hana, riverside, hillside } = await twoCommunes();
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "5", currency: "EUR" });
    const [exchange] = (await must(ada, "partner.account", { commune: riverside, partner: hillside })).records;
    await must(hana, "exchange.accept", { commune: hillside, exchange });
    const { records } = await must(hana, "partner.account", { commune: hillside, partner: riverside });
    // Hillside's roster as a forger would write it: naming only Ada, who is no member of Hillside.
    const account = await must(ada, "partner.account", {
      commune: riverside,
      partner: hillside,
      name: "Hillside",
      theirs: { records, rosters: [rosterOf(hillside, adaKeys)], anchors: [adaKeys.publicKey] },
    });
    expect(account.mismatches[0]).toMatch(
      /^An exchange of 5\.00 EUR said to be from Hillside on .* is not signed by a member on Hillside's roster: it counts for nothing\.$/,
    );
    expect(account.position).toEqual({});
  });

  it("refuses an exchange out that would take what the partner may owe past the credit limit a rule proposal set", async () => {
    const { ada, riverside, hillside } = await twoCommunes();
    const { id: proposal } = await must(ada, "proposal.create", {
      commune: riverside,
      kind: "rule",
      title: "Hillside may owe us up to 35 EUR",
      change: { partnerCredit: { [hillside]: { EUR: "35" } } },
      deadline: { days: 7 },
    });
    await must(ada, "proposal.vote", { commune: riverside, proposal, choice: "yes" });
    expect((await must(ada, "proposal.list", { commune: riverside }))[0]).toMatchObject({
      outcome: "passed",
      change: { partnerCredit: { [hillside]: { EUR: 35_00 } } },
    });

    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "30", currency: "EUR" });
    expect(await ada.run("purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "6", currency: "EUR" })).toMatchObject({
      ok: false,
      error: {
        code: "exchange.creditLimit",
        field: "amount",
        message:
          "Sending 6.00 EUR would take what partner " +
          hillside.slice(0, 8) +
          " owes us to 36.00 EUR (counting 30.00 EUR offered and not yet answered), past the credit limit of 35.00 EUR the commune set for partner " +
          hillside.slice(0, 8) +
          ".",
      },
    });
    // An exchange its author took back no longer counts against the limit.
    const { id: six } = await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "5", currency: "EUR" });
    await must(ada, "purse.void", { commune: riverside, entry: six, reason: "sent twice" });
    expect((await must(ada, "partner.account", { commune: riverside, partner: hillside })).offeredByUs).toEqual({ EUR: 30_00 });
    // Within the limit, and in a currency it sets none for, an exchange goes out.
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "5", currency: "EUR" });
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "9", currency: "HOUR" });
    // A limit is for a partner, not for this commune itself.
    expect(
      await ada.run("proposal.create", {
        commune: riverside,
        kind: "rule",
        title: "x",
        change: { partnerCredit: { [riverside]: { EUR: "1" } } },
        deadline: { days: 7 },
      }),
    ).toMatchObject({ ok: false, error: { code: "proposal.ownCommune" } });
  });
});
