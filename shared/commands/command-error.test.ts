import { describe, expect, it } from "vitest";
import { EUR } from "../money/currency";
import { parseAmount } from "../money/amount";
import { INVITE_DAYS, parseDays } from "../commune/days";
import { problem } from "../result";
import { commandErrorOf } from "./commands";

describe("the kind a handler's problem travels with", () => {
  it("calls every amount the host cannot read invalid input, keeping the problem whole", () => {
    for (const text of ["abc", "1e3", "1.001", "-0", "0", "-5", "99999999999999999999"]) {
      const read = parseAmount(text, EUR);
      if (read.ok) throw new Error(`${text} was read`);
      const withField = { ...read.error, field: "amount" };
      expect(commandErrorOf(withField)).toEqual({ kind: "invalid-input", ...withField });
    }
  });

  it("calls a number of days or a currency code the host cannot read invalid input", () => {
    const days = parseDays("soon", INVITE_DAYS);
    if (days.ok) throw new Error("read");
    expect(commandErrorOf(days.error).kind).toBe("invalid-input");
    expect(commandErrorOf(problem("currency.badCode", "must be a currency code such as EUR")).kind).toBe("invalid-input");
    expect(commandErrorOf(problem("invite.notAnInvite", "This is not an invite.")).kind).toBe("invalid-input");
  });

  it("calls a rule's refusal of readable input rejected, even where its area shares a word with unreadable ones", () => {
    expect(commandErrorOf(problem("currency.notInCommune", "XYZ is not one of this commune's currencies.")).kind).toBe("rejected");
    expect(commandErrorOf(problem("invite.expired", "This invite has expired.")).kind).toBe("rejected");
    expect(commandErrorOf(problem("proposal.paidOut", "Paid out in full.", { field: "proposal" }))).toMatchObject({ kind: "rejected", field: "proposal" });
  });
});
