import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../shared/identity/keys";
import { must } from "../../host/testing/host-harness";
import { accessibilityProblems, nav, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 16, "a confirmed large transfer and its correction linked in the
 * ledger": Ada means to give Bo 50 EUR, types 5000, is asked, records it
 * anyway; then she corrects it from the ledger. Nothing is deleted: the
 * ledger shows the transfer, its void and the corrected transfer, linked.
 */
let opened: PreparedApp;

beforeAll(async () => {
  opened = await preparedApp("e2e-corrections", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "commune.admit", { commune, member: generateKeyPair().publicKey, name: "Bo" });
      await must(host, "purse.contribute", { commune, amount: "1000", currency: "EUR", memo: "dues" });
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("a mistake in the purse, caught and corrected", () => {
  it("asks before a 5,000 EUR transfer, and corrects it from the keyboard to 50 EUR, the pair linked in the ledger", async () => {
    const page = await opened.page({ screen: "Purse", height: 1400 });
    const transfer = page.getByRole("form", { name: "Transfer" });
    await shows(transfer);
    await transfer.getByLabel("To member").selectOption({ label: "Bo" });
    await transfer.getByLabel("Amount", { exact: true }).fill("5000");
    await transfer.getByLabel("Memo").fill("for the bike");
    await transfer.getByRole("button", { name: "Transfer" }).click();
    const asked = page.getByRole("dialog", { name: "Record it anyway?" });
    await showsText(asked, "takes your standing to");
    await asked.getByRole("button", { name: "Record it anyway" }).click();
    await showsText(transfer, "Transferred");

    const ledger = page.getByRole("table", { name: "Ledger" });
    const row = (n: number) => ledger.getByRole("row").filter({ has: page.getByRole("cell", { name: String(n), exact: true }) });
    await showsText(row(2), "for the bike");
    const correct = row(2).getByRole("button", { name: "Correct or void entry 2" });
    await correct.focus();
    await page.keyboard.press("Enter");

    const dialog = page.getByRole("dialog", { name: "Correct entry #2" });
    await showsText(dialog, "It stays in the ledger, marked as voided; nothing is deleted.");
    await dialog.getByRole("button", { name: "Record the correction" }).click();
    await showsText(dialog, "Say why, for the ledger");
    await dialog.getByLabel("Right amount (EUR)").fill("50");
    await dialog.getByLabel("Why").fill("typed 5000 for 50");
    await screenshot(page, "purse-correct-dialog");
    expect(await accessibilityProblems(page), "the correction dialog").toEqual([]);
    await dialog.getByRole("button", { name: "Record the correction" }).click();
    await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(false);

    await showsText(row(2), "Voided by #3: “typed 5000 for 50”, corrected by #4");
    await showsText(row(3), "Voids #2");
    await showsText(row(4), "Corrects #2");
    expect(
      await row(2)
        .getByRole("button", { name: /Correct or void/ })
        .count(),
    ).toBe(0);
    await showsText(page.getByLabel("Purse balances").first(), "1,000.00 EUR");
    await ledger.scrollIntoViewIfNeeded();
    await screenshot(page, "purse-correction-linked");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await accessibilityProblems(page), `Purse with a correction (${scheme})`).toEqual([]);
    }

    // What was meant: Ada gave Bo 50.00 EUR of her 1,000.00.
    await nav(page, "Members");
    const members = page.getByRole("table", { name: "Members" });
    await showsText(members.getByRole("row").filter({ hasText: "Ada" }), "950.00");
    await showsText(members.getByRole("row").filter({ hasText: "Bo" }), "50.00");
  });

  it("undoes a contribution right after recording it, with a void the ledger shows", async () => {
    const page = await opened.page({ screen: "Purse", height: 1400 });
    const contribute = page.getByRole("form", { name: "Contribute" });
    await shows(contribute);
    await contribute.getByLabel("Amount", { exact: true }).fill("7");
    await contribute.getByLabel("Memo").fill("slip of the finger");
    await contribute.getByRole("button", { name: "Contribute" }).click();
    await showsText(contribute, "Contributed 7.00 EUR.");
    await contribute.getByRole("button", { name: "Undo" }).click();
    await showsText(contribute, "Undone: the entry was voided, and the ledger shows both.");
    const ledger = page.getByRole("table", { name: "Ledger" });
    await showsText(ledger.getByRole("row").filter({ hasText: "slip of the finger" }), "Voided by");
    await showsText(ledger.getByRole("row").filter({ hasText: "undone right after recording" }), "Voids");
  });
});
