import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { relayLinks } from "../../host/sync/relay-links";
import { must } from "../../host/testing/host-harness";
import { fingerprint } from "../../shared/identity/keys";
import { accessibilityProblems, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 14 on screen, between two members' apps: Ada, in Riverside, makes a
 * partner offer and copies it; Hana, in Hillside, pastes it and reads who
 * offers, with Ada's fingerprint, and proposes partnering with Riverside. Ada
 * then gives Hillside 30 EUR through an exchange, and sees it offered in
 * the ledger and in the account with Hillside. A plaintext commune is told
 * why it cannot offer.
 */
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const HOUR = { code: "HOUR", name: "Labour hours", decimals: 2 };
// Nothing listens there: an offer needs only the address, and the links retry in the background.
const RELAY = "ws://127.0.0.1:9";

let riverside: PreparedApp;
let hillside: PreparedApp;
let hillsideId = "";
let riversideId = "";
let adasFingerprint = "";

async function founding(dataDir: string, name: string, work: (host: Host) => Promise<void>): Promise<void> {
  const host = await Host.open({ dataDir, links: relayLinks });
  try {
    await must(host, "identity.rename", { name });
    await work(host);
  } finally {
    await host.close();
  }
}

beforeAll(async () => {
  riverside = await preparedApp("e2e-partners-riverside", (dir) =>
    founding(dir, "Ada", async (host) => {
      adasFingerprint = fingerprint((await must(host, "identity.show", {})).publicKey);
      const { commune } = await must(host, "commune.create", {
        name: "Riverside",
        currencies: [EUR, HOUR],
        relays: [RELAY],
        private: true,
        rules: { spendLimit: { EUR: "100", HOUR: "20" } },
      });
      riversideId = commune;
      await must(host, "purse.contribute", { commune, amount: "200", currency: "EUR", memo: "" });
      await must(host, "commune.create", { name: "Open Field", currencies: [EUR], relays: [RELAY], private: false });
    }),
  );
  hillside = await preparedApp("e2e-partners-hillside", (dir) =>
    founding(dir, "Hana", async (host) => {
      hillsideId = (await must(host, "commune.create", { name: "Hillside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    }),
  );
}, 600_000);

afterAll(async () => {
  await riverside?.close();
  await hillside?.close();
}, 120_000);

describe("partners between two communes' apps", () => {
  it("makes an offer in Riverside, reads it in Hillside, and records an exchange out to Hillside with its state and account", async () => {
    const ada = await riverside.page({ height: 1400, screen: "Partners" });
    await shows(ada.getByRole("heading", { name: "Partners", level: 1 }));

    // From the keyboard: the days box, then Enter on the button.
    const offerForm = ada.getByRole("form", { name: "Offer a partnership" });
    await offerForm.getByLabel("Valid for (days)").fill("45");
    await offerForm.getByRole("button", { name: "Make a partner offer" }).focus();
    await ada.keyboard.press("Enter");
    await shows(offerForm.getByText("An offer may be valid for 1 to 30 days."));
    await offerForm.getByLabel("Valid for (days)").fill("3");
    await offerForm.getByRole("button", { name: "Make a partner offer" }).focus();
    await ada.keyboard.press("Enter");
    const sent = ada.getByLabel("Partner offer to send");
    await shows(sent);
    const offer = await sent.inputValue();
    expect(offer).toMatch(/^commune-partner:/);
    await shows(ada.getByText("It can be read until", { exact: false }));

    // Pasted back into Riverside, it is refused in words.
    const adaRead = ada.getByRole("form", { name: "Read a partner offer" });
    await adaRead.getByLabel("Partner offer").fill(offer);
    await adaRead.getByRole("button", { name: "Read offer" }).click();
    await shows(adaRead.getByText("This offer is from Riverside itself: send it to the other commune instead."));
    await adaRead.getByLabel("Partner offer").fill("");

    const hana = await hillside.page({ height: 1200, screen: "Partners" });
    const read = hana.getByRole("form", { name: "Read a partner offer" });
    await read.getByLabel("Partner offer").fill(offer.slice(0, 60));
    await read.getByRole("button", { name: "Read offer" }).click();
    await shows(read.getByText("This partner offer is incomplete or damaged", { exact: false }));
    await read.getByLabel("Partner offer").fill(offer);
    await read.getByRole("button", { name: "Read offer" }).focus();
    await hana.keyboard.press("Enter");
    const summary = hana.getByRole("region", { name: "Offer from Riverside" });
    await showsText(summary, adasFingerprint);
    await showsText(summary, `${RELAY}/`);
    await showsText(summary, "Valid until");
    await showsText(summary, "Nothing has been proposed or agreed");
    await screenshot(hana, "partners-offer-read");
    expect(await accessibilityProblems(hana), "Partners, offer read").toEqual([]);
    // Partnering is Hillside's decision: the button makes the proposal, and says where it is.
    await hana.getByRole("button", { name: "Propose partnering with Riverside" }).click();
    await shows(hana.getByRole("region", { name: "Paste a partner's offer" }).getByText("“Partner with Riverside” is open in Proposals", { exact: false }));
    expect(await hana.getByRole("button", { name: "Propose partnering with Riverside" }).isDisabled()).toBe(true);
    // The offer's commune id goes into Hana's exchange form with one button.
    await hana.getByRole("button", { name: "Exchange with Riverside" }).click();
    const hanasExchange = hana.getByRole("form", { name: "Exchange with a partner" });
    expect(await hanasExchange.getByLabel("Partner commune id").inputValue()).toBe(riversideId);
    // The focus moves to the exchange form, so the keyboard goes on from there.
    expect(await hana.locator(":focus").getByRole("form", { name: "Exchange with a partner" }).count()).toBe(1);
    await hana.keyboard.press("Tab");
    expect(await hana.locator(":focus").getAttribute("id")).toBe(await hanasExchange.getByLabel("Partner commune id").getAttribute("id"));

    // Ada gives Hillside 30 EUR, naming it by the commune id its own offer would carry.
    const exchange = ada.getByRole("form", { name: "Exchange with a partner" });
    await exchange.getByLabel("Partner commune id").fill("Hillside");
    await exchange.getByLabel("Amount").fill("30");
    await exchange.getByRole("button", { name: "Offer the exchange" }).click();
    await shows(exchange.getByText("A commune id is 32 characters", { exact: false }));
    await exchange.getByLabel("Partner commune id").fill(hillsideId);
    await exchange.getByLabel("Currency").selectOption("EUR");
    await exchange.getByLabel("Memo").fill("Apple saplings");
    await exchange.getByRole("button", { name: "Offer the exchange" }).click();
    const short = `commune ${hillsideId.slice(0, 8)}`;
    await showsText(exchange.getByRole("status"), `Offered 30.00 EUR to ${short}.`);

    const ledger = ada.getByRole("table", { name: "Exchanges in the ledger" });
    await showsText(ledger, `Offered to ${short}: counts as given until ${short} accepts or declines it.`);
    await showsText(ledger, "Apple saplings");
    const account = ada.getByRole("region", { name: "Partner accounts" });
    await showsText(account, "Only our side is shown");
    await showsText(account.getByRole("table", { name: `Exchanges with ${short}` }), "Offered");
    await screenshot(ada, "partners-exchange-account");
    expect(await accessibilityProblems(ada), "Partners, exchange and account").toEqual([]);
    await ada.emulateMedia({ colorScheme: "dark" });
    expect(await accessibilityProblems(ada), "Partners (dark)").toEqual([]);

    // A plaintext commune is told why it cannot offer.
    await ada.getByLabel("Current commune").selectOption({ label: "Open Field" });
    await showsText(ada.getByRole("region", { name: "Offer a partnership" }), "Open Field is a plaintext commune");
    expect(await ada.getByRole("button", { name: "Make a partner offer" }).count()).toBe(0);
  }, 600_000);
});
