import { describe, expect, it } from "vitest";
import type { CommandError } from "../shared/commands/commands";
import { fieldProblem, unplaced } from "../renderer/ui/problems";

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
