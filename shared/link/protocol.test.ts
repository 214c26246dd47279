import { describe, expect, it } from "vitest";
import { parseHostMessage } from "./protocol";

const result = (error: object) => JSON.stringify({ type: "result", id: 1, outcome: { ok: false, error } });

describe("the link's failures", () => {
  it("carry the whole problem to the front end: kind, code, field, message and params", () => {
    const error = {
      kind: "rejected",
      code: "amount.tooLarge",
      field: "amount",
      message: "Amount is too large: the limit is 9 EUR",
      params: { limit: 9, currency: "EUR" },
    };
    expect(parseHostMessage(result(error))).toEqual({ ok: true, message: { type: "result", id: 1, outcome: { ok: false, error } } });
  });

  it("refuses a failure whose code is not a dotted problem code, or that has no kind", () => {
    expect(parseHostMessage(result({ kind: "rejected", code: "rejected", message: "No." })).ok).toBe(false);
    expect(parseHostMessage(result({ code: "amount.zero", message: "No." })).ok).toBe(false);
  });
});
