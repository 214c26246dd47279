import { describe, expect, it } from "vitest";
import type { ProposalView } from "../commands/views";
import { closedWithoutOutcome, reviewsDue } from "./outcome-prompts";

const ADA = "a".repeat(64);
const BO = "b".repeat(64);

const proposal = (id: string, fields: Partial<ProposalView>): ProposalView =>
  ({ id, title: id, by: ADA, byName: "Ada", outcome: "passed", decidesAt: 100, ...fields }) as ProposalView;

describe("what Home asks about outcomes", () => {
  it("lists the member's own closed proposals that have no outcome yet, the latest decided first", () => {
    const proposals = [
      proposal("old", { decidesAt: 50 }),
      proposal("new", { decidesAt: 200, outcome: "rejected" }),
      proposal("open", { outcome: "open" }),
      proposal("bos", { by: BO }),
      proposal("done", { outcomeStatement: { statement: "Done", by: ADA, byName: "Ada", at: 300 } }),
    ];
    expect(closedWithoutOutcome(proposals, ADA).map((p) => p.id)).toEqual(["new", "old"]);
  });

  it("lists the outcomes whose review day has come, the longest due first", () => {
    const stated = (review?: number) => ({ outcomeStatement: { statement: "s", by: ADA, byName: "Ada", at: 1, ...(review !== undefined ? { review } : {}) } });
    const proposals = [proposal("later", stated(5_000)), proposal("due", stated(900)), proposal("earlier", stated(100)), proposal("none", stated())];
    expect(reviewsDue(proposals, 1_000).map((p) => p.id)).toEqual(["earlier", "due"]);
  });
});
