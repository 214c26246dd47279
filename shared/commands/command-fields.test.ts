import { describe, expect, it } from "vitest";
import { name as recordName } from "../docs/fields";
import { commandInputs } from "./commands";

/**
 * A command accepts only what the signed record it writes can hold: one
 * rule for names, titles and memos (shared/docs/fields.ts). A name the
 * command let through and the document schema refused made the commune
 * founded with it read as damaged, and refused every write after it.
 */
describe("the text a command accepts", () => {
  it("refuses a name with a terminal escape in it, as the founding record would", () => {
    const named = "Ada\u001b[2J";
    expect(recordName.safeParse(named).success).toBe(false);
    const refused = commandInputs["identity.rename"].safeParse({ name: named });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("must not contain control characters");
  });

  it("refuses an empty name and a title of only a line break, and lets a memo span lines", () => {
    expect(commandInputs["identity.rename"].safeParse({ name: "" }).success).toBe(false);
    const commune = "0123456789abcdef0123456789abcdef";
    expect(commandInputs["inventory.add"].safeParse({ commune, title: "\n" }).success).toBe(false);
    expect(commandInputs["purse.contribute"].safeParse({ commune, amount: "5", currency: "EUR", memo: "seeds\nand soil" }).success).toBe(true);
  });
});
